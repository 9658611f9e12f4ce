// The combination rules: value is conditional with every other operator,
// one_of excludes the array operators, add and superset_of must fit subset_of.
#include "policy/combinations.h"

#include "policy/json_set.h"
#include "policy/policy_error.h"

#include <string>

namespace inmor::policy {

namespace {

namespace bj = boost::json;
using Op = PolicyOperator;

// A null value removes the parameter, so it cannot meet the conditions of
// default, of essential true, or of the operators that need an array or a
// member of one_of.
Result<void> check_null_value(const ParameterPolicy& policy, std::string_view where) {
    if (find_operator(policy, Op::kDefault)) {
        return policy_error(where, "value null cannot be combined with default");
    }
    const bj::value* essential = find_operator(policy, Op::kEssential);
    if (essential && essential->as_bool()) {
        return policy_error(where, "value null cannot be combined with essential true");
    }
    for (Op op : {Op::kAdd, Op::kOneOf, Op::kSubsetOf, Op::kSupersetOf}) {
        if (find_operator(policy, op)) {
            return policy_error(where, "value null cannot be combined with " +
                                           std::string(operator_name(op)));
        }
    }
    return {};
}

// True when `part` and `whole` are arrays and `part` is a subset of `whole`.
bool array_subset(const bj::value& part, const bj::value& whole) {
    return part.is_array() && whole.is_array() && is_subset(part.get_array(), whole.get_array());
}

Result<void> check_value(const ParameterPolicy& policy, std::string_view where) {
    const bj::value* value = find_operator(policy, Op::kValue);
    if (!value) {
        return {};
    }
    if (value->is_null()) {
        return check_null_value(policy, where);
    }

    const bj::value* add = find_operator(policy, Op::kAdd);
    if (add && !array_subset(*add, *value)) {
        return policy_error(where, "add must be a subset of value");
    }
    const bj::value* one_of = find_operator(policy, Op::kOneOf);
    if (one_of && !contains(one_of->get_array(), *value)) {
        return policy_error(where, "value must be one of the one_of values");
    }
    const bj::value* subset_of = find_operator(policy, Op::kSubsetOf);
    if (subset_of && !array_subset(*value, *subset_of)) {
        return policy_error(where, "value must be a subset of subset_of");
    }
    const bj::value* superset_of = find_operator(policy, Op::kSupersetOf);
    if (superset_of && !array_subset(*superset_of, *value)) {
        return policy_error(where, "value must be a superset of superset_of");
    }
    return {};
}

// one_of acts on a single value; the array operators act on arrays.
Result<void> check_one_of(const ParameterPolicy& policy, std::string_view where) {
    if (!find_operator(policy, Op::kOneOf)) {
        return {};
    }
    for (Op op : {Op::kAdd, Op::kSubsetOf, Op::kSupersetOf}) {
        if (find_operator(policy, op)) {
            return policy_error(where, "one_of cannot be combined with " +
                                           std::string(operator_name(op)));
        }
    }
    return {};
}

Result<void> check_subset_of(const ParameterPolicy& policy, std::string_view where) {
    const bj::value* subset_of = find_operator(policy, Op::kSubsetOf);
    if (!subset_of) {
        return {};
    }
    const bj::value* add = find_operator(policy, Op::kAdd);
    if (add && !array_subset(*add, *subset_of)) {
        return policy_error(where, "add must be a subset of subset_of");
    }
    const bj::value* superset_of = find_operator(policy, Op::kSupersetOf);
    if (superset_of && !array_subset(*superset_of, *subset_of)) {
        return policy_error(where, "subset_of must be a superset of superset_of");
    }
    return {};
}

}  // namespace

Result<void> check_combinations(const ParameterPolicy& policy, std::string_view where) {
    if (auto checked = check_value(policy, where); !checked) {
        return checked;
    }
    if (auto checked = check_one_of(policy, where); !checked) {
        return checked;
    }
    return check_subset_of(policy, where);
}

}  // namespace inmor::policy
