// Merging a subordinate metadata policy into the current one (section
// "Resolution"): entity types, then parameters, then operator values.
#pragma once

#include "common/error.h"
#include "policy/metadata_policy.h"

namespace inmor::policy {

/// Merges `subordinate` into `current`. Entity types and parameters absent
/// from `current` are copied. Operators present in both are merged by the
/// operator's rule:
///   - value and default must be equal,
///   - add and superset_of take the union,
///   - one_of takes the intersection, which must not be empty,
///   - subset_of takes the intersection, which may be [],
///   - essential takes the logical OR.
/// The merged parameter policy must still be an allowed combination. Both policies must come from
/// parse_metadata_policy. On error `current` is partly merged and must be
/// discarded. Errors carry kInvalidTrustChain.
Result<void> merge_metadata_policy(MetadataPolicy& current, const MetadataPolicy& subordinate);

}  // namespace inmor::policy
