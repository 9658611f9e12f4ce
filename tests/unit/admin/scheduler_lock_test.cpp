// The scheduler lock between two Database instances, as two replicas see it.
#include "database_test_fixture.h"

#include "admin/scheduler_lock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace inmor::admin {
namespace {

class SchedulerLockTest : public testing::DatabaseTest {
protected:
    void SetUp() override {
        DatabaseTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        other_ = open_another();
        ASSERT_NE(other_, nullptr);
    }

    std::unique_ptr<Database> other_;
};

TEST_P(SchedulerLockTest, SecondReplicaWaitsForExpiry) {
    ASSERT_TRUE(acquire_scheduler_lock(database(), "tasks", "replica-a", 60, 1000).value());

    EXPECT_FALSE(acquire_scheduler_lock(*other_, "tasks", "replica-b", 60, 1030).value());
    EXPECT_TRUE(acquire_scheduler_lock(*other_, "tasks", "replica-b", 60, 1060).value());
    EXPECT_FALSE(renew_scheduler_lock(database(), "tasks", "replica-a", 60, 1061).value());
}

TEST_P(SchedulerLockTest, HolderRenewsAndReleases) {
    ASSERT_TRUE(acquire_scheduler_lock(database(), "tasks", "replica-a", 60, 1000).value());

    EXPECT_TRUE(renew_scheduler_lock(database(), "tasks", "replica-a", 60, 1050).value());
    EXPECT_FALSE(acquire_scheduler_lock(*other_, "tasks", "replica-b", 60, 1100).value());
    EXPECT_FALSE(release_scheduler_lock(*other_, "tasks", "replica-b").value());
    EXPECT_TRUE(release_scheduler_lock(database(), "tasks", "replica-a").value());
    EXPECT_TRUE(acquire_scheduler_lock(*other_, "tasks", "replica-b", 60, 1100).value());
}

TEST_P(SchedulerLockTest, ReacquireByHolderExtends) {
    ASSERT_TRUE(acquire_scheduler_lock(database(), "tasks", "replica-a", 60, 1000).value());

    EXPECT_TRUE(acquire_scheduler_lock(database(), "tasks", "replica-a", 60, 1050).value());

    EXPECT_FALSE(acquire_scheduler_lock(*other_, "tasks", "replica-b", 60, 1100).value());
}

TEST_P(SchedulerLockTest, LocksWithDifferentNamesAreIndependent) {
    ASSERT_TRUE(acquire_scheduler_lock(database(), "renewals", "replica-a", 60, 1000).value());

    EXPECT_TRUE(acquire_scheduler_lock(*other_, "collection", "replica-b", 60, 1000).value());
}

TEST_P(SchedulerLockTest, RacingReplicasHaveOneWinner) {
    std::atomic<int> winners{0};
    auto contend = [&](Database& database, const char* holder) {
        Result<bool> won = acquire_scheduler_lock(database, "tasks", holder, 60, 1000);
        EXPECT_TRUE(won.has_value()) << (won ? "" : won.error().detail());
        if (won && *won) {
            ++winners;
        }
    };

    std::thread first([&] { contend(database(), "replica-a"); });
    std::thread second([&] { contend(*other_, "replica-b"); });
    first.join();
    second.join();

    EXPECT_EQ(winners.load(), 1);
}

INMOR_FOR_BOTH_ENGINES(SchedulerLockTest);

}  // namespace
}  // namespace inmor::admin
