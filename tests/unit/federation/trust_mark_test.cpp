// Trust Mark verification: issuers recognised by the anchor, delegation by
// an owner, and each rejection.
#include "federation/trust_mark.h"

#include "federation/test_statements.h"

#include <gtest/gtest.h>

namespace inmor::federation {
namespace {

namespace json = boost::json;
using testing::configuration_claims;
using testing::kNow;
using testing::sign;
using testing::TestEntity;

constexpr std::string_view kType = "https://ta.example.test/marks/certified";
const StatementOptions kHttp{true};

class TrustMarkTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        anchor_ = new TestEntity(TestEntity::create("https://ta.example.test"));
        issuer_ = new TestEntity(TestEntity::create("https://tmi.example.test"));
        owner_ = new TestEntity(TestEntity::create("https://owner.example.test"));
        leaf_ = new TestEntity(TestEntity::create("https://leaf.example.test"));
    }
    static void TearDownTestSuite() {
        delete anchor_;
        delete issuer_;
        delete owner_;
        delete leaf_;
    }

    // The anchor's rules with `extra` claims (trust_mark_issuers, _owners).
    static TrustMarkRules rules(const json::object& extra) {
        json::object claims = configuration_claims(*anchor_);
        for (const auto& member : extra) {
            claims[member.key()] = member.value();
        }
        auto anchor = verify_entity_configuration(sign(anchor_->key, claims), anchor_->id,
                                                  clock_, kHttp);
        EXPECT_TRUE(anchor.has_value()) << anchor.error().message();
        auto parsed = TrustMarkRules::from_entity_configuration(*anchor, kHttp);
        EXPECT_TRUE(parsed.has_value()) << parsed.error().message();
        return *parsed;
    }

    static json::object issuers_listing(json::array issuers) {
        return json::object{{"trust_mark_issuers", json::object{{kType, std::move(issuers)}}}};
    }

    static json::object owners_listing() {
        json::object listing = issuers_listing(json::array{issuer_->id.str()});
        listing["trust_mark_owners"] = json::object{
            {kType, json::object{{"sub", owner_->id.str()}, {"jwks", owner_->jwks.public_json()}}}};
        return listing;
    }

    static json::object mark_claims(const TestEntity& issuer) {
        return json::object{{"iss", issuer.id.str()},
                            {"sub", leaf_->id.str()},
                            {"trust_mark_type", kType},
                            {"iat", kNow - 60},
                            {"exp", kNow + 600}};
    }

    static json::object delegation_claims() {
        return json::object{{"iss", owner_->id.str()},
                            {"sub", issuer_->id.str()},
                            {"trust_mark_type", kType},
                            {"iat", kNow - 60}};
    }

    static Result<TrustMark> verify(const std::string& jwt, const TestEntity& issuer,
                                    const TrustMarkRules& anchor_rules) {
        return verify_trust_mark(jwt, leaf_->id, kType, issuer.jwks, anchor_rules, clock_, kHttp);
    }

    static void expect_rejected(const Result<TrustMark>& result, std::string_view fragment) {
        ASSERT_FALSE(result.has_value());
        EXPECT_NE(result.error().message().find(fragment), std::string::npos)
            << result.error().message();
    }

    static inline TestEntity* anchor_ = nullptr;
    static inline TestEntity* issuer_ = nullptr;
    static inline TestEntity* owner_ = nullptr;
    static inline TestEntity* leaf_ = nullptr;
    static inline FixedClock clock_{kNow};
};

TEST_F(TrustMarkTest, AcceptsMarkFromListedIssuer) {
    const TrustMarkRules anchor_rules = rules(issuers_listing(json::array{issuer_->id.str()}));
    const std::string jwt = sign(issuer_->key, mark_claims(*issuer_), kTrustMarkJwtType);

    auto mark = verify(jwt, *issuer_, anchor_rules);

    ASSERT_TRUE(mark.has_value()) << mark.error().message();
    EXPECT_EQ(mark->issuer(), issuer_->id);
    EXPECT_EQ(mark->subject(), leaf_->id);
    EXPECT_EQ(mark->trust_mark_type(), kType);
    EXPECT_EQ(mark->expires_at(), kNow + 600);
    EXPECT_FALSE(mark->delegated_by().has_value());
}

TEST_F(TrustMarkTest, EmptyIssuerListAcceptsAnyone) {
    const TrustMarkRules anchor_rules = rules(issuers_listing(json::array{}));
    const std::string jwt = sign(issuer_->key, mark_claims(*issuer_), kTrustMarkJwtType);

    auto mark = verify(jwt, *issuer_, anchor_rules);

    EXPECT_TRUE(mark.has_value()) << mark.error().message();
}

TEST_F(TrustMarkTest, AcceptsAnchorsOwnMarkWithoutListing) {
    const TrustMarkRules anchor_rules = rules({});
    json::object claims = mark_claims(*anchor_);
    claims.erase("exp");
    const std::string jwt = sign(anchor_->key, claims, kTrustMarkJwtType);

    auto mark = verify(jwt, *anchor_, anchor_rules);

    ASSERT_TRUE(mark.has_value()) << mark.error().message();
    EXPECT_FALSE(mark->expires_at().has_value());
}

TEST_F(TrustMarkTest, RejectsExpiredMark) {
    const TrustMarkRules anchor_rules = rules(issuers_listing(json::array{issuer_->id.str()}));
    json::object claims = mark_claims(*issuer_);
    claims["exp"] = kNow - 600;

    auto result = verify(sign(issuer_->key, claims, kTrustMarkJwtType), *issuer_, anchor_rules);

    expect_rejected(result, "exp");
}

TEST_F(TrustMarkTest, RejectsWrongTyp) {
    const TrustMarkRules anchor_rules = rules(issuers_listing(json::array{issuer_->id.str()}));

    auto result = verify(sign(issuer_->key, mark_claims(*issuer_), "entity-statement+jwt"),
                         *issuer_, anchor_rules);

    expect_rejected(result, "typ");
}

TEST_F(TrustMarkTest, RejectsUnknownIssuer) {
    const TrustMarkRules anchor_rules = rules(issuers_listing(json::array{anchor_->id.str()}));

    auto result = verify(sign(issuer_->key, mark_claims(*issuer_), kTrustMarkJwtType), *issuer_,
                         anchor_rules);

    expect_rejected(result, "is not an accepted issuer");
}

TEST_F(TrustMarkTest, RejectsTypeTheAnchorDoesNotList) {
    const TrustMarkRules anchor_rules = rules({});

    auto result = verify(sign(issuer_->key, mark_claims(*issuer_), kTrustMarkJwtType), *issuer_,
                         anchor_rules);

    expect_rejected(result, "is not listed in trust_mark_issuers");
}

TEST_F(TrustMarkTest, RejectsMarkAboutAnotherSubject) {
    const TrustMarkRules anchor_rules = rules(issuers_listing(json::array{}));
    json::object claims = mark_claims(*issuer_);
    claims["sub"] = "https://other.example.test";

    auto result = verify(sign(issuer_->key, claims, kTrustMarkJwtType), *issuer_, anchor_rules);

    expect_rejected(result, "trust mark sub");
}

TEST_F(TrustMarkTest, RejectsTypeDifferentFromEntry) {
    const TrustMarkRules anchor_rules = rules(issuers_listing(json::array{}));
    json::object claims = mark_claims(*issuer_);
    claims["trust_mark_type"] = "https://ta.example.test/marks/other";

    auto result = verify(sign(issuer_->key, claims, kTrustMarkJwtType), *issuer_, anchor_rules);

    expect_rejected(result, "the trust_marks entry says");
}

TEST_F(TrustMarkTest, RejectsMarkSignedByAnotherKey) {
    const TrustMarkRules anchor_rules = rules(issuers_listing(json::array{}));
    const jose::Jwk impostor = testing::impostor_key(issuer_->key.kid());

    auto result = verify(sign(impostor, mark_claims(*issuer_), kTrustMarkJwtType), *issuer_,
                         anchor_rules);

    expect_rejected(result, "signature");
}

TEST_F(TrustMarkTest, RejectsMissingIat) {
    const TrustMarkRules anchor_rules = rules(issuers_listing(json::array{}));
    json::object claims = mark_claims(*issuer_);
    claims.erase("iat");

    auto result = verify(sign(issuer_->key, claims, kTrustMarkJwtType), *issuer_, anchor_rules);

    expect_rejected(result, "iat");
}

TEST_F(TrustMarkTest, AcceptsDelegatedMark) {
    const TrustMarkRules anchor_rules = rules(owners_listing());
    json::object claims = mark_claims(*issuer_);
    claims["delegation"] = sign(owner_->key, delegation_claims(), kTrustMarkDelegationJwtType);

    auto mark = verify(sign(issuer_->key, claims, kTrustMarkJwtType), *issuer_, anchor_rules);

    ASSERT_TRUE(mark.has_value()) << mark.error().message();
    ASSERT_TRUE(mark->delegated_by().has_value());
    EXPECT_EQ(*mark->delegated_by(), owner_->id);
}

TEST_F(TrustMarkTest, RejectsMissingDelegationWhenTypeHasOwner) {
    const TrustMarkRules anchor_rules = rules(owners_listing());

    auto result = verify(sign(issuer_->key, mark_claims(*issuer_), kTrustMarkJwtType), *issuer_,
                         anchor_rules);

    expect_rejected(result, "delegation: missing");
}

TEST_F(TrustMarkTest, RejectsDelegationWithoutOwner) {
    const TrustMarkRules anchor_rules = rules(issuers_listing(json::array{}));
    json::object claims = mark_claims(*issuer_);
    claims["delegation"] = sign(owner_->key, delegation_claims(), kTrustMarkDelegationJwtType);

    auto result = verify(sign(issuer_->key, claims, kTrustMarkJwtType), *issuer_, anchor_rules);

    expect_rejected(result, "trust_mark_owners lists no owner");
}

TEST_F(TrustMarkTest, RejectsBadDelegations) {
    const TrustMarkRules anchor_rules = rules(owners_listing());
    struct Case {
        const char* name;
        std::string delegation;
        const char* fragment;
    };
    json::object other_subject = delegation_claims();
    other_subject["sub"] = "https://someone-else.example.test";
    json::object other_type = delegation_claims();
    other_type["trust_mark_type"] = "https://ta.example.test/marks/other";
    json::object expired = delegation_claims();
    expired["exp"] = kNow - 600;
    json::object no_iat = delegation_claims();
    no_iat.erase("iat");
    const Case cases[] = {
        {"signed by issuer", sign(issuer_->key, delegation_claims(), kTrustMarkDelegationJwtType),
         "delegation: jws header kid"},
        {"wrong typ", sign(owner_->key, delegation_claims(), kTrustMarkJwtType),
         "delegation: jws header typ"},
        {"other subject", sign(owner_->key, other_subject, kTrustMarkDelegationJwtType),
         "delegation sub"},
        {"other type", sign(owner_->key, other_type, kTrustMarkDelegationJwtType),
         "delegation trust_mark_type"},
        {"expired", sign(owner_->key, expired, kTrustMarkDelegationJwtType),
         "delegation: jws claim exp"},
        {"no iat", sign(owner_->key, no_iat, kTrustMarkDelegationJwtType), "iat"},
    };
    for (const Case& c : cases) {
        json::object claims = mark_claims(*issuer_);
        claims["delegation"] = c.delegation;

        auto result = verify(sign(issuer_->key, claims, kTrustMarkJwtType), *issuer_, anchor_rules);

        SCOPED_TRACE(c.name);
        expect_rejected(result, c.fragment);
    }
}

TEST_F(TrustMarkTest, RejectsMalformedOwnerListing) {
    json::object claims = configuration_claims(*anchor_);
    claims["trust_mark_owners"] = json::object{{kType, json::object{{"sub", owner_->id.str()}}}};
    auto anchor = verify_entity_configuration(sign(anchor_->key, claims), anchor_->id, clock_,
                                              kHttp);
    ASSERT_TRUE(anchor.has_value());

    auto parsed = TrustMarkRules::from_entity_configuration(*anchor, kHttp);

    ASSERT_FALSE(parsed.has_value());
    EXPECT_NE(parsed.error().message().find("jwks"), std::string::npos);
}

}  // namespace
}  // namespace inmor::federation
