// TrustChainResolver end to end: a federation published on a loopback HTTP
// server, fetched through the guarded fetcher with allow_http.
#include "resolver/trust_chain_resolver.h"

#include "common/json.h"
#include "fetch/http_fetcher.h"
#include "jose/jws.h"
#include "resolver/caching_entity_statement_source.h"
#include "resolver/http_entity_statement_source.h"
#include "resolver/resolve_response.h"
#include "resolver/trust_chain_verification.h"
#include "test_federation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace inmor::resolver {
namespace {

namespace json = boost::json;
namespace fedtest = inmor::federation::testing;
using fedtest::kNow;
using testing::FederationServer;
using testing::TestFederation;

constexpr std::string_view kMarkType = "https://ta.test/marks/certified";

fetch::FetchConfig loopback_fetch_config() {
    fetch::FetchConfig config;
    config.allow_http = true;
    config.retries = 0;
    config.connect_timeout = std::chrono::seconds(2);
    config.total_timeout = std::chrono::seconds(5);
    return config;
}

json::object leaf_metadata() {
    return json::object{
        {"federation_entity", json::object{{"organization_name", "Leaf"}}},
        {"openid_relying_party",
         json::object{{"client_name", "Leaf RP"},
                      {"scope", "openid profile email"},
                      {"redirect_uris", json::array{"https://leaf.example.test/cb"}}}},
        {"openid_provider", json::object{{"issuer", "https://leaf.example.test"}}}};
}

class TrustChainResolverTest : public ::testing::Test {
protected:
    // The standard tree: ta <- int <- leaf.
    void SetUp() override {
        federation_.add("ta");
        federation_.add("int");
        federation_.add("leaf");
        federation_.publish_configuration("ta", {});
        federation_.publish_configuration("int", {"ta"});
        federation_.publish_configuration("leaf", {"int"}, {{"metadata", leaf_metadata()}});
        federation_.publish_subordinate("ta", "int");
        federation_.publish_subordinate("int", "leaf");
    }

    const EntityId& id(const std::string& name) const { return federation_.entity(name).id; }

    TrustAnchorKeys anchor_keys() const {
        return {{id("ta"), federation_.entity("ta").jwks}};
    }

    Result<TrustChain> resolve(const std::string& subject,
                               std::vector<std::string> anchors = {"ta"},
                               ResolverOptions options = {}) {
        options.allow_http = true;
        TrustChainResolver resolver(source_, anchor_keys(), clock_, options);
        std::vector<EntityId> anchor_ids;
        for (const std::string& anchor : anchors) {
            anchor_ids.push_back(id(anchor));
        }
        return resolver.resolve_trust_chain({id(subject), anchor_ids, true});
    }

    static void expect_error(const Result<TrustChain>& result, ErrorCode code,
                             std::string_view fragment) {
        ASSERT_FALSE(result.has_value());
        EXPECT_EQ(result.error().code(), code) << result.error().message();
        EXPECT_NE(result.error().message().find(fragment), std::string::npos)
            << result.error().message();
    }

    // A string claim of a compact JWS, unverified.
    static std::string claim_of(const std::string& jwt, std::string_view name) {
        return std::string(jose::decode_unverified(jwt).value().payload().at(name).as_string());
    }

    FederationServer server_;
    TestFederation federation_{server_};
    FixedClock clock_{kNow};
    fetch::HttpFetcher fetcher_{loopback_fetch_config()};
    HttpEntityStatementSource source_{fetcher_};
};

TEST_F(TrustChainResolverTest, ResolvesThreeLevelChain) {
    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    ASSERT_EQ(chain->statements.size(), 4u);
    EXPECT_EQ(claim_of(chain->statements[0], "iss"), id("leaf").str());
    EXPECT_EQ(claim_of(chain->statements[1], "iss"), id("int").str());
    EXPECT_EQ(claim_of(chain->statements[1], "sub"), id("leaf").str());
    EXPECT_EQ(claim_of(chain->statements[2], "iss"), id("ta").str());
    EXPECT_EQ(claim_of(chain->statements[2], "sub"), id("int").str());
    EXPECT_EQ(claim_of(chain->statements[3], "sub"), id("ta").str());
    EXPECT_EQ(chain->trust_anchor, id("ta"));
    EXPECT_EQ(chain->metadata.at("openid_relying_party").at("client_name"), "Leaf RP");
}

TEST_F(TrustChainResolverTest, ChainExpiryIsEarliestStatementExpiry) {
    json::object claims = federation_.subordinate_claims("ta", "int");
    claims["exp"] = kNow + 120;
    federation_.publish_subordinate_jwt("ta", "int",
                                        fedtest::sign(federation_.entity("ta").key, claims));

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_EQ(chain->expires_at, kNow + 120);
}

TEST_F(TrustChainResolverTest, ResolvesLeafDirectlyUnderAnchor) {
    federation_.add("rp");
    federation_.publish_configuration("rp", {"ta"});
    federation_.publish_subordinate("ta", "rp");

    auto chain = resolve("rp");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_EQ(chain->statements.size(), 3u);
}

TEST_F(TrustChainResolverTest, ResolvesAnchorAsItsOwnSubject) {
    auto chain = resolve("ta");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    ASSERT_EQ(chain->statements.size(), 1u);
    EXPECT_EQ(chain->subject, id("ta"));
}

TEST_F(TrustChainResolverTest, FetchesSubordinateStatementWithEncodedSub) {
    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    const auto targets = server_.targets();
    const std::string expected = "/int/fetch?sub=http%3A%2F%2F127.0.0.1%3A";
    EXPECT_TRUE(std::any_of(targets.begin(), targets.end(), [&](const std::string& target) {
        return target.starts_with(expected);
    }));
}

TEST_F(TrustChainResolverTest, SkipsBrokenHintAndUsesNext) {
    federation_.add("broken");
    federation_.publish_configuration("leaf", {"broken", "int"}, {{"metadata", leaf_metadata()}});

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_EQ(server_.hits(federation_.configuration_route("broken")), 1);
    EXPECT_EQ(chain->statements.size(), 4u);
}

TEST_F(TrustChainResolverTest, ReportsBrokenHintWhenNoOtherPath) {
    federation_.add("broken");
    federation_.publish_configuration("leaf", {"broken"});

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kInvalidTrustChain, "entity configuration of " +
                                                           id("broken").str());
}

TEST_F(TrustChainResolverTest, PrefersShortestChain) {
    // The longer path is listed first; breadth-first search still picks the shorter.
    federation_.publish_configuration("leaf", {"int", "ta"}, {{"metadata", leaf_metadata()}});
    federation_.publish_subordinate("ta", "leaf");

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    ASSERT_EQ(chain->statements.size(), 3u);
    EXPECT_EQ(claim_of(chain->statements[1], "iss"), id("ta").str());
}

TEST_F(TrustChainResolverTest, PrefersShortestChainOverDeeperFirstHint) {
    // leaf -> int -> int2 -> ta is found first by a depth-first walk in hint
    // order; leaf -> int3 -> ta is shorter.
    federation_.add("int2");
    federation_.add("int3");
    federation_.publish_configuration("int", {"int2"});
    federation_.publish_configuration("int2", {"ta"});
    federation_.publish_configuration("int3", {"ta"});
    federation_.publish_subordinate("int2", "int");
    federation_.publish_subordinate("ta", "int2");
    federation_.publish_subordinate("ta", "int3");
    federation_.publish_subordinate("int3", "leaf");
    federation_.publish_configuration("leaf", {"int", "int3"}, {{"metadata", leaf_metadata()}});

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    ASSERT_EQ(chain->statements.size(), 4u);
    EXPECT_EQ(claim_of(chain->statements[1], "iss"), id("int3").str());
}

TEST_F(TrustChainResolverTest, FallsBackToLongerChainWhenShortOneFails) {
    federation_.publish_configuration("leaf", {"ta", "int"}, {{"metadata", leaf_metadata()}});
    json::object expired = federation_.subordinate_claims("ta", "leaf");
    expired["exp"] = kNow - 600;
    federation_.publish_subordinate_jwt("ta", "leaf",
                                        fedtest::sign(federation_.entity("ta").key, expired));

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_EQ(chain->statements.size(), 4u);
}

TEST_F(TrustChainResolverTest, RejectsLoopWithoutFetchingTwice) {
    federation_.add("int2");
    federation_.publish_configuration("int", {"int2"});
    federation_.publish_configuration("int2", {"int"});
    federation_.publish_subordinate("int2", "int");
    federation_.publish_subordinate("int", "int2");

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kInvalidTrustChain, "(loop)");
    EXPECT_EQ(server_.hits(federation_.configuration_route("int")), 1);
    EXPECT_EQ(server_.hits(federation_.configuration_route("int2")), 1);
}

TEST_F(TrustChainResolverTest, IgnoresLoopingHintBesideValidOne) {
    federation_.add("int2");
    federation_.publish_configuration("int", {"int2", "ta"});
    federation_.publish_configuration("int2", {"int"});
    federation_.publish_subordinate("int2", "int");
    federation_.publish_subordinate("int", "int2");

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_EQ(chain->statements.size(), 4u);
}

TEST_F(TrustChainResolverTest, FetchesSharedSuperiorOnce) {
    federation_.add("int2");
    federation_.publish_configuration("int2", {"ta"});
    federation_.publish_subordinate("ta", "int2");
    federation_.publish_subordinate("int2", "leaf");
    // Both paths fail at the anchor's statement about the leaf's superiors,
    // so the walk visits everything it can reach.
    federation_.publish_configuration("leaf", {"int", "int2"}, {{"metadata", leaf_metadata()}});
    server_.set(federation_.fetch_route("ta", "int"), {404, "application/json", "{}", {}});
    server_.set(federation_.fetch_route("ta", "int2"), {404, "application/json", "{}", {}});

    auto chain = resolve("leaf");

    ASSERT_FALSE(chain.has_value());
    EXPECT_EQ(server_.hits(federation_.configuration_route("ta")), 1);
}

TEST_F(TrustChainResolverTest, RejectsExpiredStatementAtEachLevel) {
    struct Case {
        const char* name;
        std::function<void()> publish;
        const char* fragment;
    };
    const std::vector<Case> cases = {
        {"leaf configuration",
         [&] {
             json::object claims = federation_.configuration_claims("leaf", {"int"});
             claims["exp"] = kNow - 600;
             federation_.publish_configuration_jwt(
                 "leaf", fedtest::sign(federation_.entity("leaf").key, claims));
         },
         "entity configuration of"},
        {"intermediate statement",
         [&] {
             json::object claims = federation_.subordinate_claims("int", "leaf");
             claims["exp"] = kNow - 600;
             federation_.publish_subordinate_jwt(
                 "int", "leaf", fedtest::sign(federation_.entity("int").key, claims));
         },
         "subordinate statement by"},
        {"anchor configuration",
         [&] {
             json::object claims = federation_.configuration_claims("ta", {});
             claims["exp"] = kNow - 600;
             federation_.publish_configuration_jwt(
                 "ta", fedtest::sign(federation_.entity("ta").key, claims));
         },
         "entity configuration of trust anchor"},
    };
    for (const Case& c : cases) {
        SetUp();
        c.publish();

        auto chain = resolve("leaf");

        SCOPED_TRACE(c.name);
        expect_error(chain, ErrorCode::kInvalidTrustChain, c.fragment);
        EXPECT_NE(chain.error().message().find("exp"), std::string::npos);
    }
}

TEST_F(TrustChainResolverTest, RejectsWrongKid) {
    // The anchor signs with a key its configuration does not list.
    const fedtest::TestEntity stranger = fedtest::TestEntity::create("https://stranger.test");
    federation_.publish_subordinate_jwt(
        "ta", "int", fedtest::sign(stranger.key, federation_.subordinate_claims("ta", "int")));

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kInvalidTrustChain, "jws header kid: no key with kid");
}

TEST_F(TrustChainResolverTest, RejectsBadSignatureAtEachLevel) {
    const std::vector<std::string> levels = {"leaf", "int-leaf", "ta-int", "ta"};
    for (const std::string& level : levels) {
        SetUp();
        if (level == "leaf" || level == "ta") {
            const auto& entity = federation_.entity(level);
            const auto claims = federation_.configuration_claims(
                level, level == "leaf" ? std::vector<std::string>{"int"}
                                       : std::vector<std::string>{});
            federation_.publish_configuration_jwt(
                level, fedtest::sign(fedtest::impostor_key(entity.key.kid()), claims));
        } else {
            const std::string superior = level.substr(0, level.find('-'));
            const std::string subordinate = level.substr(level.find('-') + 1);
            const auto& issuer = federation_.entity(superior);
            federation_.publish_subordinate_jwt(
                superior, subordinate,
                fedtest::sign(fedtest::impostor_key(issuer.key.kid()),
                              federation_.subordinate_claims(superior, subordinate)));
        }

        auto chain = resolve("leaf");

        SCOPED_TRACE(level);
        expect_error(chain, ErrorCode::kInvalidTrustChain, "signature");
    }
}

TEST_F(TrustChainResolverTest, RejectsAnchorConfigurationNotSignedWithPinnedKey) {
    // A forged anchor configuration, self-consistent but with a new key.
    const fedtest::TestEntity forger = fedtest::TestEntity::create(id("ta").str());
    json::object claims = fedtest::configuration_claims(forger);
    const json::object federation_entity{{"federation_fetch_endpoint", id("ta").str() + "/fetch"}};
    claims["metadata"] = json::object{{"federation_entity", federation_entity}};
    federation_.publish_configuration_jwt("ta", fedtest::sign(forger.key, claims));

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kInvalidTrustChain, "entity configuration of trust anchor");
}

TEST_F(TrustChainResolverTest, RejectsSubjectKeyNotInSuperiorsStatement) {
    // The intermediate vouches for a key the leaf does not sign with.
    const fedtest::TestEntity other = fedtest::TestEntity::create("https://other.test");
    federation_.publish_subordinate("int", "leaf", {{"jwks", other.jwks.public_json()}});

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kInvalidTrustChain, "checked with the jwks in the statement");
}

TEST_F(TrustChainResolverTest, EnforcesMaxPathLength) {
    struct Case {
        int max_path_length;
        bool resolves;
    };
    for (const Case c : {Case{0, false}, Case{1, true}, Case{2, true}}) {
        federation_.publish_subordinate(
            "ta", "int", {{"constraints", json::object{{"max_path_length", c.max_path_length}}}});

        auto chain = resolve("leaf");

        SCOPED_TRACE(c.max_path_length);
        EXPECT_EQ(chain.has_value(), c.resolves);
        if (!c.resolves) {
            expect_error(chain, ErrorCode::kInvalidTrustChain, "max_path_length 0 exceeded");
        }
    }
}

TEST_F(TrustChainResolverTest, EnforcesNamingConstraints) {
    struct Case {
        json::object naming;
        bool resolves;
    };
    const std::vector<Case> cases = {
        {{{"permitted", json::array{".example.test"}}}, false},
        {{{"permitted", json::array{"127.0.0.1"}}}, true},
        {{{"excluded", json::array{"127.0.0.1"}}}, false},
        {{{"excluded", json::array{".example.test"}}}, true},
    };
    for (const Case& c : cases) {
        federation_.publish_subordinate(
            "ta", "int", {{"constraints", json::object{{"naming_constraints", c.naming}}}});

        auto chain = resolve("leaf");

        SCOPED_TRACE(to_json(c.naming));
        EXPECT_EQ(chain.has_value(), c.resolves);
        if (!c.resolves) {
            expect_error(chain, ErrorCode::kInvalidTrustChain, "naming_constraints of");
        }
    }
}

TEST_F(TrustChainResolverTest, RemovesEntityTypesNotAllowed) {
    federation_.publish_subordinate(
        "ta", "int",
        {{"constraints", json::object{{"allowed_entity_types", json::array{"openid_provider"}}}}});

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_TRUE(chain->metadata.contains("openid_provider"));
    EXPECT_TRUE(chain->metadata.contains("federation_entity"));
    EXPECT_FALSE(chain->metadata.contains("openid_relying_party"));
}

TEST_F(TrustChainResolverTest, EmptyAllowedEntityTypesLeavesFederationEntity) {
    federation_.publish_subordinate(
        "int", "leaf", {{"constraints", json::object{{"allowed_entity_types", json::array{}}}}});

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_EQ(chain->metadata.size(), 1u);
    EXPECT_TRUE(chain->metadata.contains("federation_entity"));
}

TEST_F(TrustChainResolverTest, AppliesSuperiorMetadataThenPolicies) {
    const json::object relying_party_policy{
        {"scope", json::object{{"subset_of", json::array{"openid", "email"}}}},
        {"contacts", json::object{{"add", json::array{"ops@ta.test"}}}}};
    federation_.publish_subordinate(
        "ta", "int",
        {{"metadata_policy", json::object{{"openid_relying_party", relying_party_policy}}}});
    federation_.publish_subordinate(
        "int", "leaf",
        {{"metadata", json::object{{"openid_relying_party",
                                    json::object{{"client_name", "Set by int"}}},
                                   {"oauth_resource", json::object{{"x", 1}}}}}});

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    const json::value& rp = chain->metadata.at("openid_relying_party");
    EXPECT_EQ(rp.at("client_name"), "Set by int");
    EXPECT_EQ(rp.at("scope"), "openid email");
    EXPECT_EQ(rp.at("contacts"), (json::array{"ops@ta.test"}));
    // The superior's metadata applies only to entity types the subject has.
    EXPECT_FALSE(chain->metadata.contains("oauth_resource"));
}

TEST_F(TrustChainResolverTest, RejectsPolicyConflictBetweenAnchorAndIntermediate) {
    federation_.publish_subordinate(
        "ta", "int",
        {{"metadata_policy",
          json::object{{"openid_relying_party",
                        json::object{{"client_name", json::object{{"value", "TA name"}}}}}}}});
    federation_.publish_subordinate(
        "int", "leaf",
        {{"metadata_policy",
          json::object{{"openid_relying_party",
                        json::object{{"client_name", json::object{{"value", "INT name"}}}}}}}});

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kInvalidTrustChain,
                 "metadata policy of the statement issued by " + id("int").str());
}

TEST_F(TrustChainResolverTest, RejectsUnsupportedCriticalPolicyOperator) {
    const json::object client_name_policy{{"except", json::array{"x"}}};
    federation_.publish_subordinate(
        "ta", "int",
        {{"metadata_policy_crit", json::array{"except"}},
         {"metadata_policy", json::object{{"openid_relying_party",
                                           json::object{{"client_name", client_name_policy}}}}}});

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kInvalidTrustChain, "except");
}

TEST_F(TrustChainResolverTest, IgnoresUnknownNonCriticalPolicyOperator) {
    const json::object client_name_policy{{"except", json::array{"x"}}};
    federation_.publish_subordinate(
        "ta", "int",
        {{"metadata_policy", json::object{{"openid_relying_party",
                                           json::object{{"client_name", client_name_policy}}}}}});

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_EQ(chain->metadata.at("openid_relying_party").at("client_name").as_string(),
              "Leaf RP");
}

TEST_F(TrustChainResolverTest, RejectsMetadataViolatingPolicy) {
    federation_.publish_subordinate(
        "ta", "int",
        {{"metadata_policy",
          json::object{{"openid_relying_party",
                        json::object{{"client_name", json::object{{"one_of",
                                                                   json::array{"Other"}}}}}}}}});

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kInvalidTrustChain, "client_name");
}

TEST_F(TrustChainResolverTest, RejectsUnconfiguredTrustAnchor) {
    federation_.add("other-ta");

    auto chain = resolve("leaf", {"other-ta"});

    expect_error(chain, ErrorCode::kInvalidTrustAnchor, "is not configured here");
}

TEST_F(TrustChainResolverTest, SkipsHintsLeadingToUnknownAnchor) {
    federation_.add("other-ta");
    federation_.publish_configuration("other-ta", {});
    federation_.publish_subordinate("other-ta", "leaf");
    federation_.publish_configuration("leaf", {"other-ta"});

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kInvalidTrustAnchor, "reaches the requested trust anchor");
}

TEST_F(TrustChainResolverTest, TransientUpstreamFailureIsTemporarilyUnavailable) {
    server_.set(federation_.fetch_route("ta", "int"), {503, "application/json", "{}", {}});

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kTemporarilyUnavailable, "http_status");
}

TEST_F(TrustChainResolverTest, PermanentUpstreamFailureIsInvalidTrustChain) {
    server_.set(federation_.fetch_route("ta", "int"), {404, "application/json", "{}", {}});

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kInvalidTrustChain, "http_status");
}

TEST_F(TrustChainResolverTest, RejectsWrongContentType) {
    const std::string jwt = fedtest::sign(federation_.entity("int").key,
                                          federation_.subordinate_claims("int", "leaf"));
    server_.set(federation_.fetch_route("int", "leaf"), {200, "text/plain", jwt, {}});

    auto chain = resolve("leaf");

    expect_error(chain, ErrorCode::kInvalidTrustChain, "Content-Type");
}

TEST_F(TrustChainResolverTest, GuardRefusalIsPermanentAndNamed) {
    // With allow_http off, an https URL to loopback is refused before connecting.
    fetch::FetchConfig config = loopback_fetch_config();
    config.allow_http = false;
    fetch::HttpFetcher guarded(config);
    HttpEntityStatementSource source(guarded);
    const EntityId subject = fedtest::entity_id("https://127.0.0.1:9/leaf");
    TrustChainResolver resolver(source, anchor_keys(), clock_, {});

    auto chain = resolver.resolve_trust_chain({subject, {id("ta")}, true});

    expect_error(chain, ErrorCode::kInvalidTrustChain, "refused_by_guard");
}

TEST_F(TrustChainResolverTest, TimeBudgetExhaustedIsTemporarilyUnavailable) {
    const std::string jwt = fedtest::sign(federation_.entity("int").key,
                                          federation_.configuration_claims("int", {"ta"}));
    server_.set(federation_.configuration_route("int"),
                {200, "application/entity-statement+jwt", jwt, std::chrono::milliseconds(400)});
    ResolverOptions options;
    options.limits.time_budget = std::chrono::milliseconds(200);

    auto chain = resolve("leaf", {"ta"}, options);

    expect_error(chain, ErrorCode::kTemporarilyUnavailable, "time budget");
}

TEST_F(TrustChainResolverTest, FollowsAtMostMaxAuthorityHints) {
    federation_.add("broken1");
    federation_.add("broken2");
    federation_.publish_configuration("leaf", {"broken1", "broken2", "int"});
    ResolverOptions options;
    options.limits.max_authority_hints = 2;

    auto limited = resolve("leaf", {"ta"}, options);
    auto unlimited = resolve("leaf");

    EXPECT_FALSE(limited.has_value());
    EXPECT_EQ(server_.hits(federation_.configuration_route("int")), 1);
    EXPECT_TRUE(unlimited.has_value());
}

TEST_F(TrustChainResolverTest, EnforcesPathExtensionLimit) {
    // Two intermediates that both point at two superiors: four paths at the top.
    federation_.add("int2");
    federation_.add("mid1");
    federation_.add("mid2");
    for (const std::string lower : {"int", "int2"}) {
        federation_.publish_configuration(lower, {"mid1", "mid2"});
        federation_.publish_subordinate("mid1", lower);
        federation_.publish_subordinate("mid2", lower);
        federation_.publish_subordinate(lower, "leaf");
    }
    for (const std::string middle : {"mid1", "mid2"}) {
        federation_.publish_configuration(middle, {"ta"});
        federation_.publish_subordinate("ta", middle);
    }
    federation_.publish_configuration("leaf", {"int", "int2"}, {{"metadata", leaf_metadata()}});
    ResolverOptions options;
    options.limits.max_path_extensions = 5;

    auto limited = resolve("leaf", {"ta"}, options);
    auto unlimited = resolve("leaf");

    expect_error(limited, ErrorCode::kInvalidTrustChain, "builds more than 5 paths");
    ASSERT_TRUE(unlimited.has_value()) << unlimited.error().message();
    EXPECT_EQ(unlimited->statements.size(), 5u);
}

TEST_F(TrustChainResolverTest, FollowsDuplicateHintOnce) {
    // Two extensions suffice (leaf to int, int to ta) only if the repeated
    // hint is skipped.
    federation_.publish_configuration("leaf", {"int", "int"}, {{"metadata", leaf_metadata()}});
    ResolverOptions options;
    options.limits.max_path_extensions = 2;

    auto chain = resolve("leaf", {"ta"}, options);

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_EQ(server_.hits(federation_.configuration_route("int")), 1);
}

TEST_F(TrustChainResolverTest, EnforcesIntermediateLimit) {
    ResolverOptions options;
    options.limits.max_intermediates = 0;

    auto chain = resolve("leaf", {"ta"}, options);

    expect_error(chain, ErrorCode::kInvalidTrustChain, "exceeds the limit of 0 intermediates");
}

TEST_F(TrustChainResolverTest, ResolvesConcurrently) {
    TrustChainResolver resolver(source_, anchor_keys(), clock_, {{}, true, nullptr});
    std::vector<int> resolved(4, 0);

    std::vector<std::thread> threads;
    for (std::size_t index = 0; index < resolved.size(); ++index) {
        threads.emplace_back([&, index] {
            resolved[index] = resolver.resolve_trust_chain({id("leaf"), {id("ta")}, true}) ? 1 : 0;
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }

    EXPECT_EQ(std::count(resolved.begin(), resolved.end(), 1), 4);
}

TEST_F(TrustChainResolverTest, CachingSourceServesRepeatFromMemory) {
    CachingEntityStatementSource cache(source_, clock_);
    TrustChainResolver resolver(cache, anchor_keys(), clock_, {{}, true, nullptr});

    auto first = resolver.resolve_trust_chain({id("leaf"), {id("ta")}, true});
    const std::size_t requests_after_first = server_.targets().size();
    auto second = resolver.resolve_trust_chain({id("leaf"), {id("ta")}, true});

    ASSERT_TRUE(first.has_value()) << first.error().message();
    ASSERT_TRUE(second.has_value()) << second.error().message();
    // leaf, int and ta configurations, and the two subordinate statements.
    EXPECT_EQ(requests_after_first, 5u);
    EXPECT_EQ(server_.targets().size(), requests_after_first);
    EXPECT_EQ(cache.size(), 5u);
}

TEST_F(TrustChainResolverTest, CachingSourceRefetchesAfterMaxLifetime) {
    CachingEntityStatementSource cache(source_, clock_, 16, 60);
    TrustChainResolver resolver(cache, anchor_keys(), clock_, {{}, true, nullptr});

    auto first = resolver.resolve_trust_chain({id("leaf"), {id("ta")}, true});
    clock_.advance(61);
    auto second = resolver.resolve_trust_chain({id("leaf"), {id("ta")}, true});

    ASSERT_TRUE(first.has_value()) << first.error().message();
    ASSERT_TRUE(second.has_value()) << second.error().message();
    EXPECT_EQ(server_.targets().size(), 10u);
}

TEST_F(TrustChainResolverTest, CachingSourceKeepsNoFailures) {
    server_.set(federation_.fetch_route("ta", "int"), {503, "application/json", "{}", {}});
    CachingEntityStatementSource cache(source_, clock_);
    TrustChainResolver resolver(cache, anchor_keys(), clock_, {{}, true, nullptr});

    auto first = resolver.resolve_trust_chain({id("leaf"), {id("ta")}, true});
    auto second = resolver.resolve_trust_chain({id("leaf"), {id("ta")}, true});

    EXPECT_FALSE(first.has_value());
    EXPECT_FALSE(second.has_value());
    EXPECT_EQ(server_.hits(federation_.fetch_route("ta", "int")), 2);
}

TEST_F(TrustChainResolverTest, CachingSourceEvictsWhenFull) {
    CachingEntityStatementSource cache(source_, clock_, 2);
    TrustChainResolver resolver(cache, anchor_keys(), clock_, {{}, true, nullptr});

    auto chain = resolver.resolve_trust_chain({id("leaf"), {id("ta")}, true});

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_EQ(cache.size(), 2u);
}

class TrustChainVerificationTest : public TrustChainResolverTest {
protected:
    // The statements of the standard tree's chain for the leaf.
    std::vector<std::string> resolved_statements() {
        auto chain = resolve("leaf");
        EXPECT_TRUE(chain.has_value()) << chain.error().message();
        return chain ? chain->statements : std::vector<std::string>{};
    }

    Result<TrustChain> verify(const std::vector<std::string>& statements) {
        return verify_trust_chain(statements, anchor_keys(), clock_, {true});
    }
};

TEST_F(TrustChainVerificationTest, VerifiesResolvedChain) {
    federation_.publish_subordinate(
        "ta", "int",
        {{"metadata_policy",
          json::object{{"openid_relying_party",
                        json::object{{"scope", json::object{{"subset_of",
                                                             json::array{"openid"}}}}}}}}});
    auto resolved = resolve("leaf");
    ASSERT_TRUE(resolved.has_value()) << resolved.error().message();

    auto verified = verify(resolved->statements);

    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    EXPECT_EQ(verified->subject, id("leaf"));
    EXPECT_EQ(verified->trust_anchor, id("ta"));
    EXPECT_EQ(verified->metadata, resolved->metadata);
    EXPECT_EQ(verified->expires_at, resolved->expires_at);
    EXPECT_EQ(verified->metadata.at("openid_relying_party").at("scope").as_string(), "openid");
}

TEST_F(TrustChainVerificationTest, VerifiesAnchorAlone) {
    auto statements = resolved_statements();

    auto verified = verify({statements.back()});

    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    EXPECT_EQ(verified->subject, id("ta"));
}

TEST_F(TrustChainVerificationTest, RejectsUnknownAnchor) {
    auto statements = resolved_statements();

    auto verified = verify_trust_chain(statements, {}, clock_, {true});

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().code(), ErrorCode::kInvalidTrustAnchor);
}

TEST_F(TrustChainVerificationTest, RejectsMissingLevel) {
    auto statements = resolved_statements();
    statements.erase(statements.begin() + 2);

    auto verified = verify(statements);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().code(), ErrorCode::kInvalidTrustChain);
    EXPECT_NE(verified.error().message().find("trust_chain[1]: iss"), std::string::npos)
        << verified.error().message();
}

TEST_F(TrustChainVerificationTest, RejectsReorderedStatements) {
    auto statements = resolved_statements();
    std::swap(statements[1], statements[2]);

    auto verified = verify(statements);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().code(), ErrorCode::kInvalidTrustChain);
}

TEST_F(TrustChainVerificationTest, RejectsTwoStatements) {
    auto statements = resolved_statements();

    auto verified = verify({statements.front(), statements.back()});

    ASSERT_FALSE(verified.has_value());
    EXPECT_NE(verified.error().message().find("lacks the anchor's subordinate statement"),
              std::string::npos);
}

TEST_F(TrustChainVerificationTest, RejectsSuperiorMissingFromAuthorityHints) {
    auto statements = resolved_statements();
    const std::string direct = fedtest::sign(federation_.entity("ta").key,
                                             federation_.subordinate_claims("ta", "leaf"));

    auto verified = verify({statements.front(), direct, statements.back()});

    ASSERT_FALSE(verified.has_value());
    EXPECT_NE(verified.error().message().find("authority_hints does not list"), std::string::npos)
        << verified.error().message();
}

TEST_F(TrustChainVerificationTest, AppliesConstraints) {
    // Resolution would fail on the constraint, so the chain is assembled by hand.
    auto statements = resolved_statements();
    statements[2] = fedtest::sign(
        federation_.entity("ta").key,
        federation_.subordinate_claims(
            "ta", "int", {{"constraints", json::object{{"max_path_length", 0}}}}));

    auto verified = verify(statements);

    ASSERT_FALSE(verified.has_value());
    EXPECT_NE(verified.error().message().find("max_path_length 0 exceeded"), std::string::npos)
        << verified.error().message();
}

class TrustMarkResolutionTest : public TrustChainResolverTest {
protected:
    std::string mark(const std::string& issuer, json::object overrides = {}) {
        json::object claims{{"iss", id(issuer).str()},
                            {"sub", id("leaf").str()},
                            {"trust_mark_type", kMarkType},
                            {"iat", kNow - 60},
                            {"exp", kNow + 600}};
        for (const auto& member : overrides) {
            claims[member.key()] = member.value();
        }
        return fedtest::sign(federation_.entity(issuer).key, claims, "trust-mark+jwt");
    }

    void publish_leaf_marks(const std::vector<std::string>& marks) {
        json::array entries;
        for (const std::string& jwt : marks) {
            entries.push_back(json::object{{"trust_mark_type", kMarkType}, {"trust_mark", jwt}});
        }
        federation_.publish_configuration("leaf", {"int"},
                                          {{"metadata", leaf_metadata()},
                                           {"trust_marks", std::move(entries)}});
    }

    void publish_anchor_issuers(json::array issuers) {
        federation_.publish_configuration(
            "ta", {}, {{"trust_mark_issuers", json::object{{kMarkType, std::move(issuers)}}}});
    }
};

TEST_F(TrustMarkResolutionTest, KeepsAnchorIssuedMark) {
    publish_leaf_marks({mark("ta")});

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    ASSERT_EQ(chain->trust_marks.size(), 1u);
    EXPECT_EQ(chain->trust_marks[0].issuer(), id("ta"));
}

TEST_F(TrustMarkResolutionTest, ResponseExpiresWithEarliestMark) {
    publish_leaf_marks({mark("ta", {{"exp", kNow + 300}})});
    auto chain = resolve("leaf");
    ASSERT_TRUE(chain.has_value()) << chain.error().message();

    const ResolveResponse response = build_resolve_response(*chain, id("ta"), {}, clock_);

    EXPECT_EQ(chain->expires_at, kNow + 3600);
    EXPECT_EQ(response.expires_at, kNow + 300);
    EXPECT_EQ(response.claims.at("exp"), kNow + 300);
    const json::array& marks = response.claims.at("trust_marks").as_array();
    ASSERT_EQ(marks.size(), 1u);
    EXPECT_EQ(marks[0].at("trust_mark_type").as_string(), kMarkType);
    EXPECT_EQ(response.claims.at("trust_chain").as_array().size(), 4u);
}

TEST_F(TrustMarkResolutionTest, DropsExpiredAndUnrecognisedMarks) {
    federation_.add("tmi");
    publish_leaf_marks({mark("ta", {{"exp", kNow - 600}}), mark("tmi"),
                        mark("ta", {{"trust_mark_type", "https://ta.test/marks/other"}})});

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_TRUE(chain->trust_marks.empty());
}

TEST_F(TrustMarkResolutionTest, VerifiesIssuerThroughItsOwnChain) {
    federation_.add("tmi");
    federation_.publish_configuration("tmi", {"ta"});
    federation_.publish_subordinate("ta", "tmi");
    publish_anchor_issuers(json::array{id("tmi").str()});
    publish_leaf_marks({mark("tmi")});

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    ASSERT_EQ(chain->trust_marks.size(), 1u);
    EXPECT_EQ(chain->trust_marks[0].issuer(), id("tmi"));
}

TEST_F(TrustMarkResolutionTest, DropsMarkFromIssuerOutsideTheFederation) {
    federation_.add("tmi");
    federation_.publish_configuration("tmi", {});
    publish_anchor_issuers(json::array{});
    publish_leaf_marks({mark("tmi")});

    auto chain = resolve("leaf");

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_TRUE(chain->trust_marks.empty());
}

class RejectingStatusChecker final : public TrustMarkStatusChecker {
public:
    Result<void> check_status(const federation::TrustMark& mark) const override {
        ++calls;
        return Error::invalid_request("trust mark " + mark.trust_mark_type() + " is revoked");
    }
    mutable int calls = 0;
};

TEST_F(TrustMarkResolutionTest, StatusCheckerCanDropMark) {
    publish_leaf_marks({mark("ta")});
    RejectingStatusChecker checker;
    ResolverOptions options;
    options.status_checker = &checker;

    auto chain = resolve("leaf", {"ta"}, options);

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    EXPECT_EQ(checker.calls, 1);
    EXPECT_TRUE(chain->trust_marks.empty());
}

TEST_F(TrustMarkResolutionTest, VerifiesAtMostMaxTrustMarks) {
    publish_leaf_marks({mark("ta"), mark("ta", {{"exp", kNow + 500}}),
                        mark("ta", {{"exp", kNow + 400}})});
    ResolverOptions options;
    options.limits.max_trust_marks = 2;

    auto chain = resolve("leaf", {"ta"}, options);

    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    ASSERT_EQ(chain->trust_marks.size(), 2u);
    EXPECT_EQ(chain->trust_marks[1].expires_at(), std::optional<UnixSeconds>(kNow + 500));
}

}  // namespace
}  // namespace inmor::resolver
