// Resolution over a chain of Subordinate Statements: order, critical
// operators gathered from every statement, and the worked example of the
// specification (section "Metadata Policy Example").
#include "policy/apply.h"
#include "policy/policy_operator.h"
#include "policy/resolve.h"
#include "policy_test_support.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace inmor::policy {
namespace {

namespace bj = boost::json;
using testing::error_message;
using testing::json;
using testing::under_relying_party;

StatementPolicyClaims with_policy(std::string_view parameters) {
    StatementPolicyClaims claims;
    claims.metadata_policy = under_relying_party(parameters);
    return claims;
}

StatementPolicyClaims with_policy_and_crit(std::string_view parameters, std::string_view crit) {
    StatementPolicyClaims claims = with_policy(parameters);
    claims.metadata_policy_crit = json(crit);
    return claims;
}

TEST(ResolveMetadataPolicy, NoStatementsResolveToEmptyPolicy) {
    const auto resolved = resolve_metadata_policy({});

    ASSERT_TRUE(resolved.has_value());
    EXPECT_TRUE(resolved->empty());
}

TEST(ResolveMetadataPolicy, StatementsWithoutPolicyResolveToEmptyPolicy) {
    const std::vector<StatementPolicyClaims> chain(2);

    const auto resolved = resolve_metadata_policy(chain);

    ASSERT_TRUE(resolved.has_value());
    EXPECT_TRUE(resolved->empty());
}

TEST(ResolveMetadataPolicy, FirstPolicyBecomesCurrent) {
    const std::vector<StatementPolicyClaims> chain = {
        {}, with_policy(R"({"p": {"value": "a"}})"), {}};

    const auto resolved = resolve_metadata_policy(chain);

    ASSERT_TRUE(resolved.has_value()) << error_message(resolved);
    EXPECT_EQ(metadata_policy_to_json(*resolved), under_relying_party(R"({"p": {"value": "a"}})"));
}

TEST(ResolveMetadataPolicy, MergesFromTrustAnchorDown) {
    const std::vector<StatementPolicyClaims> chain = {
        with_policy(R"({"p": {"add": ["anchor"]}})"),
        with_policy(R"({"p": {"add": ["intermediate"]}})"),
        with_policy(R"({"p": {"add": ["superior"]}})"),
    };

    const auto resolved = resolve_metadata_policy(chain);

    ASSERT_TRUE(resolved.has_value()) << error_message(resolved);
    EXPECT_EQ(metadata_policy_to_json(*resolved),
              under_relying_party(R"({"p": {"add": ["anchor", "intermediate", "superior"]}})"));
}

TEST(ResolveMetadataPolicy, ConflictNamesStatementInDetail) {
    const std::vector<StatementPolicyClaims> chain = {
        with_policy(R"({"p": {"value": "a"}})"),
        {},
        with_policy(R"({"p": {"value": "b"}})"),
    };

    const auto resolved = resolve_metadata_policy(chain);

    ASSERT_FALSE(resolved.has_value());
    EXPECT_EQ(resolved.error().code(), ErrorCode::kInvalidTrustChain);
    EXPECT_EQ(resolved.error().message(),
              "metadata_policy.openid_relying_party.p: value differs from the superior's value");
    EXPECT_EQ(resolved.error().detail(),
              "subordinate statement index=2 counted from the trust anchor");
}

TEST(ResolveMetadataPolicy, InvalidPolicyAloneFailsResolution) {
    const std::vector<StatementPolicyClaims> chain = {
        with_policy(R"({"p": {"value": null, "essential": true}})")};

    const auto resolved = resolve_metadata_policy(chain);

    ASSERT_FALSE(resolved.has_value());
    EXPECT_EQ(resolved.error().code(), ErrorCode::kInvalidTrustChain);
}

TEST(ResolveMetadataPolicy, UnknownOperatorWithoutCritIsIgnored) {
    const std::vector<StatementPolicyClaims> chain = {
        with_policy(R"({"p": {"regexp": "^a$"}})")};

    const auto resolved = resolve_metadata_policy(chain);

    EXPECT_TRUE(resolved.has_value()) << error_message(resolved);
}

TEST(ResolveMetadataPolicy, CritDeclaredBelowAppliesToAnchorPolicy) {
    const std::vector<StatementPolicyClaims> chain = {
        with_policy(R"({"p": {"regexp": "^a$"}})"),
        with_policy_and_crit(R"({"q": {"value": "b"}})", R"(["regexp"])"),
    };

    const auto resolved = resolve_metadata_policy(chain);

    ASSERT_FALSE(resolved.has_value());
    EXPECT_EQ(resolved.error().message(),
              "metadata_policy.openid_relying_party.p: critical operator regexp is not supported");
    EXPECT_EQ(resolved.error().detail(),
              "subordinate statement index=0 counted from the trust anchor");
}

TEST(ResolveMetadataPolicy, CritInStatementWithoutPolicyStillCounts) {
    StatementPolicyClaims crit_only;
    crit_only.metadata_policy_crit = json(R"(["except"])");
    const std::vector<StatementPolicyClaims> chain = {
        crit_only, with_policy(R"({"p": {"except": ["x"]}})")};

    const auto resolved = resolve_metadata_policy(chain);

    ASSERT_FALSE(resolved.has_value());
    EXPECT_EQ(resolved.error().code(), ErrorCode::kInvalidTrustChain);
}

TEST(ResolveMetadataPolicy, UnusedUnsupportedCritOperatorFails) {
    // A listed extension that the recipient does not support makes the
    // statement invalid, whether or not a policy uses it.
    const std::vector<StatementPolicyClaims> chain = {
        with_policy(R"({"p": {"value": "a"}})"),
        with_policy_and_crit(R"({"q": {"value": "b"}})", R"(["regexp"])"),
    };

    const auto resolved = resolve_metadata_policy(chain);

    ASSERT_FALSE(resolved.has_value());
    EXPECT_EQ(resolved.error().code(), ErrorCode::kInvalidTrustChain);
    EXPECT_EQ(resolved.error().message(),
              "metadata_policy_crit: critical operator regexp is not supported");
    EXPECT_EQ(resolved.error().detail(),
              "subordinate statement index=1 counted from the trust anchor");
}

TEST(ResolveMetadataPolicy, MalformedCritIsPolicyError) {
    const std::vector<StatementPolicyClaims> chain = {
        with_policy_and_crit(R"({"p": {"value": "a"}})", R"(["value"])")};

    const auto resolved = resolve_metadata_policy(chain);

    ASSERT_FALSE(resolved.has_value());
    EXPECT_EQ(resolved.error().message(),
              "metadata_policy_crit: must not list the standard operator value");
}

// The worked example: a trust anchor and an intermediate policy for RPs.
// Each statement may hold kMaxArrayElements values; their union must not grow
// past the limit, or the cost bound of the set operations no longer holds and
// the resolved policy would fail its own validation.
TEST(ResolveMetadataPolicy, MergedArraysStayWithinElementLimit) {
    for (const char* op : {"add", "superset_of"}) {
        SCOPED_TRACE(op);
        std::vector<StatementPolicyClaims> chain;
        for (int statement = 0; statement < 2; ++statement) {
            bj::array values;
            for (std::size_t i = 0; i < kMaxArrayElements; ++i) {
                values.emplace_back("s" + std::to_string(statement) + "v" + std::to_string(i));
            }
            StatementPolicyClaims claims;
            claims.metadata_policy = bj::object{
                {testing::kRelyingParty, bj::object{{"p", bj::object{{op, values}}}}}};
            chain.push_back(std::move(claims));
        }

        const auto resolved = resolve_metadata_policy(chain);

        ASSERT_FALSE(resolved.has_value());
        EXPECT_NE(error_message(resolved).find(std::string("openid_relying_party.p: ") + op),
                  std::string::npos)
            << error_message(resolved);
    }
}

TEST(ResolveMetadataPolicy, SpecificationExampleResolvesAndApplies) {
    const std::vector<StatementPolicyClaims> chain = {
        with_policy(R"({
            "grant_types": {"default": ["authorization_code"],
                            "subset_of": ["authorization_code", "refresh_token"],
                            "superset_of": ["authorization_code"]},
            "token_endpoint_auth_method": {
                "one_of": ["private_key_jwt", "self_signed_tls_client_auth"], "essential": true},
            "token_endpoint_auth_signing_alg": {"one_of": ["PS256", "ES256"]},
            "subject_type": {"value": "pairwise"},
            "contacts": {"add": ["helpdesk@federation.example.org"]}})"),
        with_policy(R"({
            "grant_types": {"subset_of": ["authorization_code"]},
            "token_endpoint_auth_method": {"one_of": ["self_signed_tls_client_auth"]},
            "contacts": {"add": ["helpdesk@org.example.org"]}})"),
    };
    // The intermediate's `metadata` claim is already applied, as the caller must.
    const bj::object metadata = under_relying_party(R"({
        "redirect_uris": ["https://rp.example.org/callback"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "self_signed_tls_client_auth",
        "contacts": ["rp_admins@rp.example.org"],
        "sector_identifier_uri": "https://org.example.org/sector-ids.json",
        "policy_uri": "https://org.example.org/policy.html"})");

    const auto policy = resolve_metadata_policy(chain);
    ASSERT_TRUE(policy.has_value()) << error_message(policy);
    const auto resolved = apply_metadata_policy(*policy, metadata);

    EXPECT_EQ(metadata_policy_to_json(*policy), under_relying_party(R"({
        "grant_types": {"default": ["authorization_code"], "superset_of": ["authorization_code"],
                        "subset_of": ["authorization_code"]},
        "token_endpoint_auth_method": {"one_of": ["self_signed_tls_client_auth"],
                                       "essential": true},
        "token_endpoint_auth_signing_alg": {"one_of": ["PS256", "ES256"]},
        "subject_type": {"value": "pairwise"},
        "contacts": {"add": ["helpdesk@federation.example.org", "helpdesk@org.example.org"]}})"));
    ASSERT_TRUE(resolved.has_value()) << error_message(resolved);
    EXPECT_EQ(*resolved, under_relying_party(R"({
        "redirect_uris": ["https://rp.example.org/callback"],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "self_signed_tls_client_auth",
        "subject_type": "pairwise",
        "sector_identifier_uri": "https://org.example.org/sector-ids.json",
        "policy_uri": "https://org.example.org/policy.html",
        "contacts": ["rp_admins@rp.example.org", "helpdesk@federation.example.org",
                     "helpdesk@org.example.org"]})"));
}

}  // namespace
}  // namespace inmor::policy
