// Metadata policy resolution for a trust chain (section "Resolution").
#pragma once

#include "common/error.h"
#include "policy/metadata_policy.h"

#include <boost/json/value.hpp>

#include <optional>
#include <span>

namespace inmor::policy {

/// The policy claims of one Subordinate Statement; either may be absent.
struct StatementPolicyClaims {
    std::optional<boost::json::value> metadata_policy;
    std::optional<boost::json::value> metadata_policy_crit;
};

/// Resolves the metadata policy of a trust chain. `statements` are the chain's
/// Subordinate Statements from the one issued by the Trust Anchor down to the
/// one issued by the subject's Immediate Superior. First the names in every
/// `metadata_policy_crit` are collected. Then each present `metadata_policy`
/// is validated (structure, operator value types, combinations, critical
/// operators) and merged into the policies above it. Last, any name listed in
/// a `metadata_policy_crit` fails, because no additional operator is
/// supported. Returns an empty policy when no statement carries one. Any error is a policy error with code
/// kInvalidTrustChain: the chain is invalid. The error detail names the
/// offending statement by its index in `statements`.
Result<MetadataPolicy> resolve_metadata_policy(std::span<const StatementPolicyClaims> statements);

}  // namespace inmor::policy
