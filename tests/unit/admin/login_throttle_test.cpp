// Login throttling per username and per client address.
#include "database_test_fixture.h"

#include "admin/login_throttle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace inmor::admin {
namespace {

class LoginThrottleTest : public testing::DatabaseTest {
protected:
    void fail_times(std::string_view username, std::string_view address, int times,
                    UnixSeconds at) {
        for (int i = 0; i < times; ++i) {
            ASSERT_TRUE(record_login_attempt(database(), username, address, false, at).has_value());
        }
    }

    ThrottleDecision decide(std::string_view username, std::string_view address, UnixSeconds now) {
        Result<ThrottleDecision> decision =
            check_login_throttle(database(), username, address, now);
        EXPECT_TRUE(decision.has_value());
        return decision ? *decision : ThrottleDecision{};
    }
};

TEST_P(LoginThrottleTest, FourFailuresStillAllowed) {
    fail_times("alice", "192.0.2.1", 4, 1000);

    EXPECT_TRUE(decide("alice", "192.0.2.1", 1001).allowed);
}

TEST_P(LoginThrottleTest, FifthFailureLocksUsername) {
    fail_times("alice", "192.0.2.1", 5, 1000);

    ThrottleDecision decision = decide("alice", "198.51.100.7", 1100);

    EXPECT_FALSE(decision.allowed);
    EXPECT_EQ(decision.retry_after_seconds, 900 - 100);
}

TEST_P(LoginThrottleTest, FailuresFromOneAddressLockEveryName) {
    fail_times("alice", "192.0.2.1", 2, 1000);
    fail_times("bob", "192.0.2.1", 3, 1000);

    EXPECT_FALSE(decide("carol", "192.0.2.1", 1001).allowed);
    EXPECT_TRUE(decide("carol", "198.51.100.7", 1001).allowed);
}

TEST_P(LoginThrottleTest, LockEndsAfterLockout) {
    fail_times("alice", "192.0.2.1", 5, 1000);

    EXPECT_FALSE(decide("alice", "192.0.2.1", 1899).allowed);
    EXPECT_TRUE(decide("alice", "192.0.2.1", 1900).allowed);
}

TEST_P(LoginThrottleTest, SuccessClearsUsernameCountButNotAddress) {
    fail_times("alice", "192.0.2.1", 4, 1000);
    ASSERT_TRUE(record_login_attempt(database(), "alice", "192.0.2.9", true, 1001).has_value());
    fail_times("alice", "192.0.2.2", 1, 1002);

    EXPECT_TRUE(decide("alice", "192.0.2.2", 1003).allowed);
    fail_times("mallory", "192.0.2.1", 1, 1004);
    EXPECT_FALSE(decide("anyone", "192.0.2.1", 1005).allowed);
}

TEST_P(LoginThrottleTest, ConcurrentAttemptsNeverPassTheLimit) {
    std::atomic<int> allowed = 0;
    std::atomic<int> refused = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 12; ++t) {
        threads.emplace_back([&] {
            Result<LoginAttempt> attempt =
                begin_login_attempt(database(), "alice", "192.0.2.1", 1000);
            ASSERT_TRUE(attempt.has_value()) << attempt.error().message();
            ++(attempt->decision.allowed ? allowed : refused);
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }

    EXPECT_EQ(allowed.load(), 5);
    EXPECT_EQ(refused.load(), 7);
}

TEST_P(LoginThrottleTest, SettledAttemptsCountAsTheyEnded) {
    Result<LoginAttempt> failed = begin_login_attempt(database(), "alice", "192.0.2.1", 1000);
    Result<LoginAttempt> pending = begin_login_attempt(database(), "alice", "192.0.2.1", 1000);
    ASSERT_TRUE(failed.has_value());
    ASSERT_TRUE(pending.has_value());
    fail_times("alice", "192.0.2.1", 3, 1000);

    ASSERT_TRUE(settle_login_attempt(database(), failed->id, AttemptOutcome::kFailed));
    ASSERT_TRUE(settle_login_attempt(database(), pending->id, AttemptOutcome::kNotCounted));
    EXPECT_TRUE(decide("alice", "192.0.2.1", 1001).allowed);

    Result<LoginAttempt> good = begin_login_attempt(database(), "alice", "192.0.2.9", 1002);
    ASSERT_TRUE(good.has_value());
    ASSERT_TRUE(settle_login_attempt(database(), good->id, AttemptOutcome::kSucceeded));
    fail_times("alice", "192.0.2.2", 4, 1003);
    EXPECT_TRUE(decide("alice", "192.0.2.2", 1004).allowed);
}

TEST_P(LoginThrottleTest, PruneRemovesOldAttempts) {
    fail_times("alice", "192.0.2.1", 5, 1000);
    fail_times("alice", "192.0.2.1", 1, 3000);

    Result<std::int64_t> removed = prune_login_attempts(database(), 2000);

    ASSERT_TRUE(removed.has_value());
    EXPECT_EQ(*removed, 5);
}

INMOR_FOR_BOTH_ENGINES(LoginThrottleTest);

}  // namespace
}  // namespace inmor::admin
