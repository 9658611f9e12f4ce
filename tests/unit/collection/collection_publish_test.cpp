// Publishing walks into both store engines: the swap, a failed walk that
// leaves the previous data, empty walks, and the change announcement.
#include "storage/federation_store.h"
#include "walk_fixture.h"

#include <gmock/gmock.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>
#include <unistd.h>

namespace inmor::collection::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

/// The Redis database these tests own, so they clear no one else's data.
constexpr int kRedisDatabase = 14;

std::optional<std::string> test_redis_url() {
    const char* configured = std::getenv("INMOR_TEST_REDIS_URL");
    if (configured == nullptr || *configured == '\0') return std::nullopt;
    std::string url(configured);
    const auto authority = url.find("://");
    const auto path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
    if (path != std::string::npos) url.erase(path);
    return url + "/" + std::to_string(kRedisDatabase);
}

class PublishTest : public WalkTest, public ::testing::WithParamInterface<std::string> {
protected:
    void SetUp() override {
        directory_ = fs::temp_directory_path() /
                     ("inmor-collection-test-" + std::to_string(::getpid()) + "-" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(directory_);
        fs::create_directories(directory_);

        std::string redis_uri;
        if (GetParam() == "redis") {
            auto url = test_redis_url();
            if (!url) GTEST_SKIP() << "INMOR_TEST_REDIS_URL is not set; Redis tests skipped";
            redis_uri = *url;
        }
        auto opened = storage::open_key_value_store(redis_uri, directory_ / "federation.db");
        ASSERT_TRUE(opened) << opened.error().message();
        key_value_store_ = std::move(*opened);
        store_ = std::make_unique<storage::FederationStore>(*key_value_store_);

        // Start from no collection at all, whatever an earlier run left.
        federation_.add("ta", true);
        federation_.publish();
        ASSERT_TRUE(publish());
        server_.remove(federation_.list_target("ta"));
        storage::WriteBatch forget;
        forget.erase("inmor:collection:last_updated");
        ASSERT_TRUE(key_value_store_->apply(forget));
    }

    void TearDown() override {
        store_.reset();
        key_value_store_.reset();
        fs::remove_all(directory_);
    }

    Result<WalkResult> publish(WalkOptions options = {}) {
        options.allow_http = true;
        return walk_and_publish(*store_, fetcher_, federation_.entity("ta").id, clock_, options);
    }

    std::size_t stored_count() {
        auto count = store_->collection_entity_count();
        EXPECT_TRUE(count);
        return count ? *count : 0;
    }

    std::vector<std::string> stored_of_type(const std::string& type) {
        auto ids = store_->collection_ids_of_type(type);
        EXPECT_TRUE(ids);
        return ids ? *ids : std::vector<std::string>{};
    }

    fs::path directory_;
    std::unique_ptr<storage::KeyValueStore> key_value_store_;
    std::unique_ptr<storage::FederationStore> store_;
};

TEST_P(PublishTest, StoresWalk) {
    build_tree();
    federation_.publish();

    auto result = publish();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(stored_count(), 4u);
    EXPECT_THAT(stored_of_type("openid_provider"), ElementsAre(federation_.id("op")));
    EXPECT_EQ(store_->collection_trust_anchor().value(), federation_.id("ta"));
    EXPECT_EQ(store_->collection_last_updated().value(), kNow);
    EXPECT_EQ(store_->collection_superiors(federation_.id("op")).value(),
              "[\"" + federation_.id("ia") + "\"]");
    auto stored = store_->collection_entity(federation_.id("rp"));
    ASSERT_TRUE(stored && stored->has_value());
    EXPECT_NE((*stored)->find("Test Client"), std::string::npos);
}

TEST_P(PublishTest, FailedWalkKeepsPreviousData) {
    build_tree();
    federation_.publish();
    ASSERT_TRUE(publish());

    server_.set(federation_.configuration_target("ta"), {503, "text/plain", "down"});
    clock_.advance(60);
    auto result = publish();

    ASSERT_FALSE(result);
    EXPECT_EQ(stored_count(), 4u);
    EXPECT_EQ(store_->collection_last_updated().value(), kNow);
    EXPECT_THAT(stored_of_type("openid_relying_party"), ElementsAre(federation_.id("rp")));
}

TEST_P(PublishTest, EmptyWalkSwapsCleanly) {
    build_tree();
    federation_.publish();
    ASSERT_TRUE(publish());

    server_.set(federation_.list_target("ta"), {200, "application/json", "[]"});
    clock_.advance(60);
    auto result = publish();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(stored_count(), 0u);
    EXPECT_THAT(stored_of_type("openid_provider"), IsEmpty());
    EXPECT_THAT(stored_of_type("federation_entity"), IsEmpty());
    EXPECT_EQ(store_->collection_last_updated().value(), kNow + 60);
    EXPECT_FALSE(store_->collection_superiors(federation_.id("op")).value().has_value());
}

TEST_P(PublishTest, DroppedTypesAndMarksDisappear) {
    build_tree();
    federation_.entity("ta").extra_claims["trust_mark_issuers"] =
        boost::json::object{{"https://tm.test/member", boost::json::array{federation_.id("ta")}}};
    federation_.entity("op").extra_claims["trust_marks"] = boost::json::array{boost::json::object{
        {"trust_mark_type", "https://tm.test/member"},
        {"trust_mark", federation_.trust_mark("ta", "op", "https://tm.test/member", kNow + 600)}}};
    federation_.publish();
    ASSERT_TRUE(publish());
    ASSERT_THAT(store_->collection_trust_mark_types().value(),
                ElementsAre("https://tm.test/member"));

    // The intermediate stops listing op.
    server_.set(federation_.list_target("ia"),
                {200, "application/json", "[\"" + federation_.id("rp") + "\"]"});
    auto result = publish();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(stored_count(), 3u);
    EXPECT_THAT(stored_of_type("openid_provider"), IsEmpty());
    EXPECT_THAT(store_->collection_trust_mark_types().value(), IsEmpty());
    EXPECT_THAT(store_->collection_ids_with_trust_mark("https://tm.test/member").value(),
                IsEmpty());
}

TEST_P(PublishTest, LastUpdatedMovesWithinOneSecond) {
    build_tree();
    federation_.publish();
    ASSERT_TRUE(publish());
    const auto first = store_->collection_last_updated().value();

    auto result = publish();  // the same clock second

    ASSERT_TRUE(result) << result.error().message();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(store_->collection_last_updated().value(), *first + 1);
}

TEST_P(PublishTest, AnnouncesChange) {
    std::mutex mutex;
    std::condition_variable changed;
    std::set<std::string> keys;
    auto subscription = key_value_store_->subscribe_changes([&](const std::string& key) {
        std::lock_guard lock(mutex);
        keys.insert(key);
        changed.notify_all();
    });
    build_tree();
    federation_.publish();

    ASSERT_TRUE(publish());

    std::unique_lock lock(mutex);
    const bool announced = changed.wait_for(lock, std::chrono::seconds(10), [&] {
        return keys.contains("inmor:collection:entities") || keys.contains("");
    });
    EXPECT_TRUE(announced);
}

INSTANTIATE_TEST_SUITE_P(Engines, PublishTest, ::testing::Values("sqlite", "redis"),
                         [](const ::testing::TestParamInfo<std::string>& engine) {
                             return engine.param;
                         });

}  // namespace
}  // namespace inmor::collection::testing
