// Entity Statement decoding and verification: one rejection per check.
#include "federation/entity_statement.h"

#include "federation/test_statements.h"

#include <gtest/gtest.h>

namespace inmor::federation {
namespace {

namespace json = boost::json;
using testing::configuration_claims;
using testing::entity_id;
using testing::kNow;
using testing::sign;
using testing::statement_claims;
using testing::TestEntity;

const StatementOptions kHttp{true};

class EntityStatementTest : public ::testing::Test {
protected:
    // Keys are generated once for the suite; ES256 makes this cheap.
    static void SetUpTestSuite() {
        anchor_ = new TestEntity(TestEntity::create("https://ta.example.test"));
        leaf_ = new TestEntity(TestEntity::create("https://leaf.example.test"));
    }
    static void TearDownTestSuite() {
        delete anchor_;
        delete leaf_;
    }

    // Verifies `claims` signed by the leaf as the leaf's Entity Configuration.
    static Result<EntityConfiguration> verify_configuration(
        const json::object& claims, std::string_view typ = kEntityStatementType,
        const json::object& header = {}) {
        const std::string jwt = sign(leaf_->key, claims, typ, header);
        return verify_entity_configuration(jwt, leaf_->id, clock_, kHttp);
    }

    static Result<SubordinateStatement> verify_subordinate(const json::object& claims) {
        auto anchor_configuration = verify_entity_configuration(
            sign(anchor_->key, configuration_claims(*anchor_)), anchor_->id, clock_, kHttp);
        EXPECT_TRUE(anchor_configuration.has_value());
        const std::string jwt = sign(anchor_->key, claims);
        return verify_subordinate_statement(jwt, *anchor_configuration, leaf_->id, clock_, kHttp);
    }

    static json::object subordinate_claims() {
        return statement_claims(*anchor_, leaf_->id, leaf_->jwks);
    }

    static void expect_rejected(const Result<EntityConfiguration>& result,
                                std::string_view fragment) {
        ASSERT_FALSE(result.has_value());
        EXPECT_NE(result.error().message().find(fragment), std::string::npos)
            << result.error().message();
    }

    static inline TestEntity* anchor_ = nullptr;
    static inline TestEntity* leaf_ = nullptr;
    static inline FixedClock clock_{kNow};
};

TEST_F(EntityStatementTest, AcceptsEntityConfiguration) {
    json::object claims = configuration_claims(*leaf_);
    claims["authority_hints"] = json::array{anchor_->id.str()};
    claims["metadata"] = json::object{{"openid_relying_party", json::object{{"a", 1}}}};

    auto configuration = verify_configuration(claims);

    ASSERT_TRUE(configuration.has_value()) << configuration.error().message();
    EXPECT_EQ(configuration->entity_id(), leaf_->id);
    EXPECT_EQ(configuration->statement().kind(), StatementKind::kEntityConfiguration);
    ASSERT_EQ(configuration->claims().authority_hints.size(), 1u);
    EXPECT_EQ(configuration->claims().authority_hints[0], anchor_->id);
    EXPECT_EQ(configuration->claims().expires_at, kNow + 3600);
}

TEST_F(EntityStatementTest, AcceptsSubordinateStatement) {
    json::object claims = subordinate_claims();
    claims["constraints"] = json::object{{"max_path_length", 1}};

    auto statement = verify_subordinate(claims);

    ASSERT_TRUE(statement.has_value()) << statement.error().message();
    EXPECT_EQ(statement->statement().kind(), StatementKind::kSubordinateStatement);
    ASSERT_TRUE(statement->claims().constraints.has_value());
    EXPECT_EQ(statement->claims().constraints->max_path_length, 1);
}

TEST_F(EntityStatementTest, RejectsWrongTyp) {
    auto result = verify_configuration(configuration_claims(*leaf_), "JWT");

    expect_rejected(result, "typ");
}

TEST_F(EntityStatementTest, RejectsMissingTyp) {
    auto result = verify_configuration(configuration_claims(*leaf_), "");

    expect_rejected(result, "typ: missing");
}

TEST_F(EntityStatementTest, RejectsMissingRequiredClaims) {
    for (const char* name : {"iss", "sub", "iat", "exp", "jwks"}) {
        json::object claims = configuration_claims(*leaf_);
        claims.erase(name);

        auto result = verify_configuration(claims);

        SCOPED_TRACE(name);
        expect_rejected(result, std::string(name) + ": missing");
    }
}

TEST_F(EntityStatementTest, RejectsEmptyJwks) {
    json::object claims = configuration_claims(*leaf_);
    claims["jwks"] = json::object{{"keys", json::array{}}};

    expect_rejected(verify_configuration(claims), "jwks: must contain at least one key");
}

TEST_F(EntityStatementTest, RejectsKidNotInIssuerJwks) {
    json::object claims = configuration_claims(*leaf_);
    claims["jwks"] = anchor_->jwks.public_json();

    expect_rejected(verify_configuration(claims), "jws header kid: no key with kid");
}

TEST_F(EntityStatementTest, RejectsBadSignature) {
    const jose::Jwk impostor = testing::impostor_key(leaf_->key.kid());
    const std::string jwt = sign(impostor, configuration_claims(*leaf_));

    auto result = verify_entity_configuration(jwt, leaf_->id, clock_, kHttp);

    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().message().find("signature"), std::string::npos)
        << result.error().message();
}

TEST_F(EntityStatementTest, RejectsExpiredStatement) {
    json::object claims = configuration_claims(*leaf_);
    claims["exp"] = kNow - 3600;

    expect_rejected(verify_configuration(claims), "exp");
}

TEST_F(EntityStatementTest, RejectsStatementIssuedInTheFuture) {
    json::object claims = configuration_claims(*leaf_);
    claims["iat"] = kNow + 3600;
    claims["exp"] = kNow + 7200;

    expect_rejected(verify_configuration(claims), "iat");
}

TEST_F(EntityStatementTest, RejectsSubordinateOnlyClaimsInConfiguration) {
    const json::object values{{"constraints", json::object{}},
                              {"metadata_policy", json::object{}},
                              {"metadata_policy_crit", json::array{"x"}},
                              {"source_endpoint", "https://ta.example.test/fetch"}};
    for (const auto& member : values) {
        json::object claims = configuration_claims(*leaf_);
        claims[member.key()] = member.value();

        auto result = verify_configuration(claims);

        SCOPED_TRACE(std::string(member.key()));
        expect_rejected(result, "only allowed in a Subordinate Statement");
    }
}

TEST_F(EntityStatementTest, RejectsConfigurationOnlyClaimsInSubordinateStatement) {
    const json::object values{{"authority_hints", json::array{"https://ta.example.test"}},
                              {"trust_anchor_hints", json::array{"https://ta.example.test"}},
                              {"trust_marks", json::array{}},
                              {"trust_mark_issuers", json::object{}},
                              {"trust_mark_owners", json::object{}}};
    for (const auto& member : values) {
        json::object claims = subordinate_claims();
        claims[member.key()] = member.value();

        auto result = verify_subordinate(claims);

        SCOPED_TRACE(std::string(member.key()));
        ASSERT_FALSE(result.has_value());
        EXPECT_NE(result.error().message().find("only allowed in an Entity Configuration"),
                  std::string::npos)
            << result.error().message();
    }
}

TEST_F(EntityStatementTest, RejectsCritWithUnknownClaim) {
    json::object claims = configuration_claims(*leaf_);
    claims["example_extension"] = "x";
    claims["crit"] = json::array{"example_extension"};

    expect_rejected(verify_configuration(claims), "crit");
}

TEST_F(EntityStatementTest, RejectsTrustChainHeaders) {
    for (const char* name : {"trust_chain", "peer_trust_chain"}) {
        const json::object header{{name, json::array{"a.b.c"}}};

        auto result = verify_configuration(configuration_claims(*leaf_), kEntityStatementType,
                                           header);

        SCOPED_TRACE(name);
        expect_rejected(result, std::string(name) + ": not allowed");
    }
}

TEST_F(EntityStatementTest, RejectsMetadataValueThatIsNotObject) {
    json::object claims = configuration_claims(*leaf_);
    claims["metadata"] = json::object{{"openid_relying_party", "text"}};

    expect_rejected(verify_configuration(claims), "metadata.openid_relying_party: must be");
}

TEST_F(EntityStatementTest, RejectsNullMetadataParameter) {
    json::object claims = configuration_claims(*leaf_);
    claims["metadata"] =
        json::object{{"openid_relying_party", json::object{{"client_name", nullptr}}}};

    expect_rejected(verify_configuration(claims),
                    "metadata.openid_relying_party.client_name: must not be null");
}

TEST_F(EntityStatementTest, RejectsKeySetInFederationEntityMetadata) {
    json::object claims = configuration_claims(*leaf_);
    claims["metadata"] = json::object{
        {"federation_entity", json::object{{"jwks_uri", "https://leaf.example.test/jwks"}}}};

    expect_rejected(verify_configuration(claims), "metadata.federation_entity.jwks_uri");
}

TEST_F(EntityStatementTest, RejectsEmptyTrustAnchorHints) {
    json::object claims = configuration_claims(*leaf_);
    claims["trust_anchor_hints"] = json::array{};

    expect_rejected(verify_configuration(claims), "trust_anchor_hints: must not be");
}

TEST_F(EntityStatementTest, RejectsInvalidAuthorityHint) {
    json::object claims = configuration_claims(*leaf_);
    claims["authority_hints"] = json::array{"https://ta.example.test?x=1"};

    expect_rejected(verify_configuration(claims), "authority_hints[0]");
}

TEST_F(EntityStatementTest, RejectsConfigurationOfAnotherEntity) {
    const std::string jwt = sign(leaf_->key, configuration_claims(*leaf_));

    auto result = verify_entity_configuration(jwt, anchor_->id, clock_, kHttp);

    expect_rejected(result, "sub: is \"https://leaf.example.test\"");
}

TEST_F(EntityStatementTest, RejectsConfigurationNotSelfIssued) {
    const std::string jwt = sign(anchor_->key, subordinate_claims());

    auto result = verify_entity_configuration(jwt, leaf_->id, clock_, kHttp);

    expect_rejected(result, "must be self-issued");
}

TEST_F(EntityStatementTest, RejectsConfigurationNotSignedWithPinnedKeys) {
    const std::string jwt = sign(leaf_->key, configuration_claims(*leaf_));

    auto result = verify_entity_configuration(jwt, leaf_->id, clock_, kHttp, &anchor_->jwks);

    expect_rejected(result, "kid");
}

TEST_F(EntityStatementTest, RejectsSubordinateStatementAboutAnotherSubject) {
    json::object claims = subordinate_claims();
    claims["sub"] = "https://other.example.test";

    auto result = verify_subordinate(claims);

    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().message().find("sub: is"), std::string::npos);
}

TEST_F(EntityStatementTest, RejectsSubordinateStatementFromAnotherIssuer) {
    auto anchor_configuration = verify_entity_configuration(
        sign(anchor_->key, configuration_claims(*anchor_)), anchor_->id, clock_, kHttp);
    ASSERT_TRUE(anchor_configuration.has_value());
    TestEntity other = TestEntity::create("https://other.example.test");
    const std::string jwt = sign(other.key, statement_claims(other, leaf_->id, leaf_->jwks));

    auto result =
        verify_subordinate_statement(jwt, *anchor_configuration, leaf_->id, clock_, kHttp);

    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().message().find("iss: is"), std::string::npos);
}

TEST_F(EntityStatementTest, RejectsInvalidConstraints) {
    json::object claims = subordinate_claims();
    claims["constraints"] = json::object{{"max_path_length", -1}};

    auto result = verify_subordinate(claims);

    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().message().find("constraints.max_path_length"), std::string::npos);
}

TEST_F(EntityStatementTest, RejectsEmptyMetadataPolicyCrit) {
    json::object claims = subordinate_claims();
    claims["metadata_policy_crit"] = json::array{};

    auto result = verify_subordinate(claims);

    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().message().find("metadata_policy_crit"), std::string::npos);
}

TEST_F(EntityStatementTest, ReportsFetchEndpointOrItsAbsence) {
    json::object claims = configuration_claims(*leaf_);
    claims["metadata"] = json::object{
        {"federation_entity",
         json::object{{"federation_fetch_endpoint", "https://leaf.example.test/fetch"}}}};
    auto with_endpoint = verify_configuration(claims);
    auto without_endpoint = verify_configuration(configuration_claims(*leaf_));

    ASSERT_TRUE(with_endpoint.has_value());
    ASSERT_TRUE(without_endpoint.has_value());
    EXPECT_EQ(with_endpoint->fetch_endpoint().value(), "https://leaf.example.test/fetch");
    EXPECT_FALSE(without_endpoint->fetch_endpoint().has_value());
}

}  // namespace
}  // namespace inmor::federation
