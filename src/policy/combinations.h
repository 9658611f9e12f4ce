// The operator combination check: the conditions under which two operators
// may share a metadata parameter policy (section "Standard Operators").
#pragma once

#include "common/error.h"
#include "policy/metadata_policy.h"

#include <string_view>

namespace inmor::policy {

/// Checks every pair of operators in `policy` against the combination rules.
/// Run on each statement's policy and again on each merged parameter policy.
/// `where` names the parameter policy; errors carry kInvalidTrustChain.
Result<void> check_combinations(const ParameterPolicy& policy, std::string_view where);

}  // namespace inmor::policy
