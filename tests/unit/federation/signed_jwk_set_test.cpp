// Signed JWK Set verification.
#include "federation/signed_jwk_set.h"

#include "federation/test_statements.h"

#include <gtest/gtest.h>

namespace inmor::federation {
namespace {

namespace json = boost::json;
using testing::kNow;
using testing::sign;
using testing::TestEntity;

class SignedJwkSetTest : public ::testing::Test {
protected:
    SignedJwkSetTest()
        : entity_(TestEntity::create("https://op.example.test")),
          protocol_(TestEntity::create("https://op.example.test", "ES384")) {}

    json::object claims() const {
        return json::object{{"iss", entity_.id.str()},
                            {"sub", entity_.id.str()},
                            {"iat", kNow - 60},
                            {"keys", protocol_.jwks.public_json().at("keys")}};
    }

    Result<jose::JwkSet> verify(const json::object& payload,
                                std::string_view typ = kSignedJwkSetJwtType) const {
        return verify_signed_jwk_set(sign(entity_.key, payload, typ), entity_.id, entity_.jwks,
                                     clock_);
    }

    static void expect_rejected(const Result<jose::JwkSet>& result, std::string_view fragment) {
        ASSERT_FALSE(result.has_value());
        EXPECT_NE(result.error().message().find(fragment), std::string::npos)
            << result.error().message();
    }

    TestEntity entity_;
    TestEntity protocol_;
    FixedClock clock_{kNow};
};

TEST_F(SignedJwkSetTest, ReturnsProtocolKeys) {
    auto keys = verify(claims());

    ASSERT_TRUE(keys.has_value()) << keys.error().message();
    ASSERT_EQ(keys->size(), 1u);
    EXPECT_NE(keys->find(protocol_.key.kid()), nullptr);
}

TEST_F(SignedJwkSetTest, RejectsWrongTyp) {
    expect_rejected(verify(claims(), "JWT"), "typ");
}

TEST_F(SignedJwkSetTest, RejectsKeyOutsideFederationKeys) {
    auto result = verify_signed_jwk_set(sign(protocol_.key, claims(), kSignedJwkSetJwtType),
                                        entity_.id, entity_.jwks, clock_);

    expect_rejected(result, "kid");
}

TEST_F(SignedJwkSetTest, RejectsOtherIssuer) {
    json::object payload = claims();
    payload["iss"] = "https://other.example.test";

    expect_rejected(verify(payload), "signed jwks iss: is");
}

TEST_F(SignedJwkSetTest, RejectsMissingRequiredClaims) {
    for (const char* name : {"iss", "sub", "keys"}) {
        json::object payload = claims();
        payload.erase(name);

        auto result = verify(payload);

        SCOPED_TRACE(name);
        expect_rejected(result, std::string("signed jwks ") + name);
    }
}

TEST_F(SignedJwkSetTest, RejectsExpiredSet) {
    json::object payload = claims();
    payload["exp"] = kNow - 600;

    expect_rejected(verify(payload), "exp");
}

}  // namespace
}  // namespace inmor::federation
