// Token buckets per client address.
#include "http/rate_limiter.h"

#include <gtest/gtest.h>

namespace inmor::http {
namespace {

using std::chrono::seconds;

TEST(RateLimiter, AllowsBurstThenRefusesWithWait) {
    RateLimiter limiter(3);
    const auto start = RateLimiter::Clock::time_point{} + seconds(1000);

    EXPECT_EQ(limiter.acquire("a", start), 0);
    EXPECT_EQ(limiter.acquire("a", start), 0);
    EXPECT_EQ(limiter.acquire("a", start), 0);
    EXPECT_EQ(limiter.acquire("a", start), 20);  // one token per 20 s at 3 a minute
}

TEST(RateLimiter, RefillsOverTime) {
    RateLimiter limiter(60);
    const auto start = RateLimiter::Clock::time_point{} + seconds(1000);
    for (int i = 0; i < 60; ++i) limiter.acquire("a", start);

    EXPECT_GT(limiter.acquire("a", start), 0);
    EXPECT_EQ(limiter.acquire("a", start + seconds(1)), 0);
}

TEST(RateLimiter, ClientsAreIndependent) {
    RateLimiter limiter(1);
    const auto now = RateLimiter::Clock::time_point{} + seconds(1000);

    EXPECT_EQ(limiter.acquire("a", now), 0);
    EXPECT_GT(limiter.acquire("a", now), 0);
    EXPECT_EQ(limiter.acquire("b", now), 0);
    EXPECT_EQ(limiter.tracked_clients(), 2u);
}

TEST(RateLimiter, ZeroDisables) {
    RateLimiter limiter(0);

    EXPECT_FALSE(limiter.enabled());
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.acquire("a"), 0);
}

TEST(RateLimiter, LimitChangesOnReload) {
    RateLimiter limiter(0);
    limiter.set_per_minute(1);
    const auto now = RateLimiter::Clock::time_point{} + seconds(1000);

    EXPECT_EQ(limiter.acquire("a", now), 0);
    EXPECT_GT(limiter.acquire("a", now), 0);
}

}  // namespace
}  // namespace inmor::http
