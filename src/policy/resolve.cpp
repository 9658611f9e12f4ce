// Resolution: collect critical operators, then validate and merge each
// statement's policy from the trust anchor down.
#include "policy/resolve.h"

#include "policy/critical_operators.h"
#include "policy/merge.h"
#include "policy/policy_error.h"

#include <string>

namespace inmor::policy {

namespace {

// The same error, its detail naming the statement it came from.
Error from_statement(const Error& error, std::size_t index) {
    return Error(error.code(), error.message(),
                 "subordinate statement index=" + std::to_string(index) +
                     " counted from the trust anchor");
}

Result<CriticalOperators> collect_critical_operators(
    std::span<const StatementPolicyClaims> statements) {
    CriticalOperators critical;
    for (std::size_t index = 0; index < statements.size(); ++index) {
        const auto& claim = statements[index].metadata_policy_crit;
        if (!claim) {
            continue;
        }
        if (auto added = add_critical_operators(*claim, critical); !added) {
            return from_statement(added.error(), index);
        }
    }
    return critical;
}

// A statement whose metadata_policy_crit lists an extension the recipient
// does not support is invalid. This engine supports none, so any name listed
// fails, even one that no policy uses.
Result<void> check_critical_operators_supported(
    std::span<const StatementPolicyClaims> statements) {
    for (std::size_t index = 0; index < statements.size(); ++index) {
        CriticalOperators listed;
        const auto& claim = statements[index].metadata_policy_crit;
        if (!claim || !add_critical_operators(*claim, listed) || listed.empty()) {
            continue;
        }
        return from_statement(policy_error("metadata_policy_crit", "critical operator " +
                                                                       *listed.begin() +
                                                                       " is not supported"),
                              index);
    }
    return {};
}

}  // namespace

Result<MetadataPolicy> resolve_metadata_policy(std::span<const StatementPolicyClaims> statements) {
    // Critical names from any statement apply to the policies of all of them.
    Result<CriticalOperators> critical = collect_critical_operators(statements);
    if (!critical) {
        return critical.error();
    }

    MetadataPolicy resolved;
    for (std::size_t index = 0; index < statements.size(); ++index) {
        const auto& claim = statements[index].metadata_policy;
        if (!claim) {
            continue;
        }
        Result<MetadataPolicy> parsed = parse_metadata_policy(*claim, *critical);
        if (!parsed) {
            return from_statement(parsed.error(), index);
        }
        // The first policy becomes the current one: merging into an empty
        // policy copies it whole.
        if (auto merged = merge_metadata_policy(resolved, *parsed); !merged) {
            return from_statement(merged.error(), index);
        }
    }

    // Checked last, so a critical operator that a policy uses is reported
    // with the parameter that uses it.
    if (auto supported = check_critical_operators_supported(statements); !supported) {
        return supported.error();
    }
    return resolved;
}

}  // namespace inmor::policy
