// Resolve response claims and signing.
#include "resolver/resolve_response.h"

#include "federation/test_statements.h"
#include "jose/jws.h"

#include <gtest/gtest.h>

namespace inmor::resolver {
namespace {

namespace json = boost::json;
namespace fedtest = inmor::federation::testing;
using fedtest::kNow;

TrustChain sample_chain() {
    TrustChain chain(fedtest::entity_id("https://leaf.example.test"),
                     fedtest::entity_id("https://ta.example.test"));
    chain.statements = {"leaf.ec.jwt", "int.ss.jwt", "ta.ss.jwt", "ta.ec.jwt"};
    chain.metadata = json::object{{"federation_entity", json::object{{"a", 1}}},
                                  {"openid_relying_party", json::object{{"b", 2}}},
                                  {"openid_provider", json::object{{"c", 3}}}};
    chain.expires_at = kNow + 3600;
    return chain;
}

TEST(ResolveResponse, CarriesRequiredClaims) {
    const TrustChain chain = sample_chain();
    const FixedClock clock(kNow);

    const ResolveResponse response =
        build_resolve_response(chain, fedtest::entity_id("https://ta.example.test"), {}, clock);

    EXPECT_EQ(response.claims.at("iss"), "https://ta.example.test");
    EXPECT_EQ(response.claims.at("sub"), "https://leaf.example.test");
    EXPECT_EQ(response.claims.at("iat"), kNow);
    EXPECT_EQ(response.claims.at("exp"), kNow + 3600);
    EXPECT_EQ(response.claims.at("trust_chain"),
              (json::array{"leaf.ec.jwt", "int.ss.jwt", "ta.ss.jwt", "ta.ec.jwt"}));
    EXPECT_EQ(response.claims.at("metadata").as_object().size(), 3u);
    EXPECT_FALSE(response.claims.contains("trust_marks"));
}

TEST(ResolveResponse, FiltersMetadataByEntityType) {
    const TrustChain chain = sample_chain();
    const FixedClock clock(kNow);
    const std::vector<std::string> types = {"openid_provider", "oauth_resource"};

    const ResolveResponse response =
        build_resolve_response(chain, fedtest::entity_id("https://ta.example.test"), types, clock);

    const json::object& metadata = response.claims.at("metadata").as_object();
    EXPECT_EQ(metadata.size(), 1u);
    EXPECT_TRUE(metadata.contains("openid_provider"));
}

TEST(ResolveResponse, SignsWithResolveResponseTyp) {
    const fedtest::TestEntity anchor = fedtest::TestEntity::create("https://ta.example.test");
    const FixedClock clock(kNow);
    const ResolveResponse response = build_resolve_response(sample_chain(), anchor.id, {}, clock);

    auto jwt = sign_resolve_response(response, anchor.key);
    ASSERT_TRUE(jwt.has_value()) << jwt.error().message();
    auto verified = jose::verify_jws(*jwt, anchor.jwks, kResolveResponseJwtType, clock);

    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    EXPECT_EQ(verified->kid(), anchor.key.kid());
    EXPECT_EQ(verified->payload().at("sub"), "https://leaf.example.test");
}

}  // namespace
}  // namespace inmor::resolver
