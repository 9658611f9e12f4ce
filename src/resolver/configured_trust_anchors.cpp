// Trust Anchor keys from the configuration.
#include "resolver/configured_trust_anchors.h"

namespace inmor::resolver {

Result<TrustAnchorKeys> configured_trust_anchors(const Config& config,
                                                 const jose::JwkSet& own_keys) {
    TrustAnchorKeys anchors;
    auto own = EntityId::parse(config.domain, config.allow_http);
    if (!own) return own.error().with_context("domain");
    anchors.emplace(*own, own_keys);

    for (std::size_t i = 0; i < config.resolve.trust_anchors.size(); ++i) {
        const ResolveTrustAnchor& entry = config.resolve.trust_anchors[i];
        const std::string where = "resolve.trust_anchors[" + std::to_string(i) + "]";
        auto id = EntityId::parse(entry.entity_id, config.allow_http);
        if (!id) return id.error().with_context(where + ".entity_id");
        auto text = read_configured_file(entry.jwks_file, where + ".jwks_file");
        if (!text) return text.error();
        auto keys = jose::JwkSet::parse(*text);
        if (!keys) return keys.error().with_context(where + ".jwks_file");
        anchors.insert_or_assign(*id, std::move(*keys));
    }
    return anchors;
}

}  // namespace inmor::resolver
