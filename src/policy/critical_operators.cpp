// Collection of critical operator names and the verdict on additional operators.
#include "policy/critical_operators.h"

#include "policy/policy_error.h"
#include "policy/policy_operator.h"

namespace inmor::policy {

namespace bj = boost::json;

Result<void> add_critical_operators(const bj::value& claim, CriticalOperators& critical) {
    constexpr std::string_view kWhere = "metadata_policy_crit";
    if (!claim.is_array()) {
        return policy_error(kWhere, "must be an array of strings");
    }

    for (const bj::value& name : claim.get_array()) {
        if (!name.is_string() || name.get_string().empty()) {
            return policy_error(kWhere, "must be an array of non-empty strings");
        }
        // The claim lists only operators beyond the standard ones.
        const std::string_view text = name.get_string();
        if (parse_operator_name(text)) {
            return policy_error(kWhere, "must not list the standard operator " + std::string(text));
        }
        critical.emplace(text);
    }
    return {};
}

Result<void> check_additional_operator(std::string_view name, const CriticalOperators& critical,
                                       std::string_view where) {
    if (critical.contains(name)) {
        return policy_error(where, "critical operator " + std::string(name) + " is not supported");
    }
    return {};
}

}  // namespace inmor::policy
