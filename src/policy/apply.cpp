// Application: each operator's action on one metadata parameter, then the
// walk over entity types and parameters.
#include "policy/apply.h"

#include "policy/json_set.h"
#include "policy/policy_error.h"
#include "policy/scope.h"

#include <optional>
#include <string>

namespace inmor::policy {

namespace {

namespace bj = boost::json;
using Op = PolicyOperator;

// The parameter as the operators see it; nullopt while absent.
using Parameter = std::optional<bj::value>;

Result<void> require_array(const Parameter& parameter, Op op, std::string_view where) {
    if (!parameter->is_array()) {
        return metadata_error(where, std::string(operator_name(op)) +
                                         " needs an array parameter");
    }
    if (parameter->get_array().size() > kMaxArrayElements) {
        return metadata_error(where, "array parameter must not have more than " +
                                         std::to_string(kMaxArrayElements) + " elements");
    }
    return {};
}

Result<void> apply_add(const bj::value& operand, Parameter& parameter, std::string_view where) {
    if (!parameter) {
        parameter = operand;
        return {};
    }
    if (auto checked = require_array(parameter, Op::kAdd, where); !checked) {
        return checked;
    }
    parameter = set_union(parameter->get_array(), operand.get_array());
    if (parameter->get_array().size() > kMaxArrayElements) {
        return metadata_error(where, "add must not make the parameter exceed " +
                                         std::to_string(kMaxArrayElements) + " elements");
    }
    return {};
}

Result<void> apply_one_of(const bj::value& operand, Parameter& parameter,
                          std::string_view where) {
    if (!parameter) {
        return {};
    }
    if (!parameter->is_string() && !parameter->is_number() && !parameter->is_object()) {
        return metadata_error(where, "one_of needs a string, number or object parameter");
    }
    if (!contains(operand.get_array(), *parameter)) {
        return metadata_error(where, "one_of check failed: value is not among the allowed ones");
    }
    return {};
}

Result<void> apply_subset_of(const bj::value& operand, Parameter& parameter,
                             std::string_view where) {
    if (!parameter) {
        return {};
    }
    if (auto checked = require_array(parameter, Op::kSubsetOf, where); !checked) {
        return checked;
    }
    // The intersection may be [], which stays as the parameter value.
    parameter = set_intersection(parameter->get_array(), operand.get_array());
    return {};
}

Result<void> apply_superset_of(const bj::value& operand, const Parameter& parameter,
                               std::string_view where) {
    if (!parameter) {
        return {};
    }
    if (auto checked = require_array(parameter, Op::kSupersetOf, where); !checked) {
        return checked;
    }
    if (!is_subset(operand.get_array(), parameter->get_array())) {
        return metadata_error(where, "superset_of check failed: a required value is missing");
    }
    return {};
}

Result<void> apply_operator(Op op, const bj::value& operand, Parameter& parameter,
                            std::string_view where) {
    switch (op) {
        case Op::kValue:
            // A null value removes the parameter; no operator outputs null.
            parameter = operand.is_null() ? Parameter() : Parameter(operand);
            return {};
        case Op::kAdd: return apply_add(operand, parameter, where);
        case Op::kDefault:
            if (!parameter) {
                parameter = operand;
            }
            return {};
        case Op::kOneOf: return apply_one_of(operand, parameter, where);
        case Op::kSubsetOf: return apply_subset_of(operand, parameter, where);
        case Op::kSupersetOf: return apply_superset_of(operand, parameter, where);
        case Op::kEssential:
            if (operand.get_bool() && !parameter) {
                return metadata_error(where, "essential check failed: parameter is absent");
            }
            return {};
    }
    return metadata_error(where, "unknown operator");
}

// Reads the parameter, turning a `scope` string into its array of values.
Result<Parameter> read_parameter(const bj::object& entity_metadata, std::string_view name,
                                 std::string_view where) {
    const bj::value* found = entity_metadata.if_contains(name);
    if (!found) {
        return Parameter();
    }
    if (found->is_null()) {
        return metadata_error(where, "must not be null");
    }
    if (!is_space_separated_parameter(name)) {
        return Parameter(*found);
    }
    if (!found->is_string()) {
        return metadata_error(where, "must be a string of space-separated values");
    }
    return Parameter(split_scope(found->get_string()));
}

// Writes the parameter back, `scope` as a space-separated string again.
void write_parameter(bj::object& entity_metadata, std::string_view name,
                     const Parameter& parameter) {
    if (!parameter) {
        entity_metadata.erase(name);
    } else if (is_space_separated_parameter(name)) {
        entity_metadata[name] = join_scope(parameter->get_array());
    } else {
        entity_metadata[name] = *parameter;
    }
}

Result<void> apply_parameter_policy(const ParameterPolicy& policy, std::string_view name,
                                    bj::object& entity_metadata, std::string_view where) {
    Result<Parameter> parameter = read_parameter(entity_metadata, name, where);
    if (!parameter) {
        return parameter.error();
    }

    for (const auto& [op, operand] : policy) {
        if (auto applied = apply_operator(op, operand, *parameter, where); !applied) {
            return applied;
        }
    }

    write_parameter(entity_metadata, name, *parameter);
    return {};
}

Result<void> apply_entity_type_policy(const EntityTypePolicy& policy,
                                      std::string_view entity_type, bj::value& entity_metadata) {
    if (!entity_metadata.is_object()) {
        return metadata_error(metadata_path(entity_type, ""), "must be an object");
    }
    for (const auto& [name, parameter_policy] : policy) {
        const std::string where = metadata_path(entity_type, name);
        if (auto applied = apply_parameter_policy(parameter_policy, name,
                                                  entity_metadata.get_object(), where);
            !applied) {
            return applied;
        }
    }
    return {};
}

}  // namespace

Result<bj::object> apply_metadata_policy(const MetadataPolicy& policy,
                                         const bj::object& metadata) {
    bj::object resolved = metadata;
    for (const auto& [entity_type, type_policy] : policy) {
        bj::value* entity_metadata = resolved.if_contains(entity_type);
        if (!entity_metadata) {
            continue;
        }
        if (auto applied = apply_entity_type_policy(type_policy, entity_type, *entity_metadata);
            !applied) {
            return applied.error();
        }
    }
    return resolved;
}

}  // namespace inmor::policy
