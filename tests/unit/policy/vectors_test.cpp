// Runs every case of Connect2id's metadata policy test vectors. Each case
// resolves a trust anchor policy (TA) and an intermediate policy (INT) and
// compares the result with `merged`. It then applies the result to `metadata`
// and compares with `resolved`. An `error` case expects invalid_policy from
// resolution or invalid_metadata from application instead.
#include "common/json.h"
#include "policy/apply.h"
#include "policy/resolve.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace inmor::policy {
namespace {

namespace bj = boost::json;

// The vectors hold parameter policies only; they are placed under this type.
constexpr const char* kEntityType = "openid_relying_party";

std::filesystem::path shared_dir() {
    if (const char* overridden = std::getenv("INMOR_SHARED_DIR")) {
        return overridden;
    }
    return INMOR_DEFAULT_SHARED_DIR;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

StatementPolicyClaims statement_with_policy(const bj::value& parameter_policies) {
    StatementPolicyClaims claims;
    claims.metadata_policy = bj::object{{kEntityType, parameter_policies}};
    return claims;
}

// Checks the merge step; empty when it matches the vector.
std::string check_merge(const bj::object& vector, const Result<MetadataPolicy>& merged) {
    const bj::value* error = vector.if_contains("error");
    if (error && *error == "invalid_policy") {
        if (merged) {
            return "merge succeeded, expected invalid_policy";
        }
        return merged.error().code() == ErrorCode::kInvalidTrustChain ? "" : "wrong error code";
    }
    if (!merged) {
        return "merge failed: " + merged.error().message();
    }

    const bj::object actual = metadata_policy_to_json(*merged);
    const bj::value* parameters = actual.if_contains(kEntityType);
    if (!parameters || *parameters != vector.at("merged")) {
        return "merged policy differs: " + to_json(actual);
    }
    return "";
}

// Checks the application step after a successful merge.
std::string check_apply(const bj::object& vector, const MetadataPolicy& merged) {
    const bj::object metadata{{kEntityType, vector.at("metadata")}};
    const Result<bj::object> resolved = apply_metadata_policy(merged, metadata);

    if (vector.contains("error")) {
        if (resolved) {
            return "application succeeded, expected invalid_metadata";
        }
        return resolved.error().code() == ErrorCode::kInvalidMetadata ? "" : "wrong error code";
    }
    if (!resolved) {
        return "application failed: " + resolved.error().message();
    }
    if (resolved->at(kEntityType) != vector.at("resolved")) {
        return "resolved metadata differs: " + to_json(resolved->at(kEntityType));
    }
    return "";
}

std::string check_vector(const bj::object& vector) {
    const std::vector<StatementPolicyClaims> chain = {
        statement_with_policy(vector.at("TA")),
        statement_with_policy(vector.at("INT")),
    };
    const Result<MetadataPolicy> merged = resolve_metadata_policy(chain);

    if (std::string failure = check_merge(vector, merged); !failure.empty() || !merged) {
        return failure;
    }
    return check_apply(vector, *merged);
}

TEST(MetadataPolicyVectors, EveryVectorMatchesItsExpectation) {
    const std::filesystem::path path = shared_dir() / "fixtures" / "metadata-policy-vectors.json";
    if (!std::filesystem::exists(path)) {
        GTEST_SKIP() << "shared fixtures absent: " << path;
    }
    const Result<bj::value> vectors = parse_json(read_file(path), "metadata policy vectors");
    ASSERT_TRUE(vectors.has_value()) << vectors.error().message();
    ASSERT_TRUE(vectors->is_array());
    ASSERT_FALSE(vectors->get_array().empty());

    std::size_t passed = 0;
    for (const bj::value& vector : vectors->get_array()) {
        const std::string failure = check_vector(vector.as_object());
        if (failure.empty()) {
            ++passed;
        } else {
            ADD_FAILURE() << "vector n=" << to_json(vector.at("n")) << ": " << failure;
        }
    }

    std::cout << "metadata policy vectors passed=" << passed
              << " total=" << vectors->get_array().size() << "\n";
    EXPECT_EQ(passed, vectors->get_array().size());
}

}  // namespace
}  // namespace inmor::policy
