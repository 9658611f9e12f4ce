// Conformance of FederationStore on both engines: every named operation,
// the exact key layout on Redis, and the atomic collection swap.
#include "storage/federation_store.h"

#include "store_test_support.h"

#include <atomic>
#include <thread>

namespace inmor::storage::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class FederationStoreTest : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        if (store_) federation_.emplace(*store_);
    }

    std::optional<FederationStore> federation_;
};

constexpr std::string_view kSub = "https://rp.example.test";
constexpr std::string_view kType = "https://tm.example.test/certified";
// SHA-256 of "abc", from FIPS 180-2 appendix B.1.
constexpr std::string_view kAbcDigest =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST_P(FederationStoreTest, EntityConfigurationAndHistoricalKeys) {
    EXPECT_FALSE(federation_->entity_configuration()->has_value());
    EXPECT_FALSE(federation_->historical_keys()->has_value());

    ASSERT_TRUE(federation_->publish_entity_configuration("ec.jwt"));
    ASSERT_TRUE(federation_->publish_historical_keys("hk.jwt"));

    EXPECT_EQ(federation_->entity_configuration()->value_or(""), "ec.jwt");
    EXPECT_EQ(federation_->historical_keys()->value_or(""), "hk.jwt");
    if (is_redis()) {
        EXPECT_EQ(raw_->command({"GET", "inmor:entity_id"}), "ec.jwt");
        EXPECT_EQ(raw_->command({"GET", "inmor:historical_keys"}), "hk.jwt");
    }
}

TEST_P(FederationStoreTest, PublishSubordinateFilesItUnderOneKind) {
    ASSERT_TRUE(federation_->publish_subordinate(kSub, "stmt.jwt", "ec.jwt",
                                                 EntityKind::kOpenidProvider));
    ASSERT_TRUE(federation_->publish_subordinate(kSub, "stmt2.jwt", "ec2.jwt",
                                                 EntityKind::kRelyingParty));

    EXPECT_EQ(federation_->subordinate_statement(kSub)->value_or(""), "stmt2.jwt");
    EXPECT_EQ(federation_->subordinate_configuration(kSub)->value_or(""), "ec2.jwt");
    EXPECT_THAT(*federation_->subordinate_ids(), ElementsAre(kSub));
    EXPECT_EQ(*federation_->subordinate_count(), 1u);
    EXPECT_THAT(*federation_->subordinate_configurations(),
                ElementsAre(std::pair<std::string, std::string>(kSub, "ec2.jwt")));
    EXPECT_TRUE(*store_->set_contains(keys::kRelyingParties, kSub));
    EXPECT_FALSE(*store_->set_contains(keys::kOpenidProviders, kSub));
    EXPECT_FALSE(*store_->set_contains(keys::kAuthorities, kSub));
}

TEST_P(FederationStoreTest, RemoveSubordinateRemovesEverywhere) {
    ASSERT_TRUE(federation_->publish_subordinate(kSub, "stmt.jwt", "ec.jwt",
                                                 EntityKind::kAuthority));
    ASSERT_TRUE(federation_->publish_subordinate("https://other.test", "s", "e",
                                                 EntityKind::kAuthority));

    ASSERT_TRUE(federation_->remove_subordinate(kSub));

    EXPECT_FALSE(federation_->subordinate_statement(kSub)->has_value());
    EXPECT_FALSE(federation_->subordinate_configuration(kSub)->has_value());
    EXPECT_THAT(*federation_->subordinate_ids(), ElementsAre("https://other.test"));
    EXPECT_FALSE(*store_->set_contains(keys::kAuthorities, kSub));
    EXPECT_TRUE(*store_->set_contains(keys::kAuthorities, "https://other.test"));
}

TEST_P(FederationStoreTest, PublishTrustMarkIndexesIt) {
    ASSERT_TRUE(federation_->publish_trust_mark(kSub, kType, "abc"));

    EXPECT_EQ(federation_->trust_mark(kSub, kType)->value_or(""), "abc");
    EXPECT_THAT(*federation_->trust_mark_holders(kType), ElementsAre(kSub));
    EXPECT_THAT(*federation_->trust_mark_types(), ElementsAre(kType));
    EXPECT_TRUE(*federation_->trust_mark_ever_issued("abc"));
    EXPECT_FALSE(*federation_->trust_mark_ever_issued("abd"));
    EXPECT_EQ(*federation_->trust_marks_ever_issued_count(), 1u);
    EXPECT_TRUE(*store_->set_contains(keys::kTrustMarksEverIssued, kAbcDigest));
    EXPECT_EQ(keys::trust_mark_digest("abc"), kAbcDigest);
}

TEST_P(FederationStoreTest, RevokedTrustMarkStaysIssued) {
    ASSERT_TRUE(federation_->publish_trust_mark(kSub, kType, "abc"));
    ASSERT_TRUE(federation_->publish_trust_mark("https://op.test", kType, "def"));

    ASSERT_TRUE(federation_->revoke_trust_mark(kSub, kType));

    EXPECT_EQ(federation_->trust_mark(kSub, kType)->value_or(""), keys::kRevokedMark);
    EXPECT_THAT(*federation_->trust_mark_holders(kType), ElementsAre("https://op.test"));
    EXPECT_TRUE(*federation_->trust_mark_ever_issued("abc"));
    EXPECT_THAT(*federation_->trust_mark_types(), ElementsAre(kType));
}

TEST_P(FederationStoreTest, MissingTrustMarkIsAbsent) {
    auto mark = federation_->trust_mark(kSub, kType);

    ASSERT_TRUE(mark.has_value());
    EXPECT_FALSE(mark->has_value());
    EXPECT_THAT(*federation_->trust_mark_holders(kType), IsEmpty());
}

TEST_P(FederationStoreTest, UnsafeKeyPartsAreRejected) {
    const std::string too_long(2049, 'a');
    const std::string control("https://a.test/\n");

    for (const std::string& bad : {std::string(), too_long, control}) {
        SCOPED_TRACE(bad.size());
        auto published = federation_->publish_trust_mark(bad, kType, "jwt");
        auto typed = federation_->publish_trust_mark(kSub, bad, "jwt");
        auto holders = federation_->trust_mark_holders(bad);
        auto mark = federation_->trust_mark(bad, kType);
        auto revoked = federation_->revoke_trust_mark(kSub, bad);
        auto subordinate =
            federation_->publish_subordinate(bad, "s", "e", EntityKind::kRelyingParty);
        auto of_type = federation_->collection_ids_of_type(bad);
        auto with_mark = federation_->collection_ids_with_trust_mark(bad);

        ASSERT_FALSE(published.has_value());
        EXPECT_EQ(published.error().code(), ErrorCode::kInvalidRequest);
        ASSERT_FALSE(typed.has_value());
        EXPECT_EQ(typed.error().code(), ErrorCode::kInvalidRequest);
        EXPECT_NE(typed.error().message().find("trust_mark_type"), std::string::npos);
        ASSERT_FALSE(holders.has_value());
        EXPECT_EQ(holders.error().code(), ErrorCode::kInvalidRequest);
        ASSERT_FALSE(mark.has_value());
        EXPECT_EQ(mark.error().code(), ErrorCode::kInvalidRequest);
        ASSERT_FALSE(revoked.has_value());
        EXPECT_EQ(revoked.error().code(), ErrorCode::kInvalidRequest);
        ASSERT_FALSE(subordinate.has_value());
        EXPECT_EQ(subordinate.error().code(), ErrorCode::kInvalidRequest);
        ASSERT_FALSE(of_type.has_value());
        EXPECT_EQ(of_type.error().code(), ErrorCode::kInvalidRequest);
        ASSERT_FALSE(with_mark.has_value());
        EXPECT_EQ(with_mark.error().code(), ErrorCode::kInvalidRequest);
    }
    EXPECT_THAT(*federation_->trust_mark_types(), IsEmpty());
}

TEST_P(FederationStoreTest, KeyPartOfMaximumLengthIsAccepted) {
    const std::string longest = "https://a.test/" + std::string(2048 - 15, 'x');

    EXPECT_TRUE(federation_->publish_trust_mark(longest, kType, "jwt").has_value());
    EXPECT_EQ(federation_->trust_mark(longest, kType)->value_or(""), "jwt");
}

TEST_P(FederationStoreTest, JwksCacheUsesHashedKeyWithHourLifetime) {
    const std::string uri = "https://op.example.test/jwks";

    ASSERT_TRUE(federation_->cache_jwks(uri, R"({"keys":[]})"));

    EXPECT_EQ(federation_->cached_jwks(uri)->value_or(""), R"({"keys":[]})");
    EXPECT_FALSE(federation_->cached_jwks("https://other.test/jwks")->has_value());
    EXPECT_EQ(keys::jwks_cache("abc"), "inmor:jwks_cache:" + std::string(kAbcDigest));
    EXPECT_EQ(store_->get(keys::jwks_cache(uri))->value_or(""), R"({"keys":[]})");
    if (is_redis()) {
        const int ttl = std::stoi(raw_->command({"TTL", keys::jwks_cache(uri)}));
        EXPECT_GT(ttl, 3590);
        EXPECT_LE(ttl, 3600);
    }
}

// ---- Collection ------------------------------------------------------------------

CollectionSnapshot make_snapshot(int generation, int entity_count,
                                 std::vector<std::string> entity_types,
                                 std::vector<std::string> trust_mark_types) {
    CollectionSnapshot snapshot;
    snapshot.trust_anchor = "https://ta.test";
    snapshot.last_updated = 1700000000 + generation;
    std::vector<std::string> ids;
    for (int i = 0; i < entity_count; ++i) {
        const std::string id = "https://g" + std::to_string(generation) + "-e" +
                               std::to_string(i) + ".test";
        ids.push_back(id);
        snapshot.entities.push_back({id, R"({"entity_id":")" + id + R"("})"});
        snapshot.superiors.emplace_back(id, R"(["https://ta.test"])");
    }
    for (const auto& type : entity_types) snapshot.by_type.emplace_back(type, ids);
    for (const auto& type : trust_mark_types) snapshot.by_trust_mark.emplace_back(type, ids);
    return snapshot;
}

TEST_P(FederationStoreTest, ReplaceCollectionPublishesEverything) {
    auto snapshot = make_snapshot(1, 3, {"openid_provider"}, {kType.data()});

    auto replaced = federation_->replace_collection(snapshot);

    ASSERT_TRUE(replaced.has_value()) << replaced.error().detail();
    EXPECT_EQ(federation_->collection_entity("https://g1-e0.test")->value_or(""),
              R"({"entity_id":"https://g1-e0.test"})");
    EXPECT_THAT(*federation_->collection_entity_ids_after("", 2),
                ElementsAre("https://g1-e0.test", "https://g1-e1.test"));
    EXPECT_THAT(*federation_->collection_entity_ids_after("https://g1-e1.test", 2),
                ElementsAre("https://g1-e2.test"));
    EXPECT_EQ(*federation_->collection_entity_count(), 3u);
    EXPECT_THAT(*federation_->collection_entities({"https://g1-e2.test", "https://x.test"}),
                ElementsAre(std::optional<std::string>(R"({"entity_id":"https://g1-e2.test"})"),
                            std::nullopt));
    EXPECT_EQ(federation_->collection_ids_of_type("openid_provider")->size(), 3u);
    EXPECT_EQ(federation_->collection_ids_with_trust_mark(kType)->size(), 3u);
    EXPECT_THAT(*federation_->collection_trust_mark_types(), ElementsAre(kType));
    EXPECT_THAT(*store_->set_members(keys::kCollectionEntityTypes),
                ElementsAre("openid_provider"));
    EXPECT_EQ(federation_->collection_superiors("https://g1-e1.test")->value_or(""),
              R"(["https://ta.test"])");
    EXPECT_EQ(federation_->collection_trust_anchor()->value_or(""), "https://ta.test");
    EXPECT_EQ(federation_->collection_last_updated()->value_or(0), 1700000001);
}

TEST_P(FederationStoreTest, ReplaceCollectionDropsVanishedTypes) {
    ASSERT_TRUE(federation_->replace_collection(
        make_snapshot(1, 2, {"openid_provider", "federation_entity", "custom_type"},
                      {kType.data(), "https://tm.test/other"})));

    auto replaced = federation_->replace_collection(
        make_snapshot(2, 1, {"openid_provider"}, {"https://tm.test/other"}));

    ASSERT_TRUE(replaced.has_value()) << replaced.error().detail();
    EXPECT_THAT(*federation_->collection_ids_of_type("openid_provider"),
                ElementsAre("https://g2-e0.test"));
    EXPECT_THAT(*federation_->collection_ids_of_type("federation_entity"), IsEmpty());
    EXPECT_THAT(*federation_->collection_ids_of_type("custom_type"), IsEmpty());
    EXPECT_THAT(*federation_->collection_ids_with_trust_mark(kType), IsEmpty());
    EXPECT_THAT(*federation_->collection_trust_mark_types(),
                ElementsAre("https://tm.test/other"));
    EXPECT_FALSE(federation_->collection_entity("https://g1-e0.test")->has_value());
    EXPECT_FALSE(federation_->collection_superiors("https://g1-e0.test")->has_value());
}

TEST_P(FederationStoreTest, ReplaceWithEmptyCollectionClearsLiveData) {
    ASSERT_TRUE(federation_->replace_collection(
        make_snapshot(1, 2, {"openid_provider"}, {kType.data()})));

    CollectionSnapshot empty;
    empty.trust_anchor = "https://ta.test";
    empty.last_updated = 1800000000;
    auto replaced = federation_->replace_collection(empty);

    ASSERT_TRUE(replaced.has_value()) << replaced.error().detail();
    EXPECT_EQ(*federation_->collection_entity_count(), 0u);
    EXPECT_THAT(*federation_->collection_ids_of_type("openid_provider"), IsEmpty());
    EXPECT_THAT(*federation_->collection_ids_with_trust_mark(kType), IsEmpty());
    EXPECT_THAT(*federation_->collection_trust_mark_types(), IsEmpty());
    EXPECT_EQ(federation_->collection_last_updated()->value_or(0), 1800000000);
}

TEST_P(FederationStoreTest, ReplaceCollectionLeavesNoStagingKeys) {
    ASSERT_TRUE(federation_->replace_collection(
        make_snapshot(1, 2, {"openid_provider"}, {kType.data()})));

    const std::string staging(keys::kCollectionStagingPrefix);
    EXPECT_EQ(*store_->hash_length(staging + "entities"), 0u);
    EXPECT_EQ(*store_->sorted_size(staging + "all_sorted"), 0u);
    EXPECT_EQ(*store_->set_size(staging + "by_type:openid_provider"), 0u);
    EXPECT_FALSE(store_->get(staging + "trust_anchor")->has_value());
    if (is_redis()) {
        EXPECT_EQ(raw_->command({"EXISTS", staging + "entities", staging + "superiors",
                                 staging + "all_sorted", staging + "trustmark_types",
                                 staging + "entity_types", staging + "trust_anchor",
                                 staging + "last_updated", staging + "by_type:openid_provider",
                                 staging + "by_trustmark:" + std::string(kType)}),
                  "0");
        EXPECT_EQ(redis_type("inmor:collection:entities"), "hash");
        EXPECT_EQ(redis_type("inmor:collection:superiors"), "hash");
        EXPECT_EQ(redis_type("inmor:collection:all_sorted"), "zset");
        EXPECT_EQ(redis_type("inmor:collection:by_type:openid_provider"), "set");
        EXPECT_EQ(redis_type("inmor:collection:by_trustmark:" + std::string(kType)), "set");
        EXPECT_EQ(redis_type("inmor:collection:trustmark_types"), "set");
        EXPECT_EQ(redis_type("inmor:collection:trust_anchor"), "string");
        EXPECT_EQ(redis_type("inmor:collection:last_updated"), "string");
        EXPECT_EQ(raw_->command({"GET", "inmor:collection:last_updated"}), "1700000001");
        EXPECT_EQ(raw_->command({"ZSCORE", "inmor:collection:all_sorted",
                                 "https://g1-e0.test"}),
                  "0");
    }
}

TEST_P(FederationStoreTest, ReplaceCollectionRejectsUnsafeType) {
    auto snapshot = make_snapshot(1, 1, {"bad\ttype"}, {});

    auto replaced = federation_->replace_collection(snapshot);

    ASSERT_FALSE(replaced.has_value());
    EXPECT_EQ(replaced.error().code(), ErrorCode::kInvalidRequest);
    EXPECT_EQ(*federation_->collection_entity_count(), 0u);
}

TEST_P(FederationStoreTest, ReplaceCollectionAnnouncesLiveKeys) {
    ChangeRecorder recorder;
    auto subscription = store_->subscribe_changes(recorder.callback());

    ASSERT_TRUE(federation_->replace_collection(make_snapshot(1, 1, {"openid_provider"}, {})));

    EXPECT_TRUE(recorder.wait_for("inmor:collection:entities"));
    EXPECT_TRUE(recorder.wait_for("inmor:collection:by_type:openid_provider"));
}

// A reader polling while collections are swapped never reads ids of two
// walks in one key, nor a partly filled key.
TEST_P(FederationStoreTest, CollectionSwapIsAtomicForReaders) {
    constexpr int kEntities = 30;
    ASSERT_TRUE(federation_->replace_collection(
        make_snapshot(0, kEntities, {"openid_provider"}, {})));
    std::atomic<bool> done = false;
    std::atomic<int> mixed = 0;
    std::atomic<int> reads = 0;

    std::thread reader([&] {
        auto reader_store = open_another();
        FederationStore reading(*reader_store);
        auto generation_of = [](const std::string& id) { return id.substr(0, id.find('-')); };
        auto consistent = [&](const std::vector<std::string>& ids) {
            if (ids.size() != kEntities) return false;
            for (const auto& id : ids) {
                if (generation_of(id) != generation_of(ids.front())) return false;
            }
            return true;
        };
        while (!done) {
            auto page = reading.collection_entity_ids_after("", 1000);
            auto typed = reading.collection_ids_of_type("openid_provider");
            if (!page || !typed || !consistent(*page) || !consistent(*typed)) ++mixed;
            ++reads;
        }
    });

    for (int generation = 1; generation <= 15; ++generation) {
        auto replaced = federation_->replace_collection(
            make_snapshot(generation, kEntities, {"openid_provider"}, {}));
        ASSERT_TRUE(replaced.has_value()) << replaced.error().detail();
    }
    done = true;
    reader.join();

    EXPECT_EQ(mixed.load(), 0);
    EXPECT_GT(reads.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, FederationStoreTest,
                         ::testing::Values(std::string("sqlite"), std::string("redis")),
                         engine_name);

}  // namespace
}  // namespace inmor::storage::testing
