// Conformance of both engines to the KeyValueStore contract: every primitive,
// batches, renames, expiry, change announcements and concurrent use.
#include "store_test_support.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace inmor::storage::testing {
namespace {

using namespace std::chrono_literals;
using KeyValueStoreTest = StoreTest;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST_P(KeyValueStoreTest, GetReturnsNothingForMissingKey) {
    auto value = store_->get("missing");

    ASSERT_TRUE(value.has_value());
    EXPECT_FALSE(value->has_value());
}

TEST_P(KeyValueStoreTest, SetOverwritesString) {
    ASSERT_TRUE(store_->apply(WriteBatch().set("greeting", "hello")));
    ASSERT_TRUE(store_->apply(WriteBatch().set("greeting", "hi")));

    auto value = store_->get("greeting");

    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(value->value_or("(absent)"), "hi");
}

TEST_P(KeyValueStoreTest, ValuesAreBinarySafe) {
    const std::string bytes("a\0b\xff\x80z", 6);
    ASSERT_TRUE(store_->apply(WriteBatch().set("bytes", bytes).hash_set("h", "f", bytes)));

    auto value = store_->get("bytes");
    auto field = store_->hash_get("h", "f");

    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(value->value_or(""), bytes);
    ASSERT_TRUE(field.has_value());
    EXPECT_EQ(field->value_or(""), bytes);
}

TEST_P(KeyValueStoreTest, EmptyStringIsStoredNotAbsent) {
    ASSERT_TRUE(store_->apply(WriteBatch().set("empty", "")));

    auto value = store_->get("empty");

    ASSERT_TRUE(value.has_value());
    ASSERT_TRUE(value->has_value());
    EXPECT_EQ(**value, "");
}

TEST_P(KeyValueStoreTest, HashOperations) {
    WriteBatch batch;
    batch.hash_set("h", "b", "2").hash_set("h", "a", "1").hash_set("h", "c", "3");
    ASSERT_TRUE(store_->apply(batch));
    ASSERT_TRUE(store_->apply(WriteBatch().hash_erase("h", "c").hash_set("h", "a", "one")));

    auto one = store_->hash_get("h", "a");
    auto missing = store_->hash_get("h", "c");
    auto all = store_->hash_get_all("h");
    auto fields = store_->hash_fields("h");
    auto length = store_->hash_length("h");
    auto empty_length = store_->hash_length("no-such-hash");

    EXPECT_EQ(one->value_or(""), "one");
    EXPECT_FALSE(missing->has_value());
    ASSERT_TRUE(all.has_value());
    EXPECT_THAT(*all, UnorderedElementsAre(std::pair<std::string, std::string>("a", "one"),
                                           std::pair<std::string, std::string>("b", "2")));
    EXPECT_THAT(*fields, UnorderedElementsAre("a", "b"));
    EXPECT_EQ(*length, 2u);
    EXPECT_EQ(*empty_length, 0u);
}

TEST_P(KeyValueStoreTest, HashGetManyKeepsOrder) {
    ASSERT_TRUE(store_->apply(WriteBatch().hash_set("h", "a", "1").hash_set("h", "c", "3")));

    auto values = store_->hash_get_many("h", {"c", "b", "a"});
    auto none = store_->hash_get_many("h", {});
    auto missing_key = store_->hash_get_many("no-such-hash", {"a"});

    ASSERT_TRUE(values.has_value());
    EXPECT_THAT(*values, ElementsAre(std::optional<std::string>("3"), std::nullopt,
                                     std::optional<std::string>("1")));
    ASSERT_TRUE(none.has_value());
    EXPECT_THAT(*none, IsEmpty());
    ASSERT_TRUE(missing_key.has_value());
    EXPECT_THAT(*missing_key, ElementsAre(std::nullopt));
}

TEST_P(KeyValueStoreTest, SetOperations) {
    ASSERT_TRUE(store_->apply(WriteBatch().set_add("s", "x").set_add("s", "y").set_add("s", "x")));
    ASSERT_TRUE(store_->apply(WriteBatch().set_remove("s", "y").set_add("s", "z")));

    auto members = store_->set_members("s");
    auto has_x = store_->set_contains("s", "x");
    auto has_y = store_->set_contains("s", "y");
    auto size = store_->set_size("s");
    auto none = store_->set_members("no-such-set");

    EXPECT_THAT(*members, UnorderedElementsAre("x", "z"));
    EXPECT_TRUE(*has_x);
    EXPECT_FALSE(*has_y);
    EXPECT_EQ(*size, 2u);
    EXPECT_THAT(*none, IsEmpty());
}

TEST_P(KeyValueStoreTest, SortedRangeAfterPagesInByteOrder) {
    WriteBatch batch;
    for (const auto* member : {"https://b.test", "https://a.test", "https://C.test",
                               "https://d.test", "https://c.test"}) {
        batch.sorted_add("z", 0, member);
    }
    batch.sorted_add("z", 0, "https://a.test");
    ASSERT_TRUE(store_->apply(batch));

    auto first = store_->sorted_range_after("z", "", 2);
    auto second = store_->sorted_range_after("z", "https://a.test", 2);
    auto rest = store_->sorted_range_after("z", "https://c.test", 10);
    auto past_end = store_->sorted_range_after("z", "https://d.test", 10);
    auto size = store_->sorted_size("z");

    EXPECT_THAT(*first, ElementsAre("https://C.test", "https://a.test"));
    EXPECT_THAT(*second, ElementsAre("https://b.test", "https://c.test"));
    EXPECT_THAT(*rest, ElementsAre("https://d.test"));
    EXPECT_THAT(*past_end, IsEmpty());
    EXPECT_EQ(*size, 5u);
}

TEST_P(KeyValueStoreTest, DeleteRemovesEveryType) {
    WriteBatch batch;
    batch.set("k1", "v").hash_set("k2", "f", "v").set_add("k3", "m").sorted_add("k4", 0, "m");
    ASSERT_TRUE(store_->apply(batch));

    ASSERT_TRUE(store_->apply(WriteBatch().erase("k1").erase("k2").erase("k3").erase("k4")));

    EXPECT_FALSE(store_->get("k1")->has_value());
    EXPECT_EQ(*store_->hash_length("k2"), 0u);
    EXPECT_EQ(*store_->set_size("k3"), 0u);
    EXPECT_EQ(*store_->sorted_size("k4"), 0u);
}

TEST_P(KeyValueStoreTest, RenameReplacesDestination) {
    WriteBatch batch;
    batch.set_add("staging", "new-1").set_add("staging", "new-2").set_add("live", "old");
    batch.hash_set("staging-hash", "f", "new").hash_set("live-hash", "g", "old");
    ASSERT_TRUE(store_->apply(batch));

    ASSERT_TRUE(store_->apply(
        WriteBatch().rename("staging", "live").rename("staging-hash", "live-hash")));

    EXPECT_THAT(*store_->set_members("live"), UnorderedElementsAre("new-1", "new-2"));
    EXPECT_EQ(*store_->set_size("staging"), 0u);
    EXPECT_THAT(*store_->hash_get_all("live-hash"),
                ElementsAre(std::pair<std::string, std::string>("f", "new")));
    EXPECT_EQ(*store_->hash_length("staging-hash"), 0u);
}

TEST_P(KeyValueStoreTest, RenameOfMissingSourceDeletesDestination) {
    ASSERT_TRUE(store_->apply(WriteBatch().set_add("live", "old").set("live-string", "old")));

    auto renamed = store_->apply(
        WriteBatch().rename("no-staging", "live").rename("no-staging-string", "live-string"));

    ASSERT_TRUE(renamed.has_value()) << renamed.error().detail();
    EXPECT_EQ(*store_->set_size("live"), 0u);
    EXPECT_FALSE(store_->get("live-string")->has_value());
}

TEST_P(KeyValueStoreTest, StringExpiresAfterTtl) {
    ASSERT_TRUE(store_->apply(WriteBatch().set("short", "v", 1s).set("long", "v", 60s)));
    EXPECT_TRUE(store_->get("short")->has_value());

    const bool expired = eventually([&] { return !store_->get("short")->has_value(); }, 3s);

    EXPECT_TRUE(expired);
    EXPECT_TRUE(store_->get("long")->has_value());
}

TEST_P(KeyValueStoreTest, SetWithoutTtlClearsEarlierTtl) {
    ASSERT_TRUE(store_->apply(WriteBatch().set("key", "v", 1s)));
    ASSERT_TRUE(store_->apply(WriteBatch().set("key", "w")));

    std::this_thread::sleep_for(1500ms);

    EXPECT_EQ(store_->get("key")->value_or("(absent)"), "w");
}

TEST_P(KeyValueStoreTest, SetIfAbsentSetsOnlyOnce) {
    auto first = store_->set_if_absent("lock", "owner-1", 1s);
    auto second = store_->set_if_absent("lock", "owner-2", 1s);

    ASSERT_TRUE(first.has_value());
    EXPECT_TRUE(*first);
    ASSERT_TRUE(second.has_value());
    EXPECT_FALSE(*second);
    EXPECT_EQ(store_->get("lock")->value_or(""), "owner-1");

    // The lock lapses with its TTL and can be taken again.
    EXPECT_TRUE(eventually([&] { return *store_->set_if_absent("lock", "owner-3", 5s); }, 3s));
    EXPECT_EQ(store_->get("lock")->value_or(""), "owner-3");
}

TEST_P(KeyValueStoreTest, SetIfAbsentRacesHaveOneWinner) {
    std::atomic<int> winners = 0;
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&, i] {
            auto taken = store_->set_if_absent("race", std::to_string(i), 30s);
            if (taken && *taken) ++winners;
        });
    }
    for (auto& thread : threads) thread.join();

    EXPECT_EQ(winners.load(), 1);
}

TEST_P(KeyValueStoreTest, PingAndEngineName) {
    EXPECT_TRUE(store_->ping().has_value());
    EXPECT_EQ(store_->engine(), GetParam());
}

TEST_P(KeyValueStoreTest, SubscriberReceivesTouchedKeys) {
    ChangeRecorder recorder;
    auto subscription = store_->subscribe_changes(recorder.callback());

    WriteBatch batch;
    batch.set("one", "1").hash_set("two", "f", "v").rename("three", "four");
    ASSERT_TRUE(store_->apply(batch));

    EXPECT_TRUE(recorder.wait_for("one"));
    EXPECT_TRUE(recorder.wait_for("two"));
    EXPECT_TRUE(recorder.wait_for("three"));
    EXPECT_TRUE(recorder.wait_for("four"));
}

TEST_P(KeyValueStoreTest, SubscriberSkipsUnannouncedBatch) {
    ChangeRecorder recorder;
    auto subscription = store_->subscribe_changes(recorder.callback());

    WriteBatch quiet;
    quiet.announce = false;
    quiet.set("quiet", "v");
    ASSERT_TRUE(store_->apply(quiet));
    ASSERT_TRUE(store_->apply(WriteBatch().set("loud", "v")));

    ASSERT_TRUE(recorder.wait_for("loud"));
    const auto keys = recorder.keys();
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "quiet"), 0);
}

TEST_P(KeyValueStoreTest, SubscriberSeesWritesOfAnotherInstance) {
    auto other = open_another();
    ASSERT_NE(other, nullptr);
    ChangeRecorder recorder;
    auto subscription = store_->subscribe_changes(recorder.callback());

    ASSERT_TRUE(other->apply(WriteBatch().hash_set("inmor:subordinates", "e", "jwt")));

    EXPECT_TRUE(recorder.wait_for("inmor:subordinates"));
    EXPECT_EQ(store_->hash_get("inmor:subordinates", "e")->value_or(""), "jwt");
}

TEST_P(KeyValueStoreTest, SubscriptionStopsPromptly) {
    ChangeRecorder recorder;
    auto subscription = store_->subscribe_changes(recorder.callback());
    std::this_thread::sleep_for(200ms);

    const auto started = std::chrono::steady_clock::now();
    subscription.reset();
    const auto elapsed = std::chrono::steady_clock::now() - started;

    EXPECT_LT(elapsed, 1s);
}

TEST_P(KeyValueStoreTest, ConcurrentWritersAndReaders) {
    constexpr int kThreads = 4;
    constexpr int kWritesPerThread = 40;
    std::atomic<int> failures = 0;

    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kWritesPerThread; ++i) {
                const std::string member = std::to_string(t) + ":" + std::to_string(i);
                WriteBatch batch;
                batch.hash_set("shared-hash", member, "v").set_add("shared-set", member);
                if (!store_->apply(batch)) ++failures;
                // Both writes of a batch are visible together to this thread.
                auto in_hash = store_->hash_get("shared-hash", member);
                auto in_set = store_->set_contains("shared-set", member);
                if (!in_hash || !in_hash->has_value() || !in_set || !*in_set) ++failures;
            }
        });
    }
    for (auto& thread : threads) thread.join();

    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(*store_->hash_length("shared-hash"), std::size_t{kThreads * kWritesPerThread});
    EXPECT_EQ(*store_->set_size("shared-set"), std::size_t{kThreads * kWritesPerThread});
}

TEST_P(KeyValueStoreTest, EmptyBatchIsNoOperation) {
    EXPECT_TRUE(store_->apply(WriteBatch()).has_value());
}

INSTANTIATE_TEST_SUITE_P(Engines, KeyValueStoreTest,
                         ::testing::Values(std::string("sqlite"), std::string("redis")),
                         engine_name);

}  // namespace
}  // namespace inmor::storage::testing
