// Fixture and helpers shared by the storage tests.
#include "store_test_support.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace inmor::storage::testing {

namespace fs = std::filesystem;

std::optional<std::string> test_redis_url() {
    const char* configured = std::getenv("INMOR_TEST_REDIS_URL");
    if (configured == nullptr || *configured == '\0') {
        return std::nullopt;
    }

    // Keep scheme, credentials and address; replace any database number.
    std::string url(configured);
    const auto authority = url.find("://");
    const auto path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
    if (path != std::string::npos) {
        url.erase(path);
    }
    return url + "/" + std::to_string(kTestRedisDatabase);
}

// ---- RawRedis -----------------------------------------------------------------

RawRedis::RawRedis(const std::string& host, int port, int database) {
    context_ = redisConnectWithTimeout(host.c_str(), port, timeval{2, 0});
    if (!connected()) {
        ADD_FAILURE() << "raw redis connection failed host=" << host << " port=" << port;
        return;
    }
    redisSetTimeout(context_, timeval{10, 0});
    if (database != 0) {
        EXPECT_EQ(command({"SELECT", std::to_string(database)}), "OK");
    }
}

namespace {

struct UrlParts {
    std::string host;
    int port = 6379;
    int database = 0;
};

UrlParts split_url(const std::string& url) {
    UrlParts parts;
    std::string rest = url.substr(url.find("://") + 3);
    if (const auto at = rest.rfind('@'); at != std::string::npos) {
        rest.erase(0, at + 1);
    }
    if (const auto slash = rest.find('/'); slash != std::string::npos) {
        parts.database = std::stoi(rest.substr(slash + 1));
        rest.erase(slash);
    }
    if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
        parts.port = std::stoi(rest.substr(colon + 1));
        rest.erase(colon);
    }
    parts.host = rest;
    return parts;
}

}  // namespace

RawRedis::RawRedis(const std::string& url)
    : RawRedis(split_url(url).host, split_url(url).port, split_url(url).database) {}

RawRedis::~RawRedis() {
    if (context_ != nullptr) {
        redisFree(context_);
    }
}

redisReply* RawRedis::run(const std::vector<std::string>& arguments) {
    if (!connected()) {
        return nullptr;
    }
    std::vector<const char*> values;
    std::vector<std::size_t> lengths;
    for (const auto& argument : arguments) {
        values.push_back(argument.data());
        lengths.push_back(argument.size());
    }
    return static_cast<redisReply*>(redisCommandArgv(
        context_, static_cast<int>(values.size()), values.data(), lengths.data()));
}

std::string RawRedis::command(const std::vector<std::string>& arguments) {
    redisReply* reply = run(arguments);
    if (reply == nullptr) {
        return "";
    }
    std::string text;
    switch (reply->type) {
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS: text.assign(reply->str, reply->len); break;
        case REDIS_REPLY_ERROR: text = "ERR:" + std::string(reply->str, reply->len); break;
        case REDIS_REPLY_INTEGER: text = std::to_string(reply->integer); break;
        case REDIS_REPLY_NIL: text = "(nil)"; break;
        default: text = "(array)"; break;
    }
    freeReplyObject(reply);
    return text;
}

std::vector<std::string> RawRedis::list(const std::vector<std::string>& arguments) {
    std::vector<std::string> items;
    redisReply* reply = run(arguments);
    if (reply == nullptr) {
        return items;
    }
    if (reply->type == REDIS_REPLY_ARRAY) {
        for (std::size_t i = 0; i < reply->elements; ++i) {
            items.emplace_back(reply->element[i]->str, reply->element[i]->len);
        }
    }
    freeReplyObject(reply);
    std::sort(items.begin(), items.end());
    return items;
}

std::vector<std::string> RawRedis::next_array() {
    std::vector<std::string> items;
    void* raw = nullptr;
    if (!connected() || redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
        return items;
    }
    auto* reply = static_cast<redisReply*>(raw);
    if (reply->type == REDIS_REPLY_ARRAY) {
        for (std::size_t i = 0; i < reply->elements; ++i) {
            const redisReply* item = reply->element[i];
            items.push_back(item->type == REDIS_REPLY_INTEGER ? std::to_string(item->integer)
                                                             : std::string(item->str, item->len));
        }
    }
    freeReplyObject(reply);
    return items;
}

// ---- ChangeRecorder -------------------------------------------------------------

ChangeCallback ChangeRecorder::callback() {
    return [this](const std::string& key) {
        std::lock_guard lock(mutex_);
        keys_.push_back(key);
        changed_.notify_all();
    };
}

bool ChangeRecorder::wait_for(const std::string& key, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
        return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
    });
}

std::vector<std::string> ChangeRecorder::keys() {
    std::lock_guard lock(mutex_);
    return keys_;
}

// ---- TemporaryDirectory, RedisDatabaseLock -------------------------------------------

TemporaryDirectory::TemporaryDirectory() {
    std::string pattern = (fs::temp_directory_path() / "inmor-storage-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        ADD_FAILURE() << "mkdtemp failed for " << pattern;
    }
    path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

RedisDatabaseLock::RedisDatabaseLock() {
    const auto path = fs::temp_directory_path() / "inmor-storage-test-redis.lock";
    descriptor_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (descriptor_ < 0 || flock(descriptor_, LOCK_EX) != 0) {
        ADD_FAILURE() << "cannot lock " << path;
    }
}

RedisDatabaseLock::~RedisDatabaseLock() {
    if (descriptor_ >= 0) {
        ::close(descriptor_);
    }
}

// ---- StoreTest -------------------------------------------------------------------------

void StoreTest::SetUp() {
    if (!is_redis()) {
        directory_.emplace();
        sqlite_path_ = directory_->path() + "/data/federation.sqlite";
        auto opened = open_key_value_store("", sqlite_path_);
        ASSERT_TRUE(opened.has_value()) << opened.error().detail();
        store_ = std::move(*opened);
        return;
    }

    auto url = test_redis_url();
    if (!url) {
        GTEST_SKIP() << "INMOR_TEST_REDIS_URL is not set; Redis engine tests skipped";
    }
    redis_url_ = *url;
    lock_.emplace();
    raw_ = std::make_unique<RawRedis>(redis_url_);
    ASSERT_TRUE(raw_->connected()) << "test Redis unreachable at " << redis_url_;
    ASSERT_EQ(raw_->command({"FLUSHDB"}), "OK");

    auto opened = open_key_value_store(redis_url_, "");
    ASSERT_TRUE(opened.has_value()) << opened.error().detail();
    store_ = std::move(*opened);
    auto pinged = store_->ping();
    ASSERT_TRUE(pinged.has_value()) << pinged.error().detail();
}

void StoreTest::TearDown() {
    store_.reset();
    raw_.reset();
    lock_.reset();
}

std::unique_ptr<KeyValueStore> StoreTest::open_another() {
    auto opened = is_redis() ? open_key_value_store(redis_url_, "")
                             : open_key_value_store("", sqlite_path_);
    EXPECT_TRUE(opened.has_value());
    return opened ? std::move(*opened) : nullptr;
}

std::string StoreTest::redis_type(const std::string& key) {
    return raw_->command({"TYPE", key});
}

std::string engine_name(const ::testing::TestParamInfo<std::string>& info) {
    return info.param;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

}  // namespace inmor::storage::testing
