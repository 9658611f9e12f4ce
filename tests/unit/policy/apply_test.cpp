// Application of a policy to metadata, one behaviour per case: each operator,
// the order of application, scope, language tags and metadata errors.
#include "policy/apply.h"
#include "policy_test_support.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>

namespace inmor::policy {
namespace {

namespace bj = boost::json;
using testing::error_message;
using testing::json;
using testing::kRelyingParty;
using testing::parse_relying_party_policy;
using testing::under_relying_party;

struct ApplyCase {
    const char* name;
    const char* policy;    // parameter policies of openid_relying_party
    const char* metadata;  // openid_relying_party metadata
    const char* expected;  // resolved metadata, or nullptr when `error` is expected
    const char* error = nullptr;
};

// Failures print the case name instead of raw bytes.
void PrintTo(const ApplyCase& test_case, std::ostream* out) {
    *out << test_case.name;
}

class ApplyMetadataPolicy : public ::testing::TestWithParam<ApplyCase> {};

TEST_P(ApplyMetadataPolicy, ProducesExpectedMetadata) {
    const ApplyCase& test_case = GetParam();
    const MetadataPolicy policy = parse_relying_party_policy(test_case.policy).value();

    const Result<bj::object> resolved =
        apply_metadata_policy(policy, under_relying_party(test_case.metadata));

    if (test_case.error) {
        ASSERT_FALSE(resolved.has_value()) << to_json(*resolved);
        EXPECT_EQ(resolved.error().code(), ErrorCode::kInvalidMetadata);
        EXPECT_EQ(resolved.error().message(), test_case.error);
    } else {
        ASSERT_TRUE(resolved.has_value()) << error_message(resolved);
        EXPECT_EQ(resolved->at(kRelyingParty), json(test_case.expected))
            << to_json(resolved->at(kRelyingParty));
    }
}

const ApplyCase kApplyCases[] = {
    // value
    {"ValueReplacesPresentParameter", R"({"subject_type": {"value": "pairwise"}})",
     R"({"subject_type": "public"})", R"({"subject_type": "pairwise"})"},
    {"ValueSetsAbsentParameter", R"({"subject_type": {"value": "pairwise"}})", R"({})",
     R"({"subject_type": "pairwise"})"},
    {"ValueNullRemovesParameter", R"({"logo_uri": {"value": null}})",
     R"({"logo_uri": "https://rp.test/logo.png", "client_name": "RP"})",
     R"({"client_name": "RP"})"},
    {"ValueNullLeavesAbsentParameterAbsent", R"({"logo_uri": {"value": null}})", R"({})",
     R"({})"},
    {"ValueSetsObject", R"({"software_statement_claims": {"value": {"a": 1}}})", R"({})",
     R"({"software_statement_claims": {"a": 1}})"},
    {"ValueSetsBoolean", R"({"require_auth_time": {"value": true}})",
     R"({"require_auth_time": false})", R"({"require_auth_time": true})"},

    // add
    {"AddAppendsMissingValues", R"({"contacts": {"add": ["ops@ta.test"]}})",
     R"({"contacts": ["admin@rp.test"]})", R"({"contacts": ["admin@rp.test", "ops@ta.test"]})"},
    {"AddSkipsValuesAlreadyPresent", R"({"contacts": {"add": ["a@rp.test", "b@rp.test"]}})",
     R"({"contacts": ["b@rp.test"]})", R"({"contacts": ["b@rp.test", "a@rp.test"]})"},
    {"AddInitializesAbsentParameter", R"({"contacts": {"add": ["ops@ta.test"]}})", R"({})",
     R"({"contacts": ["ops@ta.test"]})"},
    {"AddRejectsNonArrayParameter", R"({"contacts": {"add": ["ops@ta.test"]}})",
     R"({"contacts": "admin@rp.test"})", nullptr,
     "metadata.openid_relying_party.contacts: add needs an array parameter"},

    // default
    {"DefaultSetsAbsentParameter", R"({"grant_types": {"default": ["authorization_code"]}})",
     R"({})", R"({"grant_types": ["authorization_code"]})"},
    {"DefaultLeavesPresentParameter", R"({"grant_types": {"default": ["authorization_code"]}})",
     R"({"grant_types": ["refresh_token"]})", R"({"grant_types": ["refresh_token"]})"},

    // one_of
    {"OneOfAcceptsListedValue",
     R"({"id_token_signed_response_alg": {"one_of": ["ES256", "PS256"]}})",
     R"({"id_token_signed_response_alg": "PS256"})",
     R"({"id_token_signed_response_alg": "PS256"})"},
    {"OneOfRejectsUnlistedValue", R"({"id_token_signed_response_alg": {"one_of": ["ES256"]}})",
     R"({"id_token_signed_response_alg": "RS256"})", nullptr,
     "metadata.openid_relying_party.id_token_signed_response_alg: one_of check failed: value is not among the allowed ones"},
    {"OneOfIgnoresAbsentParameter", R"({"id_token_signed_response_alg": {"one_of": ["ES256"]}})",
     R"({})", R"({})"},
    {"OneOfRejectsArrayParameter", R"({"id_token_signed_response_alg": {"one_of": ["ES256"]}})",
     R"({"id_token_signed_response_alg": ["ES256"]})", nullptr,
     "metadata.openid_relying_party.id_token_signed_response_alg: one_of needs a string, number or object parameter"},

    // subset_of
    {"SubsetOfKeepsIntersection", R"({"grant_types": {"subset_of": ["a", "b", "c"]}})",
     R"({"grant_types": ["a", "e"]})", R"({"grant_types": ["a"]})"},
    {"SubsetOfKeepsEmptyIntersection", R"({"grant_types": {"subset_of": ["a", "b", "c"]}})",
     R"({"grant_types": ["d", "e"]})", R"({"grant_types": []})"},
    {"SubsetOfKeepsMetadataOrder", R"({"grant_types": {"subset_of": ["c", "b", "a"]}})",
     R"({"grant_types": ["a", "b"]})", R"({"grant_types": ["a", "b"]})"},
    {"SubsetOfIgnoresAbsentParameter", R"({"grant_types": {"subset_of": ["a"]}})", R"({})",
     R"({})"},
    {"SubsetOfRejectsStringParameter", R"({"grant_types": {"subset_of": ["a"]}})",
     R"({"grant_types": "a"})", nullptr,
     "metadata.openid_relying_party.grant_types: subset_of needs an array parameter"},

    // superset_of
    {"SupersetOfAcceptsSuperset", R"({"grant_types": {"superset_of": ["a"]}})",
     R"({"grant_types": ["a", "b"]})", R"({"grant_types": ["a", "b"]})"},
    {"SupersetOfAcceptsEqualSet", R"({"grant_types": {"superset_of": ["a", "b"]}})",
     R"({"grant_types": ["b", "a"]})", R"({"grant_types": ["b", "a"]})"},
    {"SupersetOfRejectsMissingValue", R"({"grant_types": {"superset_of": ["a", "b"]}})",
     R"({"grant_types": ["a"]})", nullptr,
     "metadata.openid_relying_party.grant_types: superset_of check failed: a required value is missing"},
    {"SupersetOfIgnoresAbsentParameter", R"({"grant_types": {"superset_of": ["a"]}})", R"({})",
     R"({})"},

    // essential
    {"EssentialTrueRejectsAbsentParameter", R"({"client_name": {"essential": true}})", R"({})",
     nullptr,
     "metadata.openid_relying_party.client_name: essential check failed: parameter is absent"},
    {"EssentialTrueAcceptsPresentParameter", R"({"client_name": {"essential": true}})",
     R"({"client_name": "RP"})", R"({"client_name": "RP"})"},
    {"EssentialFalseAllowsAbsentParameter", R"({"client_name": {"essential": false}})", R"({})",
     R"({})"},
    {"EssentialAcceptsObjectParameter", R"({"jwks": {"essential": true}})",
     R"({"jwks": {"keys": []}})", R"({"jwks": {"keys": []}})"},
    {"EssentialTrueAcceptsEmptySubsetOfResult",
     R"({"grant_types": {"subset_of": ["a", "b", "c"], "essential": true}})",
     R"({"grant_types": ["d", "e"]})", R"({"grant_types": []})"},
    {"EssentialTrueRejectsParameterAbsentUnderSubsetOf",
     R"({"grant_types": {"subset_of": ["a", "b", "c"], "essential": true}})", R"({})", nullptr,
     "metadata.openid_relying_party.grant_types: essential check failed: parameter is absent"},

    // order of application
    {"ValueRunsBeforeAdd", R"({"grant_types": {"value": ["a", "b"], "add": ["a"]}})",
     R"({"grant_types": ["c"]})", R"({"grant_types": ["a", "b"]})"},
    {"AddRunsBeforeSubsetOf", R"({"grant_types": {"add": ["a"], "subset_of": ["a", "b"]}})",
     R"({"grant_types": ["c"]})", R"({"grant_types": ["a"]})"},
    {"DefaultRunsBeforeOneOf",
     R"({"id_token_signed_response_alg": {"default": "ES256", "one_of": ["ES256", "PS256"]}})",
     R"({})", R"({"id_token_signed_response_alg": "ES256"})"},
    {"DefaultRunsBeforeEssential", R"({"client_name": {"default": "RP", "essential": true}})",
     R"({})", R"({"client_name": "RP"})"},
    {"SubsetOfRunsBeforeSupersetOf",
     R"({"grant_types": {"subset_of": ["a", "b"], "superset_of": ["a"]}})",
     R"({"grant_types": ["a", "c"]})", R"({"grant_types": ["a"]})"},
    {"AddRunsBeforeSupersetOf", R"({"grant_types": {"add": ["b"], "superset_of": ["a", "b"]}})",
     R"({"grant_types": ["a"]})", R"({"grant_types": ["a", "b"]})"},

    // scope: an array of space-separated values, written back as a string
    {"ScopeSubsetOfFiltersSpaceSeparatedValues", R"({"scope": {"subset_of": ["openid", "email"]}})",
     R"({"scope": "openid profile email"})", R"({"scope": "openid email"})"},
    {"ScopeAddAppendsToString", R"({"scope": {"add": ["email"]}})", R"({"scope": "openid"})",
     R"({"scope": "openid email"})"},
    {"ScopeDefaultGivenAsString", R"({"scope": {"default": "openid email"}})", R"({})",
     R"({"scope": "openid email"})"},
    {"ScopeValueGivenAsStringReplaces", R"({"scope": {"value": "openid"}})",
     R"({"scope": "openid email"})", R"({"scope": "openid"})"},
    {"ScopeSubsetOfGivenAsString", R"({"scope": {"subset_of": "openid email"}})",
     R"({"scope": "email address"})", R"({"scope": "email"})"},
    {"ScopeSupersetOfRejectsMissingValue", R"({"scope": {"superset_of": ["openid"]}})",
     R"({"scope": "email"})", nullptr,
     "metadata.openid_relying_party.scope: superset_of check failed: a required value is missing"},
    {"ScopeIgnoresRepeatedSpaces", R"({"scope": {"superset_of": ["openid"]}})",
     R"({"scope": "openid  email "})", R"({"scope": "openid email"})"},
    {"ScopeEmptyIntersectionIsEmptyString", R"({"scope": {"subset_of": ["openid"]}})",
     R"({"scope": "email"})", R"({"scope": ""})"},
    {"ScopeRejectsArrayParameter", R"({"scope": {"subset_of": ["openid"]}})",
     R"({"scope": ["openid"]})", nullptr,
     "metadata.openid_relying_party.scope: must be a string of space-separated values"},

    // language tags: each tagged name is a parameter of its own
    {"LanguageTaggedPolicyLeavesUntaggedParameter", R"({"client_name#ja": {"value": "RP ja"}})",
     R"({"client_name": "RP", "client_name#ja": "old"})",
     R"({"client_name": "RP", "client_name#ja": "RP ja"})"},
    {"UntaggedPolicyLeavesTaggedParameter", R"({"client_name": {"value": "RP"}})",
     R"({"client_name#ja": "RP ja"})", R"({"client_name": "RP", "client_name#ja": "RP ja"})"},
    {"EssentialTaggedParameterIsNotSatisfiedByUntagged",
     R"({"client_name#ja": {"essential": true}})",
     R"({"client_name": "RP"})", nullptr,
     "metadata.openid_relying_party.client_name#ja: essential check failed: parameter is absent"},

    // parameters around the policy
    {"ParameterWithoutPolicyPassesThrough", R"({"client_name": {"essential": true}})",
     R"({"client_name": "RP", "redirect_uris": ["https://rp.test/cb"]})",
     R"({"client_name": "RP", "redirect_uris": ["https://rp.test/cb"]})"},
    {"NullParameterIsRejected", R"({"client_name": {"default": "RP"}})",
     R"({"client_name": null})", nullptr,
     "metadata.openid_relying_party.client_name: must not be null"},
    {"IgnoredOperatorLeavesParameter", R"({"client_name": {"regexp": "^x$"}})",
     R"({"client_name": "RP"})", R"({"client_name": "RP"})"},
};

INSTANTIATE_TEST_SUITE_P(Operators, ApplyMetadataPolicy, ::testing::ValuesIn(kApplyCases),
                         testing::CaseName());

TEST(ApplyMetadataPolicyEntityTypes, EntityTypeAbsentFromMetadataIsNotCreated) {
    const MetadataPolicy policy =
        parse_relying_party_policy(R"({"client_name": {"essential": true}})").value();
    const bj::object metadata =
        json(R"({"federation_entity": {"organization_name": "Org"}})").as_object();

    const Result<bj::object> resolved = apply_metadata_policy(policy, metadata);

    ASSERT_TRUE(resolved.has_value()) << error_message(resolved);
    EXPECT_EQ(*resolved, metadata);
}

TEST(ApplyMetadataPolicyEntityTypes, PolicyOfOneTypeLeavesOtherTypes) {
    const MetadataPolicy policy =
        parse_relying_party_policy(R"({"contacts": {"value": ["x"]}})").value();
    const bj::object metadata = json(R"({"openid_relying_party": {"contacts": ["a"]},
                                        "federation_entity": {"contacts": ["a"]}})").as_object();

    const Result<bj::object> resolved = apply_metadata_policy(policy, metadata);

    ASSERT_TRUE(resolved.has_value()) << error_message(resolved);
    EXPECT_EQ(*resolved, json(R"({"openid_relying_party": {"contacts": ["x"]},
                                 "federation_entity": {"contacts": ["a"]}})"));
}

TEST(ApplyMetadataPolicyEntityTypes, EntityTypeMetadataMustBeObject) {
    const MetadataPolicy policy =
        parse_relying_party_policy(R"({"client_name": {"essential": true}})").value();

    const Result<bj::object> resolved = apply_metadata_policy(policy, under_relying_party("[]"));

    ASSERT_FALSE(resolved.has_value());
    EXPECT_EQ(resolved.error().message(), "metadata.openid_relying_party: must be an object");
}

TEST(ApplyMetadataPolicyLimits, RejectsParameterArrayOverLimit) {
    const MetadataPolicy policy =
        parse_relying_party_policy(R"({"p": {"subset_of": [1]}})").value();
    bj::array values;
    for (std::size_t index = 0; index <= kMaxArrayElements; ++index) {
        values.emplace_back(index);
    }
    const bj::object metadata{{kRelyingParty, bj::object{{"p", std::move(values)}}}};

    const Result<bj::object> resolved = apply_metadata_policy(policy, metadata);

    ASSERT_FALSE(resolved.has_value());
    EXPECT_EQ(resolved.error().code(), ErrorCode::kInvalidMetadata);
    EXPECT_EQ(resolved.error().message(),
              "metadata.openid_relying_party.p: array parameter must not have more than 1000 elements");
}

TEST(ApplyMetadataPolicyLimits, RejectsAddGrowingParameterOverLimit) {
    // Parameter and operand are each within the limit; their union is not,
    // and applying the policy to its own output would then fail.
    bj::array present;
    bj::array added;
    for (std::size_t index = 0; index < kMaxArrayElements; ++index) {
        present.emplace_back("p" + std::to_string(index));
        added.emplace_back("a" + std::to_string(index));
    }
    const MetadataPolicy policy =
        parse_metadata_policy(
            bj::object{{kRelyingParty, bj::object{{"p", bj::object{{"add", added}}}}}}, {})
            .value();
    const bj::object metadata{{kRelyingParty, bj::object{{"p", std::move(present)}}}};

    const Result<bj::object> resolved = apply_metadata_policy(policy, metadata);

    ASSERT_FALSE(resolved.has_value());
    EXPECT_EQ(resolved.error().code(), ErrorCode::kInvalidMetadata);
    EXPECT_EQ(resolved.error().message(),
              "metadata.openid_relying_party.p: add must not make the parameter exceed 1000 "
              "elements");
}

TEST(ApplyMetadataPolicyLimits, OneOfReadsLargeParameterOnce) {
    // A large object parameter against a long one_of list must cost about one
    // pass over the parameter, not one per allowed value.
    bj::array allowed;
    for (std::size_t index = 0; index < kMaxArrayElements; ++index) {
        allowed.emplace_back(index);
    }
    bj::object large;
    for (int index = 0; index < 20000; ++index) {
        large["member" + std::to_string(index)] = index;
    }
    const MetadataPolicy policy =
        parse_metadata_policy(
            bj::object{{kRelyingParty, bj::object{{"p", bj::object{{"one_of", allowed}}}}}}, {})
            .value();
    const bj::object metadata{{kRelyingParty, bj::object{{"p", std::move(large)}}}};
    const auto start = std::chrono::steady_clock::now();

    const Result<bj::object> resolved = apply_metadata_policy(policy, metadata);

    ASSERT_FALSE(resolved.has_value());
    EXPECT_EQ(resolved.error().code(), ErrorCode::kInvalidMetadata);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(ApplyMetadataPolicyEntityTypes, EmptyPolicyReturnsMetadataUnchanged) {
    const bj::object metadata = under_relying_party(R"({"client_name": "RP"})");

    const Result<bj::object> resolved = apply_metadata_policy(MetadataPolicy{}, metadata);

    ASSERT_TRUE(resolved.has_value());
    EXPECT_EQ(*resolved, metadata);
}

}  // namespace
}  // namespace inmor::policy
