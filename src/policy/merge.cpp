// The merge rule of each operator and the walk over the three policy levels.
#include "policy/merge.h"

#include "policy/combinations.h"
#include "policy/json_set.h"
#include "policy/policy_error.h"

#include <string>

namespace inmor::policy {

namespace {

namespace bj = boost::json;
using Op = PolicyOperator;

// Merges the subordinate's operand into the current one for a single operator.
Result<void> merge_operand(Op op, bj::value& current, const bj::value& subordinate,
                           std::string_view where) {
    switch (op) {
        case Op::kValue:
        case Op::kDefault:
            // NOTE: arrays must be equal in order too, so ["a", "b"] and
            // ["b", "a"] conflict. The specification requires only equal values.
            if (!json_equal(current, subordinate)) {
                return policy_error(where, std::string(operator_name(op)) +
                                               " differs from the superior's " +
                                               std::string(operator_name(op)));
            }
            return {};
        case Op::kAdd:
        case Op::kSupersetOf:
            current = set_union(current.get_array(), subordinate.get_array());
            // Each statement is within the limit, but a chain of them is not
            // bounded otherwise.
            if (current.get_array().size() > kMaxArrayElements) {
                return policy_error(where, std::string(operator_name(op)) +
                                               " must not have more than " +
                                               std::to_string(kMaxArrayElements) +
                                               " elements after merging");
            }
            return {};
        case Op::kOneOf:
            current = set_intersection(current.get_array(), subordinate.get_array());
            if (current.get_array().empty()) {
                return policy_error(where, "one_of has no value in common with the superior's");
            }
            return {};
        case Op::kSubsetOf:
            // An empty intersection is kept, so application yields [].
            current = set_intersection(current.get_array(), subordinate.get_array());
            return {};
        case Op::kEssential:
            current = current.get_bool() || subordinate.get_bool();
            return {};
    }
    return policy_error(where, "unknown operator");
}

Result<void> merge_parameter_policy(ParameterPolicy& current, const ParameterPolicy& subordinate,
                                    std::string_view where) {
    for (const auto& [op, operand] : subordinate) {
        const auto [found, inserted] = current.emplace(op, operand);
        if (inserted) {
            continue;
        }
        if (auto merged = merge_operand(op, found->second, operand, where); !merged) {
            return merged;
        }
    }

    // Operators that were each allowed alone may clash once merged.
    return check_combinations(current, where);
}

Result<void> merge_entity_type_policy(EntityTypePolicy& current,
                                      const EntityTypePolicy& subordinate,
                                      std::string_view entity_type) {
    for (const auto& [parameter, operators] : subordinate) {
        const auto [found, inserted] = current.emplace(parameter, operators);
        if (inserted) {
            continue;
        }
        const std::string where = policy_path(entity_type, parameter);
        if (auto merged = merge_parameter_policy(found->second, operators, where); !merged) {
            return merged;
        }
    }
    return {};
}

}  // namespace

Result<void> merge_metadata_policy(MetadataPolicy& current, const MetadataPolicy& subordinate) {
    for (const auto& [entity_type, parameters] : subordinate) {
        const auto [found, inserted] = current.emplace(entity_type, parameters);
        if (inserted) {
            continue;
        }
        if (auto merged = merge_entity_type_policy(found->second, parameters, entity_type);
            !merged) {
            return merged;
        }
    }
    return {};
}

}  // namespace inmor::policy
