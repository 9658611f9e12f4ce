// Publishing a walk: the fetcher and pinned keys a configuration implies,
// and the swap of the walk's snapshot into the federation store.
#include "collection/collection_walk.h"

#include "common/logging.h"
#include "federation/entity_statement.h"
#include "fetch/configured_fetch.h"

namespace inmor::collection {
namespace {

std::shared_ptr<spdlog::logger> log() {
    static const auto instance = inmor::logger("collection");
    return instance;
}

}  // namespace

Result<std::optional<jose::JwkSet>> pinned_trust_anchor_keys(const Config& config,
                                                             storage::FederationStore& store,
                                                             const EntityId& trust_anchor) {
    // This instance: the keys of the configuration the admin published.
    if (trust_anchor.str() == config.domain) {
        auto published = store.entity_configuration();
        if (!published) return published.error();
        if (!published->has_value()) return std::optional<jose::JwkSet>{};
        auto statement = federation::UnverifiedEntityStatement::decode(
            **published, {config.allow_http});
        if (!statement) {
            return statement.error().with_context("stored entity configuration");
        }
        return std::optional<jose::JwkSet>{statement->claims().jwks};
    }

    // Another anchor: the keys configured out of band.
    for (const auto& anchor : config.resolve.trust_anchors) {
        if (anchor.entity_id != trust_anchor.str()) continue;
        auto text = read_configured_file(anchor.jwks_file, "resolve.trust_anchors.jwks_file");
        if (!text) return text.error();
        auto keys = jose::JwkSet::parse(*text);
        if (!keys) {
            return keys.error().with_context("resolve.trust_anchors.jwks_file " +
                                             anchor.jwks_file);
        }
        return std::optional<jose::JwkSet>{std::move(*keys)};
    }
    return std::optional<jose::JwkSet>{};
}

Result<WalkResult> walk_and_publish(storage::FederationStore& store,
                                    const fetch::HttpFetcher& fetcher,
                                    const EntityId& trust_anchor, const Clock& clock,
                                    const WalkOptions& options) {
    auto result = walk_federation(fetcher, trust_anchor, clock, options);
    if (!result) {
        log()->error("collection walk failed trust_anchor={} reason={}", trust_anchor.str(),
                     result.error().message());
        return result.error();
    }

    // The server keeps its decoded collection while `last_updated` is
    // unchanged, so a second walk within the same second must still move it.
    auto previous = store.collection_last_updated();
    if (previous && previous->has_value() && **previous >= result->snapshot.last_updated) {
        result->snapshot.last_updated = **previous + 1;
    }

    if (auto replaced = store.replace_collection(result->snapshot); !replaced) {
        log()->error("collection publish failed trust_anchor={} reason={}", trust_anchor.str(),
                     replaced.error().message());
        return replaced.error().with_context("collection publish");
    }
    log()->info("collection walk finished trust_anchor={} entities={} errors={} "
                "trust_marks={} elapsed_ms={}",
                trust_anchor.str(), result->stats.entities, result->stats.errors,
                result->stats.trust_marks_verified, result->stats.elapsed.count());
    return result;
}

Result<WalkResult> run_collection_walk(const Config& config, storage::FederationStore& store,
                                       const std::string& trust_anchor, const Clock& clock,
                                       WalkOptions options) {
    auto anchor = EntityId::parse(trust_anchor, config.allow_http);
    if (!anchor) return anchor.error().with_context("trust anchor");

    auto keys = pinned_trust_anchor_keys(config, store, *anchor);
    if (!keys) return keys.error();
    options.allow_http = config.allow_http;
    options.trust_anchor_keys = std::move(*keys);

    // The fetcher throws std::invalid_argument for settings load_config let
    // through but libcurl cannot use (an unreadable ca_file).
    std::unique_ptr<fetch::HttpFetcher> fetcher;
    try {
        fetcher = std::make_unique<fetch::HttpFetcher>(fetch::fetch_config_from(config));
    } catch (const std::invalid_argument& invalid) {
        return Error::invalid_request(invalid.what());
    }
    return walk_and_publish(store, *fetcher, *anchor, clock, options);
}

}  // namespace inmor::collection
