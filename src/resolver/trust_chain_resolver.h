// TrustChainResolver: builds and validates a trust chain from a subject up
// to a configured Trust Anchor (section "Resolving the Trust Chain").
#pragma once

#include "common/clock.h"
#include "common/entity_id.h"
#include "common/error.h"
#include "federation/trust_mark.h"
#include "jose/jwk.h"
#include "resolver/entity_statement_source.h"
#include "resolver/trust_chain.h"

#include <spdlog/logger.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <vector>

namespace inmor::resolver {

/// Trust Anchor keys known out of band, by anchor: this instance's own keys
/// and those configured under `resolve.trust_anchors`.
using TrustAnchorKeys = std::map<EntityId, jose::JwkSet>;

/// Bounds on the work one resolution may cause (spec section "Denial of
/// Service").
struct ResolverLimits {
    /// Authority hints followed per entity; later hints are ignored.
    std::size_t max_authority_hints = 16;
    /// Intermediates allowed between the subject and the Trust Anchor.
    std::size_t max_intermediates = 8;
    /// Statements fetched per resolution, over all paths tried.
    std::size_t max_fetches = 64;
    /// Paths extended by one authority hint per resolution. Statements are
    /// fetched once, but a lattice of superiors can still multiply the paths
    /// built from them, and each extension verifies a signature.
    std::size_t max_path_extensions = 256;
    /// Trust Marks of the subject verified per resolution; later entries are
    /// left out of the result.
    std::size_t max_trust_marks = 16;
    /// Wall-clock time allowed per resolution. A fetch already running is
    /// not cut short: the fetcher's own timeouts bound it.
    std::chrono::milliseconds time_budget{std::chrono::seconds(30)};
};

/// Checks that a verified Trust Mark is still active, for example with its
/// issuer's status endpoint. Errors drop the mark from the result.
class TrustMarkStatusChecker {
public:
    virtual ~TrustMarkStatusChecker() = default;
    virtual Result<void> check_status(const federation::TrustMark& mark) const = 0;
};

/// Checks the resolved metadata of a chain that validated, for example the
/// key sets its `jwks_uri` and `signed_jwks_uri` point at. An error fails
/// the chain with that error.
class MetadataChecker {
public:
    virtual ~MetadataChecker() = default;
    virtual Result<void> check(const TrustChain& chain) const = 0;
};

/// Settings of a TrustChainResolver.
struct ResolverOptions {
    ResolverLimits limits;
    /// Accept http Entity Identifiers (the development switch `allow_http`).
    bool allow_http = false;
    /// Optional; without it Trust Marks are checked by signature and time only.
    const TrustMarkStatusChecker* status_checker = nullptr;
    /// Optional; runs on every chain that validated, before its Trust Marks.
    const MetadataChecker* metadata_checker = nullptr;
};

/// One resolution: the subject and the Trust Anchors the caller accepts.
struct ResolveRequest {
    EntityId subject;
    /// At least one; each must be a key of the resolver's TrustAnchorKeys.
    std::vector<EntityId> trust_anchors;
    /// Whether to verify the subject's Trust Marks.
    bool verify_trust_marks = true;
};

/// Walks `authority_hints` upward from the subject's Entity Configuration,
/// fetching each superior's Entity Configuration and its Subordinate
/// Statement about the entity below. It never fetches a statement twice in
/// one resolution, skips hints that lead back into the path (loops), hints
/// beyond the limits and paths ending at an anchor not requested, and
/// prefers the shortest chain that validates. Every statement is verified:
/// each Subordinate Statement with its issuer's keys, each Entity
/// Configuration below the anchor with the `jwks` of the statement above
/// it, the subject's configuration also self-signed, the anchor's
/// configuration with the pinned keys, and all times. Then each Subordinate
/// Statement's constraints are enforced on everything below it, and the
/// metadata policy is resolved and applied.
///
/// Thread-safe: each call has its own state.
class TrustChainResolver {
public:
    /// Keeps references to `source` and `clock`, which must outlive the resolver.
    TrustChainResolver(const EntityStatementSource& source, TrustAnchorKeys trust_anchors,
                       const Clock& clock, ResolverOptions options = {});

    /// Resolves the trust chain of `request.subject`. The error is
    /// kInvalidTrustAnchor when a requested anchor is not configured or no
    /// path reaches a requested anchor. It is kTemporarilyUnavailable when a
    /// transient fetch failure or the time budget stopped a path that might
    /// otherwise have validated. Otherwise it is kInvalidTrustChain, naming
    /// the entity and the failed check of the first path that failed.
    Result<TrustChain> resolve_trust_chain(const ResolveRequest& request) const;

    const TrustAnchorKeys& trust_anchors() const { return trust_anchors_; }

private:
    friend class ResolutionWalk;

    const EntityStatementSource& source_;
    TrustAnchorKeys trust_anchors_;
    const Clock& clock_;
    ResolverOptions options_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace inmor::resolver
