// Parsing of a `metadata_policy` claim into MetadataPolicy, level by level,
// and its serialization back to JSON.
#include "policy/metadata_policy.h"

#include "policy/combinations.h"
#include "policy/policy_error.h"
#include "policy/scope.h"

namespace inmor::policy {

namespace {

namespace bj = boost::json;
using Op = PolicyOperator;

bool is_scope_value(const bj::value& element) {
    return element.is_string() && !element.get_string().empty() &&
           element.get_string().find(' ') == bj::string::npos;
}

// Operators see `scope` as an array of scope values, so a string operand is
// split and an array must hold single scope values. one_of picks one value
// out of a list and has no meaning for a list-valued parameter.
Result<bj::value> scope_operand(Op op, const bj::value& operand, std::string_view where) {
    const std::string name(operator_name(op));
    if (op == Op::kOneOf) {
        return policy_error(where, "one_of cannot apply to scope, which is an array of values");
    }
    if (op == Op::kEssential || operand.is_null()) {
        return operand;
    }
    if (operand.is_string()) {
        return bj::value(split_scope(operand.get_string()));
    }

    if (!operand.is_array()) {
        return policy_error(where, name + " for scope must be a string or an array of strings");
    }
    for (const bj::value& element : operand.get_array()) {
        if (!is_scope_value(element)) {
            return policy_error(where, name + " for scope must hold non-empty scope values");
        }
    }
    return operand;
}

Result<ParameterPolicy> parse_parameter_policy(const bj::value& operators,
                                               std::string_view parameter,
                                               const CriticalOperators& critical,
                                               std::string_view where) {
    if (!operators.is_object()) {
        return policy_error(where, "must be an object of operators");
    }

    ParameterPolicy policy;
    for (const auto& [name, operand] : operators.get_object()) {
        const std::optional<Op> op = parse_operator_name(name);
        if (!op) {
            if (auto allowed = check_additional_operator(name, critical, where); !allowed) {
                return allowed.error();
            }
            continue;
        }

        Result<bj::value> normalized = operand;
        if (is_space_separated_parameter(parameter)) {
            normalized = scope_operand(*op, operand, where);
        }
        if (!normalized) {
            return normalized.error();
        }
        if (auto checked = check_operator_value(*op, *normalized, where); !checked) {
            return checked.error();
        }
        policy.emplace(*op, std::move(*normalized));
    }

    if (auto checked = check_combinations(policy, where); !checked) {
        return checked.error();
    }
    return policy;
}

Result<EntityTypePolicy> parse_entity_type_policy(const bj::value& parameters,
                                                  std::string_view entity_type,
                                                  const CriticalOperators& critical) {
    if (!parameters.is_object()) {
        return policy_error(policy_path(entity_type, ""),
                            "must be an object of parameter policies");
    }

    EntityTypePolicy policy;
    for (const auto& [parameter, operators] : parameters.get_object()) {
        const std::string where = policy_path(entity_type, parameter);
        if (parameter.empty()) {
            return policy_error(where, "parameter name must not be empty");
        }
        Result<ParameterPolicy> parsed =
            parse_parameter_policy(operators, parameter, critical, where);
        if (!parsed) {
            return parsed.error();
        }
        policy.emplace(std::string(parameter), std::move(*parsed));
    }
    return policy;
}

}  // namespace

const bj::value* find_operator(const ParameterPolicy& policy, PolicyOperator op) {
    const auto found = policy.find(op);
    return found == policy.end() ? nullptr : &found->second;
}

Result<MetadataPolicy> parse_metadata_policy(const bj::value& claim,
                                             const CriticalOperators& critical) {
    if (!claim.is_object()) {
        return policy_error("metadata_policy", "must be an object");
    }

    MetadataPolicy policy;
    for (const auto& [entity_type, parameters] : claim.get_object()) {
        if (entity_type.empty()) {
            return policy_error("metadata_policy", "entity type must not be empty");
        }
        Result<EntityTypePolicy> parsed =
            parse_entity_type_policy(parameters, entity_type, critical);
        if (!parsed) {
            return parsed.error();
        }
        policy.emplace(std::string(entity_type), std::move(*parsed));
    }
    return policy;
}

bj::object metadata_policy_to_json(const MetadataPolicy& policy) {
    bj::object claim;
    for (const auto& [entity_type, parameters] : policy) {
        bj::object& type_object = claim[entity_type].emplace_object();
        for (const auto& [parameter, operators] : parameters) {
            bj::object& operator_object = type_object[parameter].emplace_object();
            for (const auto& [op, operand] : operators) {
                operator_object[operator_name(op)] = operand;
            }
        }
    }
    return claim;
}

}  // namespace inmor::policy
