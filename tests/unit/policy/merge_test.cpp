// The merge rule of each operator and the combination check after merging:
// a superior's parameter policy merged with a subordinate's.
#include "policy/merge.h"
#include "policy_test_support.h"

#include <gtest/gtest.h>

#include <ostream>

namespace inmor::policy {
namespace {

using testing::error_message;
using testing::json;
using testing::kRelyingParty;
using testing::parse_relying_party_policy;

struct MergeCase {
    const char* name;
    const char* superior;     // parameter policies of openid_relying_party
    const char* subordinate;  // same, from the statement below
    const char* expected;     // merged parameter policies, or nullptr when `error`
    const char* error = nullptr;
};

// Failures print the case name instead of raw bytes.
void PrintTo(const MergeCase& test_case, std::ostream* out) {
    *out << test_case.name;
}

class MergeMetadataPolicy : public ::testing::TestWithParam<MergeCase> {};

TEST_P(MergeMetadataPolicy, ProducesExpectedPolicy) {
    const MergeCase& test_case = GetParam();
    MetadataPolicy current = parse_relying_party_policy(test_case.superior).value();
    const MetadataPolicy subordinate = parse_relying_party_policy(test_case.subordinate).value();

    const Result<void> merged = merge_metadata_policy(current, subordinate);

    if (test_case.error) {
        ASSERT_FALSE(merged.has_value());
        EXPECT_EQ(merged.error().code(), ErrorCode::kInvalidTrustChain);
        EXPECT_EQ(merged.error().message(), test_case.error);
    } else {
        ASSERT_TRUE(merged.has_value()) << error_message(merged);
        const auto actual = metadata_policy_to_json(current);
        EXPECT_EQ(actual.at(kRelyingParty), json(test_case.expected)) << to_json(actual);
    }
}

const MergeCase kMergeCases[] = {
    // value: equal or conflict
    {"ValueEqualMerges", R"({"p": {"value": "a"}})", R"({"p": {"value": "a"}})",
     R"({"p": {"value": "a"}})"},
    {"ValueEqualNumbersMerge", R"({"p": {"value": 86400}})", R"({"p": {"value": 86400.0}})",
     R"({"p": {"value": 86400}})"},
    {"ValueArraysInOtherOrderConflict", R"({"p": {"value": ["a", "b"]}})",
     R"({"p": {"value": ["b", "a"]}})", nullptr,
     "metadata_policy.openid_relying_party.p: value differs from the superior's value"},
    {"ValueNullEqualMerges", R"({"p": {"value": null}})", R"({"p": {"value": null}})",
     R"({"p": {"value": null}})"},
    {"ValueConflictIsPolicyError", R"({"p": {"value": "a"}})", R"({"p": {"value": "b"}})",
     nullptr, "metadata_policy.openid_relying_party.p: value differs from the superior's value"},
    {"ValueNullConflictsWithString", R"({"p": {"value": null}})", R"({"p": {"value": "a"}})",
     nullptr, "metadata_policy.openid_relying_party.p: value differs from the superior's value"},

    // add: union
    {"AddUnites", R"({"p": {"add": ["a", "b"]}})", R"({"p": {"add": ["b", "c"]}})",
     R"({"p": {"add": ["a", "b", "c"]}})"},

    // default: equal or conflict
    {"DefaultEqualMerges", R"({"p": {"default": ["a"]}})", R"({"p": {"default": ["a"]}})",
     R"({"p": {"default": ["a"]}})"},
    {"DefaultConflictIsPolicyError", R"({"p": {"default": "a"}})", R"({"p": {"default": "b"}})",
     nullptr,
     "metadata_policy.openid_relying_party.p: default differs from the superior's default"},

    // one_of: intersection, never empty
    {"OneOfIntersects", R"({"p": {"one_of": ["a", "b", "c"]}})", R"({"p": {"one_of": ["c", "b"]}})",
     R"({"p": {"one_of": ["b", "c"]}})"},
    {"OneOfEmptyIntersectionIsPolicyError", R"({"p": {"one_of": ["a"]}})",
     R"({"p": {"one_of": ["b"]}})", nullptr,
     "metadata_policy.openid_relying_party.p: one_of has no value in common with the superior's"},

    // subset_of: intersection, may be []
    {"SubsetOfIntersects", R"({"p": {"subset_of": ["a", "b"]}})",
     R"({"p": {"subset_of": ["b", "c"]}})", R"({"p": {"subset_of": ["b"]}})"},
    {"SubsetOfKeepsEmptyIntersection", R"({"p": {"subset_of": ["a"]}})",
     R"({"p": {"subset_of": ["b"]}})", R"({"p": {"subset_of": []}})"},

    // superset_of: union
    {"SupersetOfUnites", R"({"p": {"superset_of": ["a"]}})", R"({"p": {"superset_of": ["b"]}})",
     R"({"p": {"superset_of": ["a", "b"]}})"},

    // essential: logical OR
    {"EssentialTrueOverFalseIsTrue", R"({"p": {"essential": false}})",
     R"({"p": {"essential": true}})", R"({"p": {"essential": true}})"},
    {"EssentialSubordinateCannotWeakenTrue", R"({"p": {"essential": true}})",
     R"({"p": {"essential": false}})", R"({"p": {"essential": true}})"},
    {"EssentialFalseAndFalseIsFalse", R"({"p": {"essential": false}})",
     R"({"p": {"essential": false}})", R"({"p": {"essential": false}})"},

    // copying what is absent
    {"SubordinateOperatorIsCopied", R"({"p": {"default": "a"}})", R"({"p": {"one_of": ["a"]}})",
     R"({"p": {"default": "a", "one_of": ["a"]}})"},
    {"SubordinateParameterIsCopied", R"({"p": {"value": "a"}})", R"({"q": {"value": "b"}})",
     R"({"p": {"value": "a"}, "q": {"value": "b"}})"},

    // combinations are checked again after merging
    {"MergedAddOutsideSubsetOfIsPolicyError", R"({"p": {"subset_of": ["a"]}})",
     R"({"p": {"add": ["b"]}})", nullptr,
     "metadata_policy.openid_relying_party.p: add must be a subset of subset_of"},
    {"MergedValueNullWithEssentialTrueIsPolicyError", R"({"p": {"value": null}})",
     R"({"p": {"essential": true}})", nullptr,
     "metadata_policy.openid_relying_party.p: value null cannot be combined with essential true"},
    {"MergedValueOutsideOneOfIsPolicyError", R"({"p": {"one_of": ["a", "b"]}})",
     R"({"p": {"value": "c"}})", nullptr,
     "metadata_policy.openid_relying_party.p: value must be one of the one_of values"},
    {"MergedOneOfWithSubsetOfIsPolicyError", R"({"p": {"one_of": ["a"]}})",
     R"({"p": {"subset_of": ["a"]}})", nullptr,
     "metadata_policy.openid_relying_party.p: one_of cannot be combined with subset_of"},
    {"MergedSupersetOfBeyondSubsetOfIsPolicyError", R"({"p": {"subset_of": ["a", "b"]}})",
     R"({"p": {"superset_of": ["c"]}})", nullptr,
     "metadata_policy.openid_relying_party.p: subset_of must be a superset of superset_of"},
    {"MergedAddWithSupersetOfIsAllowed", R"({"p": {"add": ["a"]}})",
     R"({"p": {"superset_of": ["b"]}})", R"({"p": {"add": ["a"], "superset_of": ["b"]}})"},
    {"MergedValueWithinSubsetOfIsAllowed", R"({"p": {"subset_of": ["a", "b"]}})",
     R"({"p": {"value": ["a"]}})", R"({"p": {"value": ["a"], "subset_of": ["a", "b"]}})"},
};

INSTANTIATE_TEST_SUITE_P(Operators, MergeMetadataPolicy, ::testing::ValuesIn(kMergeCases),
                         testing::CaseName());

TEST(MergeMetadataPolicyEntityTypes, SubordinateEntityTypeIsCopied) {
    MetadataPolicy current = parse_relying_party_policy(R"({"p": {"value": "a"}})").value();
    const MetadataPolicy subordinate =
        parse_metadata_policy(json(R"({"openid_provider": {"q": {"essential": true}}})"), {})
            .value();

    ASSERT_TRUE(merge_metadata_policy(current, subordinate).has_value());

    EXPECT_EQ(metadata_policy_to_json(current),
              json(R"({"openid_relying_party": {"p": {"value": "a"}},
                       "openid_provider": {"q": {"essential": true}}})"));
}

}  // namespace
}  // namespace inmor::policy
