// Builders for the two kinds of policy engine errors.
#include "policy/policy_error.h"

namespace inmor::policy {

namespace {

std::string join_path(std::string_view root, std::string_view entity_type,
                      std::string_view parameter) {
    std::string path(root);
    path.append(".").append(entity_type);
    if (!parameter.empty()) {
        path.append(".").append(parameter);
    }
    return path;
}

std::string located(std::string_view where, std::string_view problem) {
    return std::string(where) + ": " + std::string(problem);
}

}  // namespace

std::string policy_path(std::string_view entity_type, std::string_view parameter) {
    return join_path("metadata_policy", entity_type, parameter);
}

std::string metadata_path(std::string_view entity_type, std::string_view parameter) {
    return join_path("metadata", entity_type, parameter);
}

Error policy_error(std::string_view where, std::string_view problem) {
    return Error(ErrorCode::kInvalidTrustChain, located(where, problem));
}

Error metadata_error(std::string_view where, std::string_view problem) {
    return Error(ErrorCode::kInvalidMetadata, located(where, problem));
}

}  // namespace inmor::policy
