// Operator names and the JSON type rules of each operator value.
#include "policy/policy_operator.h"

#include "policy/policy_error.h"

#include <string>

namespace inmor::policy {

namespace {

namespace bj = boost::json;

// Array operators compare elements, so each element must be a type whose
// equality is well defined: string, number or object (arrays of arrays,
// booleans and null are not among the supported types).
bool is_set_element(const bj::value& element) {
    return element.is_string() || element.is_number() || element.is_object();
}

Result<void> check_set_value(PolicyOperator op, const bj::value& value,
                             std::string_view where) {
    const std::string name(operator_name(op));
    if (!value.is_array()) {
        return policy_error(where, name + " must be an array");
    }
    if (value.get_array().size() > kMaxArrayElements) {
        return policy_error(where, name + " must not have more than " +
                                       std::to_string(kMaxArrayElements) + " elements");
    }
    for (const bj::value& element : value.get_array()) {
        if (!is_set_element(element)) {
            return policy_error(where, name + " elements must be strings, numbers or objects");
        }
    }
    return {};
}

}  // namespace

std::string_view operator_name(PolicyOperator op) {
    switch (op) {
        case PolicyOperator::kValue: return "value";
        case PolicyOperator::kAdd: return "add";
        case PolicyOperator::kDefault: return "default";
        case PolicyOperator::kOneOf: return "one_of";
        case PolicyOperator::kSubsetOf: return "subset_of";
        case PolicyOperator::kSupersetOf: return "superset_of";
        case PolicyOperator::kEssential: return "essential";
    }
    return "unknown";
}

std::optional<PolicyOperator> parse_operator_name(std::string_view name) {
    for (PolicyOperator op : kStandardOperators) {
        if (operator_name(op) == name) {
            return op;
        }
    }
    return std::nullopt;
}

Result<void> check_operator_value(PolicyOperator op, const bj::value& value,
                                  std::string_view where) {
    switch (op) {
        case PolicyOperator::kValue:
            // Any JSON type: null removes the parameter, and objects (optional
            // to support) cost nothing extra. Arrays are compared with the
            // other operators, so they are size-limited.
            if (value.is_array() && value.get_array().size() > kMaxArrayElements) {
                return policy_error(where, "value must not have more than " +
                                               std::to_string(kMaxArrayElements) + " elements");
            }
            return {};
        case PolicyOperator::kDefault:
            if (value.is_null()) {
                return policy_error(where, "default must not be null");
            }
            return {};
        case PolicyOperator::kOneOf:
            if (value.is_array() && value.get_array().empty()) {
                // The merge rule makes an empty one_of an error; a single
                // statement must not express it either.
                return policy_error(where, "one_of must not be empty");
            }
            return check_set_value(op, value, where);
        case PolicyOperator::kAdd:
        case PolicyOperator::kSubsetOf:
        case PolicyOperator::kSupersetOf:
            return check_set_value(op, value, where);
        case PolicyOperator::kEssential:
            if (!value.is_bool()) {
                return policy_error(where, "essential must be a boolean");
            }
            return {};
    }
    return policy_error(where, "unknown operator");
}

}  // namespace inmor::policy
