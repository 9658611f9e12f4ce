// Parsing of one statement's metadata_policy: structure, JSON types of
// operator values, scope operands, additional and critical operators.
#include "policy/metadata_policy.h"
#include "policy_test_support.h"

#include <gtest/gtest.h>

#include <ostream>

namespace inmor::policy {
namespace {

using testing::error_message;
using testing::json;
using testing::kRelyingParty;
using testing::parse_relying_party_policy;

struct ParseCase {
    const char* name;
    const char* policy;  // parameter policies of openid_relying_party
    const char* error;   // nullptr when the policy is valid
};

// Failures print the case name instead of raw bytes.
void PrintTo(const ParseCase& test_case, std::ostream* out) {
    *out << test_case.name;
}

class ParseMetadataPolicy : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseMetadataPolicy, ChecksOperatorValueTypes) {
    const ParseCase& test_case = GetParam();

    const Result<MetadataPolicy> parsed = parse_relying_party_policy(test_case.policy);

    if (test_case.error) {
        ASSERT_FALSE(parsed.has_value());
        EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidTrustChain);
        EXPECT_EQ(parsed.error().message(), test_case.error);
    } else {
        EXPECT_TRUE(parsed.has_value()) << error_message(parsed);
    }
}

const ParseCase kParseCases[] = {
    {"ValueAcceptsString", R"({"p": {"value": "a"}})", nullptr},
    {"ValueAcceptsNumber", R"({"p": {"value": 3600}})", nullptr},
    {"ValueAcceptsBoolean", R"({"p": {"value": false}})", nullptr},
    {"ValueAcceptsArray", R"({"p": {"value": ["a"]}})", nullptr},
    {"ValueAcceptsNull", R"({"p": {"value": null}})", nullptr},
    {"ValueAcceptsObject", R"({"p": {"value": {"k": "v"}}})", nullptr},
    {"AddMustBeArray", R"({"contacts": {"add": "ops@ta.test"}})",
     "metadata_policy.openid_relying_party.contacts: add must be an array"},
    {"AddAcceptsNumbersAndObjects", R"({"p": {"add": [1, {"k": "v"}]}})", nullptr},
    {"AddRejectsBooleanElement", R"({"p": {"add": [true]}})",
     "metadata_policy.openid_relying_party.p: add elements must be strings, numbers or objects"},
    {"AddAcceptsEmptyArray", R"({"p": {"add": []}})", nullptr},
    {"DefaultMustNotBeNull", R"({"p": {"default": null}})",
     "metadata_policy.openid_relying_party.p: default must not be null"},
    {"DefaultAcceptsArray", R"({"p": {"default": ["a"]}})", nullptr},
    {"OneOfMustBeArray", R"({"p": {"one_of": "a"}})",
     "metadata_policy.openid_relying_party.p: one_of must be an array"},
    {"OneOfMustNotBeEmpty", R"({"p": {"one_of": []}})",
     "metadata_policy.openid_relying_party.p: one_of must not be empty"},
    {"SubsetOfMustBeArray", R"({"grant_types": {"subset_of": "authorization_code"}})",
     "metadata_policy.openid_relying_party.grant_types: subset_of must be an array"},
    {"SubsetOfRejectsNullElement", R"({"p": {"subset_of": [null]}})",
     "metadata_policy.openid_relying_party.p: subset_of elements must be strings, numbers or objects"},
    {"SubsetOfAcceptsEmptyArray", R"({"p": {"subset_of": []}})", nullptr},
    {"SupersetOfRejectsNestedArray", R"({"p": {"superset_of": [["a"]]}})",
     "metadata_policy.openid_relying_party.p: superset_of elements must be strings, numbers or objects"},
    {"SupersetOfAcceptsEmptyArray", R"({"p": {"superset_of": []}})", nullptr},
    {"EssentialMustBeBoolean", R"({"p": {"essential": "true"}})",
     "metadata_policy.openid_relying_party.p: essential must be a boolean"},
    {"ParameterPolicyMustBeObject", R"({"p": ["value"]})",
     "metadata_policy.openid_relying_party.p: must be an object of operators"},
    {"ParameterNameMustNotBeEmpty", R"({"": {"value": "a"}})",
     "metadata_policy.openid_relying_party: parameter name must not be empty"},
    {"UnknownOperatorIsIgnored", R"({"p": {"regexp": "^a$", "value": "a"}})", nullptr},
    {"ScopeOneOfIsRejected", R"({"scope": {"one_of": ["openid"]}})",
     "metadata_policy.openid_relying_party.scope: one_of cannot apply to scope, which is an array of values"},
    {"ScopeRejectsNumberOperand", R"({"scope": {"default": 1}})",
     "metadata_policy.openid_relying_party.scope: default for scope must be a string or an array of strings"},
    {"ScopeRejectsValueWithSpace", R"({"scope": {"subset_of": ["openid email"]}})",
     "metadata_policy.openid_relying_party.scope: subset_of for scope must hold non-empty scope values"},
    {"LanguageTaggedParameterIsAccepted", R"({"client_name#ja": {"value": "RP"}})", nullptr},
};

INSTANTIATE_TEST_SUITE_P(Types, ParseMetadataPolicy, ::testing::ValuesIn(kParseCases),
                         testing::CaseName());

TEST(ParseMetadataPolicyStructure, PolicyMustBeObject) {
    const auto parsed = parse_metadata_policy(json("[]"), {});

    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().message(), "metadata_policy: must be an object");
}

TEST(ParseMetadataPolicyStructure, EntityTypePolicyMustBeObject) {
    const auto parsed = parse_metadata_policy(json(R"({"openid_provider": "x"})"), {});

    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().message(),
              "metadata_policy.openid_provider: must be an object of parameter policies");
}

TEST(ParseMetadataPolicyStructure, UnknownOperatorIsDropped) {
    const auto parsed = parse_relying_party_policy(R"({"p": {"regexp": "^a$", "value": "a"}})");

    ASSERT_TRUE(parsed.has_value()) << error_message(parsed);
    EXPECT_EQ(metadata_policy_to_json(*parsed).at(kRelyingParty), json(R"({"p": {"value": "a"}})"));
}

TEST(ParseMetadataPolicyStructure, CriticalUnknownOperatorIsPolicyError) {
    const CriticalOperators critical = {"regexp"};

    const auto parsed = parse_relying_party_policy(R"({"p": {"regexp": "^a$"}})", critical);

    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidTrustChain);
    EXPECT_EQ(parsed.error().message(),
              "metadata_policy.openid_relying_party.p: critical operator regexp is not supported");
}

TEST(ParseMetadataPolicyStructure, CriticalOperatorNotUsedIsAccepted) {
    const CriticalOperators critical = {"regexp"};

    const auto parsed = parse_relying_party_policy(R"({"p": {"value": "a"}})", critical);

    EXPECT_TRUE(parsed.has_value()) << error_message(parsed);
}

TEST(ParseMetadataPolicyStructure, ScopeStringOperandBecomesArray) {
    const auto parsed = parse_relying_party_policy(R"({"scope": {"default": "openid  email"}})");

    ASSERT_TRUE(parsed.has_value()) << error_message(parsed);
    EXPECT_EQ(metadata_policy_to_json(*parsed).at(kRelyingParty),
              json(R"({"scope": {"default": ["openid", "email"]}})"));
}

TEST(ParseMetadataPolicyStructure, SerializationRoundTrips) {
    const auto claim = json(R"({"openid_relying_party": {
        "grant_types": {"default": ["authorization_code"], "subset_of": ["authorization_code"]},
        "client_name#ja": {"essential": true}},
        "openid_provider": {
            "id_token_signing_alg_values_supported": {"superset_of": ["ES256"]}}})");

    const auto parsed = parse_metadata_policy(claim, {});

    ASSERT_TRUE(parsed.has_value()) << error_message(parsed);
    EXPECT_EQ(metadata_policy_to_json(*parsed), claim);
}

// A parameter policy {"p": {<op>: [0, 1, ..., count - 1]}}.
boost::json::object policy_with_array(const char* op, std::size_t count) {
    boost::json::array values;
    for (std::size_t index = 0; index < count; ++index) {
        values.emplace_back(index);
    }
    return {{"p", boost::json::object{{op, std::move(values)}}}};
}

TEST(ParseMetadataPolicyLimits, AcceptsArrayAtLimit) {
    const auto parsed = parse_relying_party_policy(
        to_json(policy_with_array("subset_of", kMaxArrayElements)));

    EXPECT_TRUE(parsed.has_value()) << error_message(parsed);
}

TEST(ParseMetadataPolicyLimits, RejectsOperatorArrayOverLimit) {
    const auto parsed = parse_relying_party_policy(
        to_json(policy_with_array("add", kMaxArrayElements + 1)));

    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().message(),
              "metadata_policy.openid_relying_party.p: add must not have more than 1000 elements");
}

TEST(ParseMetadataPolicyLimits, RejectsValueArrayOverLimit) {
    const auto parsed = parse_relying_party_policy(
        to_json(policy_with_array("value", kMaxArrayElements + 1)));

    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().message(),
              "metadata_policy.openid_relying_party.p: value must not have more than 1000 elements");
}

TEST(AddCriticalOperators, CollectsNames) {
    CriticalOperators critical;

    ASSERT_TRUE(add_critical_operators(json(R"(["regexp", "except"])"), critical).has_value());

    EXPECT_EQ(critical, (CriticalOperators{"except", "regexp"}));
}

TEST(AddCriticalOperators, RejectsNonArray) {
    CriticalOperators critical;

    const auto added = add_critical_operators(json(R"("regexp")"), critical);

    ASSERT_FALSE(added.has_value());
    EXPECT_EQ(added.error().message(), "metadata_policy_crit: must be an array of strings");
}

TEST(AddCriticalOperators, RejectsNonStringName) {
    CriticalOperators critical;

    const auto added = add_critical_operators(json("[1]"), critical);

    ASSERT_FALSE(added.has_value());
    EXPECT_EQ(added.error().message(),
              "metadata_policy_crit: must be an array of non-empty strings");
}

TEST(AddCriticalOperators, RejectsStandardOperator) {
    CriticalOperators critical;

    const auto added = add_critical_operators(json(R"(["subset_of"])"), critical);

    ASSERT_FALSE(added.has_value());
    EXPECT_EQ(added.error().code(), ErrorCode::kInvalidTrustChain);
    EXPECT_EQ(added.error().message(),
              "metadata_policy_crit: must not list the standard operator subset_of");
}

}  // namespace
}  // namespace inmor::policy
