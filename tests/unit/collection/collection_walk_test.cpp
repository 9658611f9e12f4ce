// The collection walk over real HTTP servers on loopback.
#include "walk_fixture.h"

#include "common/json.h"

#include <gmock/gmock.h>

#include <algorithm>

namespace inmor::collection::testing {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

bool has_error_about(const WalkResult& result, const std::string& entity_id,
                     const std::string& fragment) {
    return std::any_of(result.errors.begin(), result.errors.end(), [&](const WalkError& error) {
        return error.entity_id == entity_id && error.reason.find(fragment) != std::string::npos;
    });
}

TEST_F(WalkTest, CollectsThreeLevelTree) {
    build_tree();
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(entity_ids(*result),
                ElementsAre(federation_.id("ia"), federation_.id("leaf"), federation_.id("op"),
                            federation_.id("rp")));
    EXPECT_EQ(result->stats.entities, 4u);
    EXPECT_EQ(result->stats.intermediates, 1u);
    EXPECT_EQ(result->stats.errors, 0u);
    EXPECT_EQ(result->snapshot.trust_anchor, federation_.id("ta"));
    EXPECT_EQ(result->snapshot.last_updated, kNow);
}

TEST_F(WalkTest, RecordsEntityTypesAndIndex) {
    build_tree();
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    const auto op = entity_info(*result, federation_.id("op"));
    EXPECT_EQ(to_json(op.at("entity_types")),
              R"(["openid_provider","federation_entity"])");
    EXPECT_THAT(ids_of_type(*result, "openid_provider"), ElementsAre(federation_.id("op")));
    EXPECT_THAT(ids_of_type(*result, "openid_relying_party"), ElementsAre(federation_.id("rp")));
    EXPECT_EQ(ids_of_type(*result, "federation_entity").size(), 4u);
    EXPECT_EQ(result->stats.entities_per_type.at("openid_provider"), 1u);
    EXPECT_EQ(result->stats.entities_per_type.at("federation_entity"), 4u);
}

TEST_F(WalkTest, RecordsUiInfos) {
    build_tree();
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    const auto op = entity_info(*result, federation_.id("op"));
    const auto& provider = op.at("ui_infos").at("openid_provider").as_object();
    EXPECT_EQ(provider.at("display_name"), "Test Provider");
    EXPECT_EQ(provider.at("display_name#fi"), "Testipalvelu");
    EXPECT_EQ(provider.at("logo_uri"), "https://op.test/logo.png");
    EXPECT_EQ(provider.at("policy_uri"), "https://op.test/policy");
    EXPECT_EQ(provider.at("information_uri"), "https://op.test/about");
    EXPECT_EQ(to_json(provider.at("keywords")), R"(["test","provider"])");
    EXPECT_FALSE(provider.contains("token_endpoint"));

    const auto rp = entity_info(*result, federation_.id("rp"));
    const auto& client = rp.at("ui_infos").at("openid_relying_party").as_object();
    EXPECT_EQ(client.at("display_name"), "Test Client");
    EXPECT_EQ(client.at("display_name#sv"), "Testklient");

    const auto ia = entity_info(*result, federation_.id("ia"));
    EXPECT_EQ(ia.at("ui_infos").at("federation_entity").at("organization_name"),
              "Intermediate Org");
    EXPECT_FALSE(entity_info(*result, federation_.id("leaf")).contains("ui_infos"));
}

TEST_F(WalkTest, RecordsSuperiors) {
    build_tree();
    federation_.link("ta", "op");  // op is also listed by the anchor itself
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(superiors_of(*result, federation_.id("ia")), ElementsAre(federation_.id("ta")));
    EXPECT_THAT(superiors_of(*result, federation_.id("rp")), ElementsAre(federation_.id("ia")));
    EXPECT_THAT(superiors_of(*result, federation_.id("op")),
                UnorderedElementsAre(federation_.id("ia"), federation_.id("ta")));
    const auto ids = entity_ids(*result);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), federation_.id("op")), 1);
}

TEST_F(WalkTest, SkipsBrokenIntermediateList) {
    build_tree();
    federation_.publish();
    server_.set(federation_.list_target("ia"), {500, "application/json", "{}"});

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(entity_ids(*result), ElementsAre(federation_.id("ia"), federation_.id("leaf")));
    EXPECT_EQ(result->stats.errors, 1u);
    EXPECT_TRUE(has_error_about(*result, federation_.id("ia"), "list failed"));
}

TEST_F(WalkTest, SkipsIntermediateWithoutConfiguration) {
    build_tree();
    federation_.publish();
    server_.remove(federation_.configuration_target("ia"));

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(entity_ids(*result), ElementsAre(federation_.id("leaf")));
    EXPECT_EQ(result->stats.errors, 1u);
    EXPECT_TRUE(has_error_about(*result, federation_.id("ia"), "404"));
}

TEST_F(WalkTest, SkipsInvalidListEntries) {
    build_tree();
    federation_.publish();
    server_.set(federation_.list_target("ia"),
                {200, "application/json",
                 "[\"" + federation_.id("op") + "\", \"not a url\", \"" + federation_.id("rp") +
                     "\"]"});

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(result->stats.entities, 4u);
    EXPECT_EQ(result->stats.errors, 1u);
    EXPECT_TRUE(has_error_about(*result, "not a url", "invalid"));
}

TEST_F(WalkTest, LoopTerminates) {
    federation_.add("ta", true);
    federation_.add("a", true);
    federation_.add("b", true);
    federation_.link("ta", "a");
    federation_.link("a", "b");
    federation_.link("b", "a");   // b lists a again: a loop
    federation_.link("b", "ta");  // and the anchor
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(entity_ids(*result), ElementsAre(federation_.id("a"), federation_.id("b")));
    // a names both superiors in authority_hints, so both are kept.
    EXPECT_THAT(superiors_of(*result, federation_.id("a")),
                ElementsAre(federation_.id("b"), federation_.id("ta")));
    EXPECT_TRUE(has_error_about(*result, federation_.id("ta"), "leads back"));
    // 3 configurations, 3 lists and 3 fetches: b's listing of ta is never fetched.
    EXPECT_EQ(server_.requests(), 9u);
}

TEST_F(WalkTest, ExcludesBadConfigurationSignature) {
    build_tree();
    federation_.publish();
    // op's configuration signed by a key neither it nor its superior publishes.
    TestEntity& op = federation_.entity("op");
    const jose::Jwk genuine = op.key;
    op.key = *jose::Jwk::generate("ES256");
    federation_.serve_statement(federation_.configuration_target("op"),
                                federation_.configuration_jwt("op"));
    op.key = genuine;

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(entity_ids(*result),
                ElementsAre(federation_.id("ia"), federation_.id("leaf"), federation_.id("rp")));
    EXPECT_TRUE(has_error_about(*result, federation_.id("op"), "entity configuration"));
}

TEST_F(WalkTest, ExcludesBadStatementSignature) {
    build_tree();
    federation_.publish();
    const auto impostor = *jose::Jwk::generate("ES256");
    federation_.serve_statement(federation_.fetch_target("ia", "rp"),
                                federation_.statement_jwt("ia", "rp", &impostor));

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(entity_ids(*result),
                ElementsAre(federation_.id("ia"), federation_.id("leaf"), federation_.id("op")));
    EXPECT_TRUE(has_error_about(*result, federation_.id("rp"), "subordinate statement"));
}

TEST_F(WalkTest, ExcludesKeysTheSuperiorDoesNotVouchFor) {
    build_tree();
    federation_.publish();
    // leaf's configuration is self-consistent, but signed with a new key
    // the anchor's statement does not carry.
    TestEntity& leaf = federation_.entity("leaf");
    leaf.key = *jose::Jwk::generate("ES256");
    leaf.jwks = jose::JwkSet{};
    ASSERT_TRUE(leaf.jwks.add(leaf.key.public_key()));
    federation_.serve_statement(federation_.configuration_target("leaf"),
                                federation_.configuration_jwt("leaf"));

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(result->stats.entities, 3u);
    EXPECT_TRUE(has_error_about(*result, federation_.id("leaf"), "subordinate statement"));
}

TEST_F(WalkTest, ExcludesExpiredConfiguration) {
    build_tree();
    federation_.entity("leaf").extra_claims["iat"] = kNow - 7200;
    federation_.entity("leaf").extra_claims["exp"] = kNow - 600;  // beyond the clock skew
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(result->stats.entities, 3u);
    EXPECT_TRUE(has_error_about(*result, federation_.id("leaf"), "exp"));
}

TEST_F(WalkTest, FailsWhenAnchorExpired) {
    build_tree();
    federation_.publish();
    clock_.set(kNow + 7200);  // past every statement's exp

    auto result = walk();

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), ErrorCode::kInvalidTrustChain);
}

TEST_F(WalkTest, ExcludesEntityWithoutHint) {
    build_tree();
    federation_.entity("leaf").superiors.clear();  // listed by ta but names no superior
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(result->stats.entities, 3u);
    EXPECT_TRUE(has_error_about(*result, federation_.id("leaf"), "authority_hints"));
}

TEST_F(WalkTest, DropsSubordinatesOfUnchainedIntermediate) {
    build_tree();
    federation_.entity("ia").superiors.clear();  // ia names no superior
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(entity_ids(*result), ElementsAre(federation_.id("leaf")));
    EXPECT_TRUE(has_error_about(*result, federation_.id("ia"), "authority_hints name none"));
    EXPECT_TRUE(has_error_about(*result, federation_.id("op"), "no chain"));
    EXPECT_TRUE(has_error_about(*result, federation_.id("rp"), "no chain"));
}

TEST_F(WalkTest, KeepsOnlyChainedSuperiors) {
    build_tree();
    federation_.add("stray", true);  // an authority outside the tree
    federation_.link("stray", "op");   // op names it too, but stray is never collected
    federation_.link("ia", "stray");   // listed by ia, but stray names no superior
    federation_.entity("stray").superiors.clear();
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(superiors_of(*result, federation_.id("op")), ElementsAre(federation_.id("ia")));
    EXPECT_TRUE(has_error_about(*result, federation_.id("stray"), "authority_hints"));
}

TEST_F(WalkTest, StopsAtDepthLimit) {
    federation_.add("ta", true);
    federation_.add("i1", true);
    federation_.add("i2", true);
    federation_.add("leaf");
    federation_.link("ta", "i1");
    federation_.link("i1", "i2");
    federation_.link("i2", "leaf");
    federation_.publish();

    WalkOptions options;
    options.limits.max_depth = 2;
    auto result = walk(options);

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(entity_ids(*result), ElementsAre(federation_.id("i1"), federation_.id("i2")));
    EXPECT_TRUE(has_error_about(*result, federation_.id("i2"), "depth limit"));
}

TEST_F(WalkTest, StopsAtEntityLimit) {
    build_tree();
    federation_.publish();

    WalkOptions options;
    options.limits.max_entities = 2;
    auto result = walk(options);

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(result->stats.entities, 2u);
    EXPECT_EQ(result->stats.errors, 2u);
}

TEST_F(WalkTest, BoundsParallelFetches) {
    federation_.add("ta", true);
    for (int i = 0; i < 40; ++i) {
        const std::string name = "leaf" + std::to_string(i);
        federation_.add(name);
        federation_.link("ta", name);
    }
    federation_.publish();

    WalkOptions options;
    options.limits.parallel_fetches = 3;
    std::size_t calls = 0;
    WalkProgress last;
    options.on_progress = [&](const WalkProgress& progress) {
        ++calls;
        last = progress;
    };
    auto result = walk(options);

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(result->stats.entities, 40u);
    EXPECT_LE(server_.max_concurrent_requests(), 3u);
    EXPECT_EQ(calls, 40u);
    EXPECT_EQ(last.entities, 40u);
}

TEST_F(WalkTest, FailsPastTimeBudget) {
    build_tree();
    federation_.publish();

    WalkOptions options;
    options.limits.time_budget = std::chrono::milliseconds(0);
    auto result = walk(options);

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), ErrorCode::kTemporarilyUnavailable);
    EXPECT_NE(result.error().message().find("time budget"), std::string::npos);
}

TEST_F(WalkTest, FailsWhenAnchorUnreachable) {
    build_tree();
    federation_.publish();
    server_.set(federation_.configuration_target("ta"), {503, "text/plain", "down"});

    auto result = walk();

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), ErrorCode::kTemporarilyUnavailable);
    EXPECT_NE(result.error().message().find("trust anchor"), std::string::npos);
}

TEST_F(WalkTest, FailsWhenAnchorListFails) {
    build_tree();
    federation_.publish();
    server_.set(federation_.list_target("ta"), {200, "application/json", "{\"not\":\"a list\"}"});

    auto result = walk();

    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message().find("list response"), std::string::npos);
}

TEST_F(WalkTest, FailsWhenAnchorKeysDoNotMatchPinned) {
    build_tree();
    federation_.publish();

    WalkOptions options;
    options.trust_anchor_keys = federation_.entity("ia").jwks;
    auto result = walk(options);

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), ErrorCode::kInvalidTrustChain);
}

TEST_F(WalkTest, AcceptsPinnedAnchorKeys) {
    build_tree();
    federation_.publish();

    WalkOptions options;
    options.trust_anchor_keys = federation_.entity("ta").jwks;
    auto result = walk(options);

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(result->stats.entities, 4u);
}

TEST_F(WalkTest, EmptyListGivesEmptySnapshot) {
    federation_.add("ta", true);
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(result->snapshot.entities, IsEmpty());
    EXPECT_THAT(result->snapshot.by_type, IsEmpty());
    EXPECT_EQ(result->snapshot.trust_anchor, federation_.id("ta"));
}

}  // namespace
}  // namespace inmor::collection::testing
