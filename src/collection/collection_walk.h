// The collection walk: a top-down crawl of a federation from its Trust
// Anchor through every `/list` endpoint, verifying each Subordinate
// Statement and Entity Configuration, into the collection data that
// GET /collection serves.
#pragma once

#include "common/clock.h"
#include "common/config.h"
#include "common/entity_id.h"
#include "common/error.h"
#include "fetch/http_fetcher.h"
#include "jose/jwk.h"
#include "storage/federation_store.h"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace inmor::collection {

/// Bounds on the work one walk may cause.
struct WalkLimits {
    /// Levels below the Trust Anchor that are listed; the anchor's immediate
    /// subordinates are level 1. Subordinates deeper than this are skipped
    /// with an error.
    std::size_t max_depth = 10;
    /// Entities collected; further subordinates are skipped with an error.
    std::size_t max_entities = 200000;
    /// Entity identifiers accepted from one `/list` response.
    std::size_t max_list_entries = 100000;
    /// Fetches running at the same time (worker threads of the walk).
    std::size_t parallel_fetches = 16;
    /// Wall-clock time allowed for the whole walk. A walk that exceeds it
    /// fails, so a federation too slow to walk never replaces good data
    /// with part of itself. A fetch already running is bounded by the
    /// fetcher's own timeouts.
    std::chrono::milliseconds time_budget{std::chrono::hours(1)};
};

/// How far a walk has come, for progress output.
struct WalkProgress {
    std::size_t entities = 0;  // verified and collected so far
    std::size_t errors = 0;
    std::size_t pending = 0;   // subordinates and lists still queued
};

/// Settings of one walk.
struct WalkOptions {
    WalkLimits limits;
    /// Accept http Entity Identifiers (the development switch `allow_http`).
    bool allow_http = false;
    /// Keys the Trust Anchor's Entity Configuration must be signed with.
    /// Empty: the configuration is checked against its own `jwks` only.
    std::optional<jose::JwkSet> trust_anchor_keys;
    /// Called after each entity is collected or rejected, from the walk's
    /// threads but never from two at once.
    std::function<void(const WalkProgress&)> on_progress;
};

/// One problem met during a walk: the entity concerned, the superior it was
/// listed under (empty for the anchor) and what failed.
struct WalkError {
    std::string entity_id;
    std::string superior;
    std::string reason;
};

/// Counts of a finished walk.
struct WalkStats {
    std::size_t entities = 0;
    std::map<std::string, std::size_t> entities_per_type;
    std::size_t intermediates = 0;  // collected entities that publish a list endpoint
    std::size_t errors = 0;
    std::size_t trust_marks_verified = 0;
    std::size_t trust_marks_rejected = 0;
    std::size_t fetches = 0;
    std::chrono::milliseconds elapsed{0};
};

/// A finished walk: the collection data to publish, its counts, and the
/// first errors (at most kMaxRecordedErrors; `stats.errors` counts all).
struct WalkResult {
    storage::CollectionSnapshot snapshot;
    WalkStats stats;
    std::vector<WalkError> errors;
};

/// Errors kept in WalkResult::errors; the rest are only counted and logged.
inline constexpr std::size_t kMaxRecordedErrors = 1000;

/// Walks the federation below `trust_anchor`. The anchor's Entity
/// Configuration is fetched and verified (with `trust_anchor_keys` when
/// given), and its `federation_list_endpoint` lists the immediate
/// subordinates. For each one, the superior's Subordinate Statement (fetch
/// endpoint, `sub` percent-encoded) is verified with the superior's keys.
/// Then the entity's own configuration is verified with its own `jwks` and
/// with the keys the statement vouches for. Entities that publish a list
/// endpoint are walked in turn. An entity found under several superiors is
/// fetched once, and one that leads back into the tree (a loop) is not
/// walked again. An entity is kept when superiors its `authority_hints`
/// name connect it to the anchor, and it is recorded under those superiors
/// only. Trust Marks are verified against the anchor's `trust_mark_issuers`
/// and `trust_mark_owners` with the keys of issuers found in the walk.
///
/// Errors below the anchor are counted in the result and the walk goes on.
/// The walk fails (kTemporarilyUnavailable or kInvalidTrustChain, naming
/// the cause) only when the anchor's configuration or list cannot be
/// fetched or verified, or when it runs past `limits.time_budget`.
Result<WalkResult> walk_federation(const fetch::HttpFetcher& fetcher,
                                   const EntityId& trust_anchor, const Clock& clock,
                                   const WalkOptions& options);

/// Walks the federation and, when the walk succeeded, replaces the
/// collection data in `store` through its staging keys in one swap, which
/// announces the change to the server's caches. A failed walk or write
/// leaves the previous collection data in place.
Result<WalkResult> walk_and_publish(storage::FederationStore& store,
                                    const fetch::HttpFetcher& fetcher,
                                    const EntityId& trust_anchor, const Clock& clock,
                                    const WalkOptions& options);

/// Reads the keys a walk from `trust_anchor` pins. For the anchor `domain`
/// these are the `jwks` of this instance's published Entity Configuration,
/// and for another anchor the `jwks_file` of its `[[resolve.trust_anchors]]`
/// entry. Returns nothing when neither applies. Errors name the unreadable
/// file or stored value.
Result<std::optional<jose::JwkSet>> pinned_trust_anchor_keys(const Config& config,
                                                             storage::FederationStore& store,
                                                             const EntityId& trust_anchor);

/// The scheduled walk (`scheduler.collection_walk_every`): walks from the
/// configured `domain` with the configured fetcher and pinned keys, and
/// publishes the result into `store`. `options.allow_http` and
/// `options.trust_anchor_keys` are taken from `config`.
Result<WalkResult> run_collection_walk(const Config& config, storage::FederationStore& store,
                                       const std::string& trust_anchor, const Clock& clock,
                                       WalkOptions options = {});

}  // namespace inmor::collection
