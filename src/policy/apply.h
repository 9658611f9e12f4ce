// Application of a resolved metadata policy to the subject's metadata
// (section "Application").
#pragma once

#include "common/error.h"
#include "policy/metadata_policy.h"

#include <boost/json/object.hpp>

namespace inmor::policy {

/// Applies `policy` (from resolve_metadata_policy) to `metadata`, the
/// subject's metadata claim keyed by entity type. The caller first applies the
/// `metadata` claim of the Immediate Superior's Subordinate Statement. Then it
/// removes the entity types that `allowed_entity_types` constraints exclude
/// (section "Entity Type Constraints"). This function does neither step.
///
/// For each entity type present in both, each parameter policy runs its
/// operators in the order value, add, default, one_of, subset_of, superset_of,
/// essential. `scope` is processed as an array of space-separated values and
/// written back as a string. Entity types and parameters without a policy pass
/// through unchanged; an entity type absent from `metadata` is not created.
///
/// Errors carry kInvalidMetadata and name "metadata.<entity_type>.<parameter>":
/// a failed one_of, superset_of or essential check, a parameter whose JSON
/// type the operator cannot act on, or a null parameter value.
Result<boost::json::object> apply_metadata_policy(const MetadataPolicy& policy,
                                                  const boost::json::object& metadata);

}  // namespace inmor::policy
