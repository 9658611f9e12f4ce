// Shared fixture for the storage tests: a fresh store of either engine, raw
// Redis access for checking the exact layout, and small waiting helpers.
#pragma once

#include "storage/key_value_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace inmor::storage::testing {

/// The Redis database the storage tests own inside the shared test Redis.
inline constexpr int kTestRedisDatabase = 9;

/// INMOR_TEST_REDIS_URL pointed at kTestRedisDatabase, or nothing when unset.
std::optional<std::string> test_redis_url();

/// A direct hiredis connection for writing data the way another program
/// would and for reading the exact key types.
class RawRedis {
public:
    /// Connects to `host:port` and selects `database`; fails the test when
    /// Redis cannot be reached.
    RawRedis(const std::string& host, int port, int database);
    /// Connects to the database of a redis:// URL.
    explicit RawRedis(const std::string& url);
    ~RawRedis();
    RawRedis(const RawRedis&) = delete;
    RawRedis& operator=(const RawRedis&) = delete;

    bool connected() const { return context_ != nullptr && context_->err == 0; }

    /// Runs one command; the reply as text (status, string or integer),
    /// "(nil)" for nil, "ERR:..." for an error, "" when the connection failed.
    std::string command(const std::vector<std::string>& arguments);
    /// Runs one command whose reply is an array of strings, sorted.
    std::vector<std::string> list(const std::vector<std::string>& arguments);
    /// Reads the next pushed reply (a pub/sub message) as its string items,
    /// in order; empty after a 10 s timeout.
    std::vector<std::string> next_array();

private:
    redisReply* run(const std::vector<std::string>& arguments);
    redisContext* context_ = nullptr;
};

/// Collects the keys a change subscription delivers.
class ChangeRecorder {
public:
    ChangeCallback callback();
    /// Waits until `key` was delivered; true when it was in time.
    bool wait_for(const std::string& key,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5));
    std::vector<std::string> keys();

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> keys_;
};

/// A temporary directory removed with everything in it at destruction.
class TemporaryDirectory {
public:
    TemporaryDirectory();
    ~TemporaryDirectory();
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

/// Holds an exclusive lock on a file for the life of a test, so test
/// processes that ctest runs in parallel do not share the Redis database.
class RedisDatabaseLock {
public:
    RedisDatabaseLock();
    ~RedisDatabaseLock();

private:
    int descriptor_ = -1;
};

/// A fresh, empty store of the engine named by the test parameter
/// ("sqlite" or "redis"). Redis tests skip when INMOR_TEST_REDIS_URL is unset
/// and fail when it is set but unreachable.
class StoreTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override;
    void TearDown() override;

    bool is_redis() const { return GetParam() == "redis"; }
    /// Opens a second, independent store on the same data.
    std::unique_ptr<KeyValueStore> open_another();
    /// TYPE of a key on Redis ("string", "hash", "set", "zset", "none").
    std::string redis_type(const std::string& key);

    std::unique_ptr<KeyValueStore> store_;
    std::unique_ptr<RawRedis> raw_;
    std::optional<TemporaryDirectory> directory_;
    std::optional<RedisDatabaseLock> lock_;
    std::string redis_url_;
    std::string sqlite_path_;
};

/// Readable parameter names for the instantiations.
std::string engine_name(const ::testing::TestParamInfo<std::string>& info);

/// Polls `condition` every 10 ms until it is true or `timeout` passes.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace inmor::storage::testing
