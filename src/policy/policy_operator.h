// The seven standard metadata policy operators, their names, application
// order and the JSON types their values may take (section "Standard Operators").
#pragma once

#include "common/error.h"

#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace inmor::policy {

/// A standard operator. Enumerators are declared in the order of application,
/// so iterating a std::map keyed by PolicyOperator applies them correctly.
enum class PolicyOperator {
    kValue,
    kAdd,
    kDefault,
    kOneOf,
    kSubsetOf,
    kSupersetOf,
    kEssential,
};

/// Every standard operator, in the order of application.
inline constexpr std::array<PolicyOperator, 7> kStandardOperators = {
    PolicyOperator::kValue,    PolicyOperator::kAdd,        PolicyOperator::kDefault,
    PolicyOperator::kOneOf,    PolicyOperator::kSubsetOf,   PolicyOperator::kSupersetOf,
    PolicyOperator::kEssential,
};

/// Largest array an operator compares. Set operations cost the product of the
/// two array sizes, so untrusted statements must not carry huge arrays. Real
/// parameters (grant types, scopes, contacts) hold a few dozen values at most.
inline constexpr std::size_t kMaxArrayElements = 1000;

/// The wire name of an operator, e.g. "subset_of".
std::string_view operator_name(PolicyOperator op);

/// The operator with this wire name; nullopt for any additional operator.
std::optional<PolicyOperator> parse_operator_name(std::string_view name);

/// Checks the JSON type of an operator value. `where` names the parameter
/// policy ("metadata_policy.openid_relying_party.scope") for the error, which
/// carries ErrorCode::kInvalidTrustChain.
Result<void> check_operator_value(PolicyOperator op, const boost::json::value& value,
                                  std::string_view where);

}  // namespace inmor::policy
