// Signing subordinate statements, trust marks and the entity configuration.
#include "admin/federation_signing.h"

#include "admin/admin_metrics.h"
#include "admin/publication.h"
#include "common/json.h"
#include "federation/entity_statement.h"
#include "federation/trust_mark.h"
#include "jose/jws.h"

#include <array>

namespace inmor::admin {
namespace {

namespace json = boost::json;

// Trust mark claims the anchor sets itself; additional claims may not.
constexpr std::array<std::string_view, 5> kReservedTrustMarkClaims = {
    "iss", "sub", "trust_mark_type", "iat", "exp"};

}  // namespace

Result<std::optional<json::object>> anchor_metadata_policy(const Config& config) {
    const std::string& path = config.federation.metadata_policy_file;
    if (path.empty()) {
        return std::optional<json::object>();
    }
    Result<std::string> text = read_configured_file(path, "federation.metadata_policy_file");
    if (!text) {
        return text.error();
    }
    Result<json::object> policy =
        parse_json_object(*text, "federation.metadata_policy_file (" + path + ")");
    if (!policy) {
        return policy.error();
    }
    return std::optional<json::object>(std::move(*policy));
}

storage::EntityKind entity_kind_of(const json::object& metadata) {
    if (metadata.contains("openid_relying_party")) {
        return storage::EntityKind::kRelyingParty;
    }
    if (metadata.contains("openid_provider")) {
        return storage::EntityKind::kOpenidProvider;
    }
    return storage::EntityKind::kAuthority;
}

storage::EntityKind entity_kind_of_jwt(const std::string& entity_configuration) {
    Result<jose::UnverifiedJws> decoded = jose::decode_unverified(entity_configuration);
    if (!decoded) {
        return storage::EntityKind::kAuthority;
    }
    const json::value* metadata = decoded->payload().if_contains("metadata");
    if (metadata == nullptr || !metadata->is_object()) {
        return storage::EntityKind::kAuthority;
    }
    return entity_kind_of(metadata->as_object());
}

std::string fetch_endpoint_of(const std::string& domain) {
    return std::string(federation_endpoints(domain).at("federation_fetch_endpoint").as_string());
}

Result<json::object> trust_mark_claims(const Config& config, const TrustMarkType& type,
                                       const TrustMark& mark, UnixSeconds now) {
    json::object claims;
    if (mark.additional_claims) {
        for (std::string_view reserved : kReservedTrustMarkClaims) {
            if (mark.additional_claims->contains(reserved)) {
                return field_error("additional_claims." + std::string(reserved),
                                   "is set by the trust mark issuer and cannot be given");
            }
        }
        claims = *mark.additional_claims;
    }

    claims["iss"] = config.federation.trust_mark_issuer;
    claims["sub"] = mark.domain;
    claims["trust_mark_type"] = type.tmtype;
    claims["iat"] = now;
    claims["exp"] = now + mark.valid_for * kSecondsPerHour;
    return claims;
}

Result<std::string> sign_trust_mark(const jose::Jwk& signing_key, const json::object& claims) {
    Result<std::string> jwt = jose::sign_jws(
        signing_key, claims, {{"typ", std::string(federation::kTrustMarkJwtType)}});
    if (jwt) {
        admin_metrics().count_signed("trust_mark");
    }
    return jwt;
}

Result<std::string> sign_subordinate_statement(const jose::Jwk& signing_key,
                                               const json::object& claims) {
    Result<std::string> jwt = jose::sign_jws(
        signing_key, claims, {{"typ", std::string(federation::kEntityStatementType)}});
    if (jwt) {
        admin_metrics().count_signed("subordinate_statement");
    }
    return jwt;
}

Result<void> republish_entity_configuration(const AdminServices& services) {
    Result<std::vector<std::string>> types = active_trust_mark_types(services.database);
    if (!types) {
        return types.error();
    }
    Result<json::object> claims =
        build_entity_configuration(services.config, services.keys.verification_keys, *types,
                                   services.clock.now());
    if (!claims) {
        return claims.error();
    }
    Result<std::string> jwt = sign_entity_configuration(services.keys.private_key, *claims);
    if (!jwt) {
        return jwt.error();
    }
    admin_metrics().count_signed("entity_configuration");
    return services.store.publish_entity_configuration(*jwt);
}

}  // namespace inmor::admin
