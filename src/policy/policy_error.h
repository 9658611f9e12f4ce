// Error builders of the policy engine. A policy error makes the trust chain
// invalid. A metadata error means the subject's metadata violates the policy.
#pragma once

#include "common/error.h"

#include <string>
#include <string_view>

namespace inmor::policy {

/// "metadata_policy.<entity_type>.<parameter>", the place a policy error names.
std::string policy_path(std::string_view entity_type, std::string_view parameter);

/// "metadata.<entity_type>.<parameter>", the place a metadata error names.
std::string metadata_path(std::string_view entity_type, std::string_view parameter);

/// A policy error (section "Enforcement"): malformed policy, disallowed
/// operator combination, failed merge or unsupported critical operator.
/// Code kInvalidTrustChain; message "<where>: <problem>".
Error policy_error(std::string_view where, std::string_view problem);

/// Metadata that the resolved policy rejects, or whose parameter has a JSON
/// type the operator cannot act on. Code kInvalidMetadata; message
/// "<where>: <problem>".
Error metadata_error(std::string_view where, std::string_view problem);

}  // namespace inmor::policy
