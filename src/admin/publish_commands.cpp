// regenerate_entity and publish_historical_keys.
#include "admin/publish_commands.h"

#include "admin/publication.h"
#include "admin/trust_mark_type_repository.h"
#include "common/logging.h"
#include "federation/signing_keys.h"

#include <string>
#include <vector>

namespace inmor::admin {
namespace {

int report_failure(PublishContext& context, std::string_view command, const Error& error) {
    context.err << command << ": " << error.message() << "\n";
    logger("admin")->error("{} failed error={} detail={}", command, error.message(),
                           error.detail());
    return 1;
}

}  // namespace

int run_regenerate_entity(PublishContext& context) {
    constexpr std::string_view kCommand = "regenerate_entity";
    auto keys = federation::load_signing_keys(context.config);
    if (!keys) return report_failure(context, kCommand, keys.error());
    auto types = active_trust_mark_types(context.database);
    if (!types) return report_failure(context, kCommand, types.error());

    auto claims = build_entity_configuration(context.config, keys->verification_keys, *types,
                                             context.clock.now());
    if (!claims) return report_failure(context, kCommand, claims.error());
    auto jwt = sign_entity_configuration(keys->private_key, *claims);
    if (!jwt) return report_failure(context, kCommand, jwt.error());

    if (auto published = context.store.publish_entity_configuration(*jwt); !published) {
        return report_failure(context, kCommand, published.error());
    }
    context.out << "published entity configuration entity_id=" << context.config.domain
                << " kid=" << keys->private_key.kid()
                << " exp=" << claims->at("exp").as_int64() << "\n";
    logger("admin")->info("entity configuration published entity_id={} kid={}",
                          context.config.domain, keys->private_key.kid());
    return 0;
}

int run_publish_historical_keys(PublishContext& context) {
    constexpr std::string_view kCommand = "publish_historical_keys";
    auto keys = federation::load_signing_keys(context.config);
    if (!keys) return report_failure(context, kCommand, keys.error());

    auto claims = build_historical_keys(context.config, context.clock.now());
    if (!claims) return report_failure(context, kCommand, claims.error());
    auto jwt = sign_historical_keys(keys->private_key, *claims);
    if (!jwt) return report_failure(context, kCommand, jwt.error());

    if (auto published = context.store.publish_historical_keys(*jwt); !published) {
        return report_failure(context, kCommand, published.error());
    }
    context.out << "published historical keys count="
                << claims->at("keys").as_array().size() << "\n";
    logger("admin")->info("historical keys published count={}",
                          claims->at("keys").as_array().size());
    return 0;
}

}  // namespace inmor::admin
