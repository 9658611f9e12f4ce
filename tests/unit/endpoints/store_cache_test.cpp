// The per-key cache: hits, time-to-live, announced changes and serving
// stale values while the store is unavailable.
#include "endpoints/store_cache.h"

#include <gtest/gtest.h>

#include <thread>

namespace inmor::endpoints {
namespace {

using namespace std::chrono_literals;

TEST(StoreCache, SecondReadIsAHit) {
    http::Metrics metrics;
    StoreCache cache(10s, &metrics);
    int loads = 0;
    auto load = [&]() -> Result<int> { return ++loads; };

    EXPECT_EQ(*cache.get<int>("inmor:entity_id", "", load).value(), 1);
    EXPECT_EQ(*cache.get<int>("inmor:entity_id", "", load).value(), 1);

    EXPECT_EQ(loads, 1);
    EXPECT_NE(metrics.render().find("inmor_cache_hits_total 1"), std::string::npos);
    EXPECT_NE(metrics.render().find("inmor_cache_misses_total 1"), std::string::npos);
}

TEST(StoreCache, ReloadsAfterTimeToLive) {
    StoreCache cache(20ms);
    int loads = 0;
    auto load = [&]() -> Result<int> { return ++loads; };

    cache.get<int>("k", "", load);
    std::this_thread::sleep_for(30ms);

    EXPECT_EQ(*cache.get<int>("k", "", load).value(), 2);
}

TEST(StoreCache, AnnouncedKeyDropsOnlyItsGroup) {
    StoreCache cache(10s);
    int loads = 0;
    auto load = [&]() -> Result<int> { return ++loads; };
    cache.get<int>("inmor:subordinates", "https://a.test", load);
    cache.get<int>("inmor:subordinates", "https://b.test", load);
    cache.get<int>("inmor:entity_id", "", load);

    cache.invalidate("inmor:subordinates");

    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(*cache.get<int>("inmor:entity_id", "", load).value(), 3);
    EXPECT_EQ(*cache.get<int>("inmor:subordinates", "https://a.test", load).value(), 4);
}

TEST(StoreCache, CollectionKeysDropTheDerivedGroup) {
    StoreCache cache(10s);
    int loads = 0;
    auto load = [&]() -> Result<int> { return ++loads; };
    cache.get<int>(StoreCache::kCollectionGroup, "view", load);

    cache.invalidate("inmor:collection:by_type:openid_provider");

    EXPECT_EQ(*cache.get<int>(StoreCache::kCollectionGroup, "view", load).value(), 2);
}

TEST(StoreCache, MissedChangesRereadButKeepFallback) {
    StoreCache cache(10s);
    cache.get<int>("k", "", []() -> Result<int> { return 1; });

    cache.invalidate("");

    // Re-read on next use...
    EXPECT_EQ(*cache.get<int>("k", "", []() -> Result<int> { return 2; }).value(), 2);
    cache.invalidate("");
    // ...and the old value is served while the store is unavailable.
    auto down = cache.get<int>("k", "", []() -> Result<int> {
        return Error::unavailable("redis unavailable");
    });
    ASSERT_TRUE(down);
    EXPECT_EQ(**down, 2);
}

TEST(StoreCache, StaleValueServedOnlyWhenUnavailable) {
    StoreCache cache(1ms);
    cache.get<int>("k", "", []() -> Result<int> { return 7; });
    std::this_thread::sleep_for(5ms);

    auto broken = cache.get<int>("k", "", []() -> Result<int> {
        return Error::server_error("corrupt row");
    });
    auto unavailable = cache.get<int>("k", "", []() -> Result<int> {
        return Error::unavailable("redis unavailable");
    });

    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().code(), ErrorCode::kServerError);
    ASSERT_TRUE(unavailable);
    EXPECT_EQ(**unavailable, 7);
}

TEST(StoreCache, UnavailableWithoutStaleValueIsAnError) {
    StoreCache cache(10s);

    auto result = cache.get<int>("k", "", []() -> Result<int> {
        return Error::unavailable("redis unavailable");
    });

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), ErrorCode::kTemporarilyUnavailable);
}

TEST(StoreCache, ChangeDuringLoadIsNotCached) {
    StoreCache cache(10s);
    int loads = 0;

    cache.get<int>("k", "", [&]() -> Result<int> {
        cache.invalidate("k");  // an announcement racing the read
        return ++loads;
    });

    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(*cache.get<int>("k", "", [&]() -> Result<int> { return ++loads; }).value(), 2);
}

}  // namespace
}  // namespace inmor::endpoints
