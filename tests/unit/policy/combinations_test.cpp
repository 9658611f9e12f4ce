// The operator combination rules of a single statement's parameter policy:
// every allowed pair is accepted, every disallowed or unmet one is a policy error.
#include "policy/combinations.h"
#include "policy_test_support.h"

#include <gtest/gtest.h>

#include <ostream>

namespace inmor::policy {
namespace {

using testing::error_message;
using testing::parse_relying_party_policy;

struct CombinationCase {
    const char* name;
    const char* policy;  // parameter policies of openid_relying_party
    const char* error;   // nullptr when the combination is allowed
};

// Failures print the case name instead of raw bytes.
void PrintTo(const CombinationCase& test_case, std::ostream* out) {
    *out << test_case.name;
}

class OperatorCombinations : public ::testing::TestWithParam<CombinationCase> {};

TEST_P(OperatorCombinations, AreCheckedPerStatement) {
    const CombinationCase& test_case = GetParam();

    const Result<MetadataPolicy> parsed = parse_relying_party_policy(test_case.policy);

    if (test_case.error) {
        ASSERT_FALSE(parsed.has_value());
        EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidTrustChain);
        EXPECT_EQ(parsed.error().message(), test_case.error);
    } else {
        EXPECT_TRUE(parsed.has_value()) << error_message(parsed);
    }
}

const CombinationCase kCombinationCases[] = {
    // value
    {"ValueWithAddSubsetIsAllowed", R"({"p": {"value": ["a", "b"], "add": ["a"]}})", nullptr},
    {"ValueWithAddOutsideIsRejected", R"({"p": {"value": ["a"], "add": ["b"]}})",
     "metadata_policy.openid_relying_party.p: add must be a subset of value"},
    {"ValueStringWithAddIsRejected", R"({"p": {"value": "a", "add": ["a"]}})",
     "metadata_policy.openid_relying_party.p: add must be a subset of value"},
    {"ValueWithDefaultIsAllowed", R"({"p": {"value": "a", "default": "b"}})", nullptr},
    {"ValueNullWithDefaultIsRejected", R"({"p": {"value": null, "default": "b"}})",
     "metadata_policy.openid_relying_party.p: value null cannot be combined with default"},
    {"ValueAmongOneOfIsAllowed", R"({"p": {"value": "a", "one_of": ["a", "b"]}})", nullptr},
    {"ValueOutsideOneOfIsRejected", R"({"p": {"value": "c", "one_of": ["a", "b"]}})",
     "metadata_policy.openid_relying_party.p: value must be one of the one_of values"},
    {"ValueWithinSubsetOfIsAllowed", R"({"p": {"value": ["a"], "subset_of": ["a", "b"]}})",
     nullptr},
    {"ValueEmptyWithinSubsetOfIsAllowed", R"({"p": {"value": [], "subset_of": ["a"]}})", nullptr},
    {"ValueOutsideSubsetOfIsRejected", R"({"p": {"value": ["a", "c"], "subset_of": ["a"]}})",
     "metadata_policy.openid_relying_party.p: value must be a subset of subset_of"},
    {"ValueCoveringSupersetOfIsAllowed", R"({"p": {"value": ["a", "b"], "superset_of": ["a"]}})",
     nullptr},
    {"ValueMissingSupersetOfIsRejected", R"({"p": {"value": ["a"], "superset_of": ["a", "b"]}})",
     "metadata_policy.openid_relying_party.p: value must be a superset of superset_of"},
    {"ValueWithEssentialTrueIsAllowed", R"({"p": {"value": "a", "essential": true}})", nullptr},
    {"ValueNullWithEssentialFalseIsAllowed", R"({"p": {"value": null, "essential": false}})",
     nullptr},
    {"ValueNullWithEssentialTrueIsRejected", R"({"p": {"value": null, "essential": true}})",
     "metadata_policy.openid_relying_party.p: value null cannot be combined with essential true"},
    {"ValueNullWithSubsetOfIsRejected", R"({"p": {"value": null, "subset_of": ["a"]}})",
     "metadata_policy.openid_relying_party.p: value null cannot be combined with subset_of"},

    // add
    {"AddWithDefaultIsAllowed", R"({"p": {"add": ["a"], "default": ["b"]}})", nullptr},
    {"AddWithinSubsetOfIsAllowed", R"({"p": {"add": ["a"], "subset_of": ["a", "b"]}})", nullptr},
    {"AddOutsideSubsetOfIsRejected", R"({"p": {"add": ["c"], "subset_of": ["a", "b"]}})",
     "metadata_policy.openid_relying_party.p: add must be a subset of subset_of"},
    {"AddWithSupersetOfIsAllowed", R"({"p": {"add": ["a"], "superset_of": ["b"]}})", nullptr},
    {"AddWithEssentialIsAllowed", R"({"p": {"add": ["a"], "essential": true}})", nullptr},

    // default
    {"DefaultWithOneOfIsAllowed", R"({"p": {"default": "x", "one_of": ["a"]}})", nullptr},
    {"DefaultWithSubsetOfIsAllowed", R"({"p": {"default": ["x"], "subset_of": ["a"]}})", nullptr},
    {"DefaultWithSupersetOfIsAllowed", R"({"p": {"default": ["x"], "superset_of": ["a"]}})",
     nullptr},
    {"DefaultWithEssentialIsAllowed", R"({"p": {"default": "x", "essential": true}})", nullptr},

    // one_of
    {"OneOfWithEssentialIsAllowed", R"({"p": {"one_of": ["a"], "essential": true}})", nullptr},
    {"OneOfWithAddIsRejected", R"({"p": {"one_of": ["a"], "add": ["a"]}})",
     "metadata_policy.openid_relying_party.p: one_of cannot be combined with add"},
    {"OneOfWithSubsetOfIsRejected", R"({"p": {"one_of": ["a"], "subset_of": ["a"]}})",
     "metadata_policy.openid_relying_party.p: one_of cannot be combined with subset_of"},
    {"OneOfWithSupersetOfIsRejected", R"({"p": {"one_of": ["a"], "superset_of": ["a"]}})",
     "metadata_policy.openid_relying_party.p: one_of cannot be combined with superset_of"},

    // subset_of and superset_of
    {"SubsetOfCoveringSupersetOfIsAllowed",
     R"({"p": {"subset_of": ["a", "b"], "superset_of": ["a"]}})", nullptr},
    {"SubsetOfEqualToSupersetOfIsAllowed", R"({"p": {"subset_of": ["a"], "superset_of": ["a"]}})",
     nullptr},
    {"SubsetOfNotCoveringSupersetOfIsRejected",
     R"({"p": {"subset_of": ["a"], "superset_of": ["a", "b"]}})",
     "metadata_policy.openid_relying_party.p: subset_of must be a superset of superset_of"},
    {"SubsetOfWithEssentialIsAllowed", R"({"p": {"subset_of": ["a"], "essential": false}})",
     nullptr},
    {"SupersetOfWithEssentialIsAllowed", R"({"p": {"superset_of": ["a"], "essential": true}})",
     nullptr},

    // everything allowed at once
    {"AllCompatibleOperatorsTogetherAreAllowed",
     R"({"p": {"value": ["a", "b"], "add": ["a"], "default": ["a"], "subset_of": ["a", "b", "c"],
               "superset_of": ["b"], "essential": true}})",
     nullptr},
};

INSTANTIATE_TEST_SUITE_P(Pairs, OperatorCombinations, ::testing::ValuesIn(kCombinationCases),
                         testing::CaseName());

TEST(CheckCombinations, EmptyParameterPolicyIsAllowed) {
    EXPECT_TRUE(check_combinations(ParameterPolicy{}, "metadata_policy.t.p").has_value());
}

}  // namespace
}  // namespace inmor::policy
