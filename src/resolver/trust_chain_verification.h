// Verification of a trust chain given as its statements, with nothing
// fetched: a `trust_chain` claim or header, or a stored chain reused.
#pragma once

#include "common/clock.h"
#include "common/error.h"
#include "federation/entity_statement.h"
#include "resolver/trust_chain.h"
#include "resolver/trust_chain_resolver.h"

#include <cstddef>
#include <span>
#include <string>

namespace inmor::resolver {

/// Maximum number of statements in a chain that verify_trust_chain() accepts.
inline constexpr std::size_t kMaxTrustChainStatements = 32;

/// Verifies a trust chain of compact JWTs: the subject's Entity
/// Configuration first, then one Subordinate Statement per level, then the
/// Entity Configuration of a Trust Anchor in `trust_anchors`, verified with
/// its pinned keys. Each statement's `iss` must be the `sub` of the next,
/// and each must verify with the `jwks` of the next. The subject's
/// configuration must also be self-signed and list the issuer of the first
/// Subordinate Statement in its `authority_hints`. Then constraints and
/// metadata policy apply as in TrustChainResolver. Trust Marks are not
/// verified here, so `trust_marks` stays empty. Errors: kInvalidTrustAnchor
/// when the last statement is not from a configured anchor, otherwise
/// kInvalidTrustChain naming the position ("trust_chain[2]: ...").
Result<TrustChain> verify_trust_chain(std::span<const std::string> statements,
                                      const TrustAnchorKeys& trust_anchors, const Clock& clock,
                                      const federation::StatementOptions& options = {});

}  // namespace inmor::resolver
