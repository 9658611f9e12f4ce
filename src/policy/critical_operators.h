// The `metadata_policy_crit` claims of a trust chain: additional operators
// that must be understood (section "Additional Operators").
#pragma once

#include "common/error.h"

#include <boost/json/value.hpp>

#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

namespace inmor::policy {

/// Names of additional operators declared critical somewhere in a chain.
using CriticalOperators = std::set<std::string, std::less<>>;

/// Validates one `metadata_policy_crit` claim (an array of strings naming
/// operators other than the standard seven) and adds its names to `critical`.
/// Errors carry kInvalidTrustChain.
Result<void> add_critical_operators(const boost::json::value& claim, CriticalOperators& critical);

/// Handles an operator name that is not a standard one: ignored (Ok) unless
/// `critical` lists it, in which case it is a policy error because this
/// implementation supports no additional operator. `where` names the
/// parameter policy.
Result<void> check_additional_operator(std::string_view name, const CriticalOperators& critical,
                                       std::string_view where);

}  // namespace inmor::policy
