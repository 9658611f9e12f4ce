// Redis-only behaviour: URI parsing, the exact layout the original admin
// writes, and recovery after Redis stops and starts again.
#include "storage/federation_store.h"
#include "storage/redis/redis_store.h"
#include "storage/redis/redis_uri.h"

#include "store_test_support.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>

namespace inmor::storage::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// SHA-256 of "abc", from FIPS 180-2 appendix B.1.
using Command = std::vector<std::string>;

constexpr std::string_view kAbcDigest =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

// ---- URI parsing ---------------------------------------------------------------

TEST(RedisUri, ParsesHostPortAndDatabase) {
    auto endpoint = parse_redis_uri("redis://127.0.0.1:6390/9");

    ASSERT_TRUE(endpoint.has_value());
    EXPECT_EQ(endpoint->host, "127.0.0.1");
    EXPECT_EQ(endpoint->port, 6390);
    EXPECT_EQ(endpoint->database, 9);
    EXPECT_EQ(endpoint->user, "");
    EXPECT_EQ(endpoint->password, "");
}

TEST(RedisUri, DefaultsPortAndDatabase) {
    auto endpoint = parse_redis_uri("redis://cache.example.test");

    ASSERT_TRUE(endpoint.has_value());
    EXPECT_EQ(endpoint->host, "cache.example.test");
    EXPECT_EQ(endpoint->port, 6379);
    EXPECT_EQ(endpoint->database, 0);
}

TEST(RedisUri, ParsesPasswordAlone) {
    auto endpoint = parse_redis_uri("redis://:s%40cret@127.0.0.1:6379/2");

    ASSERT_TRUE(endpoint.has_value());
    EXPECT_EQ(endpoint->user, "");
    EXPECT_EQ(endpoint->password, "s@cret");
    EXPECT_EQ(endpoint->database, 2);
}

TEST(RedisUri, ParsesUserAndPassword) {
    auto endpoint = parse_redis_uri("redis://inmor:secret@[::1]:6380");

    ASSERT_TRUE(endpoint.has_value());
    EXPECT_EQ(endpoint->user, "inmor");
    EXPECT_EQ(endpoint->password, "secret");
    EXPECT_EQ(endpoint->host, "::1");
    EXPECT_EQ(endpoint->port, 6380);
}

TEST(RedisUri, RejectsMalformedUris) {
    for (const char* uri : {"http://127.0.0.1:6379", "rediss://127.0.0.1", "redis://",
                            "redis://127.0.0.1:0", "redis://127.0.0.1:70000",
                            "redis://127.0.0.1/x", "redis://127.0.0.1/-1",
                            "redis://127.0.0.1/1?timeout=3", "not a uri"}) {
        auto endpoint = parse_redis_uri(uri);

        ASSERT_FALSE(endpoint.has_value()) << uri;
        EXPECT_EQ(endpoint.error().code(), ErrorCode::kInvalidRequest) << uri;
        EXPECT_NE(endpoint.error().message().find("redis_uri"), std::string::npos) << uri;
    }
}

TEST(RedisUri, ErrorDoesNotRepeatPassword) {
    auto endpoint = parse_redis_uri("redis://:topsecret@127.0.0.1:99999");

    ASSERT_FALSE(endpoint.has_value());
    EXPECT_EQ(endpoint.error().message().find("topsecret"), std::string::npos);
}

// ---- Layout on the shared test Redis ----------------------------------------------

class RedisLayoutTest : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        if (store_) federation_.emplace(*store_);
    }

    std::optional<FederationStore> federation_;
};

TEST_P(RedisLayoutTest, PublishedKeysHaveTheOriginalTypes) {
    const std::string sub = "https://rp.example.test";
    const std::string type = "https://tm.example.test/certified";
    ASSERT_TRUE(federation_->publish_entity_configuration("ec"));
    ASSERT_TRUE(federation_->publish_historical_keys("hk"));
    ASSERT_TRUE(federation_->publish_subordinate(sub, "s", "e", EntityKind::kOpenidProvider));
    ASSERT_TRUE(federation_->publish_trust_mark(sub, type, "abc"));

    EXPECT_EQ(redis_type("inmor:entity_id"), "string");
    EXPECT_EQ(redis_type("inmor:historical_keys"), "string");
    EXPECT_EQ(redis_type("inmor:subordinates"), "hash");
    EXPECT_EQ(redis_type("inmor:subordinates:jwt"), "hash");
    EXPECT_EQ(redis_type("inmor:op"), "set");
    EXPECT_EQ(redis_type("inmor:tm:" + sub), "hash");
    EXPECT_EQ(redis_type("inmor:tmtype:" + type), "set");
    EXPECT_EQ(redis_type("inmor:tmtypes"), "set");
    EXPECT_EQ(redis_type("inmor:tm:alltime"), "set");
    EXPECT_EQ(raw_->command({"HGET", "inmor:subordinates", sub}), "s");
    EXPECT_EQ(raw_->command({"HGET", "inmor:subordinates:jwt", sub}), "e");
    EXPECT_EQ(raw_->command({"HGET", "inmor:tm:" + sub, type}), "abc");
    EXPECT_THAT(raw_->list({"SMEMBERS", "inmor:tm:alltime"}), ElementsAre(kAbcDigest));
    EXPECT_THAT(raw_->list({"SMEMBERS", "inmor:op"}), ElementsAre(sub));
    EXPECT_THAT(raw_->list({"SMEMBERS", "inmor:tmtype:" + type}), ElementsAre(sub));
}

TEST_P(RedisLayoutTest, RevocationWritesTheLiteralRevoked) {
    const std::string sub = "https://rp.example.test";
    ASSERT_TRUE(federation_->publish_trust_mark(sub, "https://tm.test/a", "abc"));

    ASSERT_TRUE(federation_->revoke_trust_mark(sub, "https://tm.test/a"));

    EXPECT_EQ(raw_->command({"HGET", "inmor:tm:" + sub, "https://tm.test/a"}), "revoked");
    EXPECT_EQ(raw_->command({"SCARD", "inmor:tmtype:https://tm.test/a"}), "0");
    EXPECT_EQ(raw_->command({"SISMEMBER", "inmor:tm:alltime", std::string(kAbcDigest)}), "1");
}

// Data written with plain commands, as the original admin writes it, is
// served unchanged.
TEST_P(RedisLayoutTest, ReadsDataWrittenByTheOriginalAdmin) {
    const std::string rp = "https://rp.example.test";
    const std::string op = "https://op.example.test";
    const std::string type = "https://tm.example.test/certified";
    for (const Command& command : std::vector<Command>{
             {"SET", "inmor:entity_id", "ta.ec.jwt"},
             {"SET", "inmor:historical_keys", "ta.hk.jwt"},
             {"HSET", "inmor:subordinates", rp, "rp.stmt.jwt"},
             {"HSET", "inmor:subordinates", op, "op.stmt.jwt"},
             {"HSET", "inmor:subordinates:jwt", rp, "rp.ec.jwt"},
             {"SADD", "inmor:rp", rp},
             {"SADD", "inmor:op", op},
             {"HSET", "inmor:tm:" + rp, type, "abc"},
             {"HSET", "inmor:tm:" + op, type, "revoked"},
             {"SADD", "inmor:tmtype:" + type, rp},
             {"SADD", "inmor:tmtypes", type},
             {"SADD", "inmor:tm:alltime", std::string(kAbcDigest)},
         }) {
        ASSERT_NE(raw_->command(command).rfind("ERR:", 0), 0u) << command.front();
    }

    EXPECT_EQ(federation_->entity_configuration()->value_or(""), "ta.ec.jwt");
    EXPECT_EQ(federation_->historical_keys()->value_or(""), "ta.hk.jwt");
    EXPECT_EQ(federation_->subordinate_statement(op)->value_or(""), "op.stmt.jwt");
    EXPECT_EQ(federation_->subordinate_configuration(rp)->value_or(""), "rp.ec.jwt");
    EXPECT_FALSE(federation_->subordinate_configuration(op)->has_value());
    EXPECT_THAT(*federation_->subordinate_ids(), UnorderedElementsAre(rp, op));
    EXPECT_EQ(*federation_->subordinate_count(), 2u);
    EXPECT_EQ(federation_->trust_mark(rp, type)->value_or(""), "abc");
    EXPECT_EQ(federation_->trust_mark(op, type)->value_or(""), keys::kRevokedMark);
    EXPECT_THAT(*federation_->trust_mark_holders(type), ElementsAre(rp));
    EXPECT_THAT(*federation_->trust_mark_types(), ElementsAre(type));
    EXPECT_TRUE(*federation_->trust_mark_ever_issued("abc"));
    EXPECT_EQ(*federation_->trust_marks_ever_issued_count(), 1u);
}

TEST_P(RedisLayoutTest, ReadsCollectionWrittenWithPlainCommands) {
    for (const Command& command : std::vector<Command>{
             {"HSET", "inmor:collection:entities", "https://a.test", R"({"entity_id":"a"})"},
             {"ZADD", "inmor:collection:all_sorted", "0", "https://b.test"},
             {"ZADD", "inmor:collection:all_sorted", "0", "https://a.test"},
             {"SADD", "inmor:collection:by_type:openid_provider", "https://a.test"},
             {"SET", "inmor:collection:trust_anchor", "https://ta.test"},
             {"SET", "inmor:collection:last_updated", "1700000000"},
         }) {
        ASSERT_NE(raw_->command(command).rfind("ERR:", 0), 0u) << command.front();
    }

    EXPECT_EQ(federation_->collection_entity("https://a.test")->value_or(""),
              R"({"entity_id":"a"})");
    EXPECT_THAT(*federation_->collection_entity_ids_after("", 10),
                ElementsAre("https://a.test", "https://b.test"));
    EXPECT_THAT(*federation_->collection_ids_of_type("openid_provider"),
                ElementsAre("https://a.test"));
    EXPECT_EQ(federation_->collection_trust_anchor()->value_or(""), "https://ta.test");
    EXPECT_EQ(federation_->collection_last_updated()->value_or(0), 1700000000);
}

TEST_P(RedisLayoutTest, WrongTypeIsServerError) {
    ASSERT_EQ(raw_->command({"SET", "inmor:subordinates", "not a hash"}), "OK");

    auto statement = federation_->subordinate_statement("https://a.test");

    ASSERT_FALSE(statement.has_value());
    EXPECT_EQ(statement.error().code(), ErrorCode::kServerError);
}

TEST_P(RedisLayoutTest, AnnouncementsArePublishedOnChangesChannel) {
    RawRedis listener(redis_url_);
    ASSERT_EQ(listener.command({"SUBSCRIBE", "inmor:changes"}), "(array)");

    ASSERT_TRUE(federation_->publish_subordinate("https://a.test", "s", "e",
                                                 EntityKind::kRelyingParty));

    std::vector<std::string> announced;
    for (int i = 0; i < 5; ++i) {
        const auto message = listener.next_array();
        ASSERT_EQ(message.size(), 3u);
        EXPECT_EQ(message[0], "message");
        EXPECT_EQ(message[1], "inmor:changes");
        announced.push_back(message[2]);
    }
    EXPECT_THAT(announced, ElementsAre("inmor:subordinates", "inmor:subordinates:jwt",
                                       "inmor:rp", "inmor:op", "inmor:taia"));
}

INSTANTIATE_TEST_SUITE_P(Redis, RedisLayoutTest, ::testing::Values(std::string("redis")),
                         engine_name);

// ---- A Redis server of the test's own, stopped and started again --------------------

namespace outage {

int free_loopback_port() {
    const int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    ::bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    ::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(socket_fd);
    return ntohs(address.sin_port);
}

// A redis-server child process on loopback, without persistence.
class OwnRedisServer {
public:
    OwnRedisServer(std::string directory, std::string password)
        : directory_(std::move(directory)), password_(std::move(password)),
          port_(free_loopback_port()) {}
    ~OwnRedisServer() { stop(); }

    int port() const { return port_; }

    /// Starts the server and waits until it accepts a login.
    bool start() {
        const std::string port = std::to_string(port_);
        const std::string log_file = directory_ + "/redis.log";
        pid_ = ::fork();
        if (pid_ == 0) {
            ::execlp("redis-server", "redis-server", "--bind", "127.0.0.1", "--port",
                     port.c_str(), "--save", "", "--appendonly", "no", "--dir",
                     directory_.c_str(), "--logfile", log_file.c_str(), "--requirepass",
                     password_.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        return eventually([&] { return answers(); }, 10s);
    }

    /// Stops the server (by its PID) and waits for it to exit.
    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    /// connected_clients from INFO, counting the connection that runs INFO.
    int connected_clients() {
        RawRedis raw("127.0.0.1", port_, 0);
        raw.command({"AUTH", password_});
        const std::string info = raw.command({"INFO", "clients"});
        const auto at = info.find("connected_clients:");
        return at == std::string::npos ? -1 : std::stoi(info.substr(at + 18));
    }

private:
    bool answers() {
        redisContext* context = redisConnectWithTimeout("127.0.0.1", port_, timeval{0, 200000});
        bool ok = false;
        if (context != nullptr && context->err == 0) {
            auto* reply = static_cast<redisReply*>(
                redisCommand(context, "AUTH %s", password_.c_str()));
            ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS;
            if (reply != nullptr) freeReplyObject(reply);
        }
        if (context != nullptr) redisFree(context);
        return ok;
    }

    std::string directory_;
    std::string password_;
    int port_;
    pid_t pid_ = -1;
};

class RedisOutageTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test_redis_url()) {
            GTEST_SKIP() << "INMOR_TEST_REDIS_URL is not set; Redis engine tests skipped";
        }
        server_.emplace(directory_.path(), "secret");
        ASSERT_TRUE(server_->start()) << "own redis-server did not start on port "
                                      << server_->port();
    }

    std::string url(const std::string& credentials = ":secret") const {
        return "redis://" + credentials + "@127.0.0.1:" + std::to_string(server_->port()) +
               "/3";
    }

    std::unique_ptr<KeyValueStore> open(RedisStoreOptions options = {}) {
        options.max_resubscribe_delay = 500ms;
        auto opened = open_redis_store(url(), options);
        EXPECT_TRUE(opened.has_value());
        return opened ? std::move(*opened) : nullptr;
    }

    TemporaryDirectory directory_;
    std::optional<OwnRedisServer> server_;
};

template <class Value>
void expect_unavailable_quickly(const std::function<Result<Value>()>& call,
                                const char* what) {
    const auto started = std::chrono::steady_clock::now();
    auto outcome = call();
    const auto elapsed = std::chrono::steady_clock::now() - started;

    ASSERT_FALSE(outcome.has_value()) << what;
    EXPECT_EQ(outcome.error().code(), ErrorCode::kTemporarilyUnavailable) << what;
    EXPECT_LT(elapsed, 1s) << what;
}

TEST_F(RedisOutageTest, StoreRecoversAfterRestart) {
    auto store = open();
    ChangeRecorder recorder;
    auto subscription = store->subscribe_changes(recorder.callback());
    ASSERT_TRUE(store->apply(WriteBatch().set("before", "1")));
    ASSERT_TRUE(recorder.wait_for("before"));

    server_->stop();

    expect_unavailable_quickly<std::optional<std::string>>([&] { return store->get("before"); },
                                                           "get");
    expect_unavailable_quickly<void>([&] { return store->apply(WriteBatch().set("k", "v")); },
                                     "apply");
    expect_unavailable_quickly<void>(
        [&] { return store->apply(WriteBatch().rename("from", "to")); }, "apply with rename");
    expect_unavailable_quickly<bool>([&] { return store->set_if_absent("lock", "v", 5s); },
                                     "set_if_absent");
    expect_unavailable_quickly<void>([&] { return store->ping(); }, "ping");
    EXPECT_TRUE(recorder.wait_for(""));

    ASSERT_TRUE(server_->start());

    auto pinged = store->ping();
    ASSERT_TRUE(pinged.has_value()) << pinged.error().detail();
    ASSERT_TRUE(store->apply(WriteBatch().set("after", "2")));
    EXPECT_EQ(store->get("after")->value_or(""), "2");
    // The subscriber subscribes again on its own and delivers new changes.
    const bool resumed = eventually([&] {
        (void)store->apply(WriteBatch().set("after-restart", "x"));
        return recorder.wait_for("after-restart", 200ms);
    }, 10s);
    EXPECT_TRUE(resumed);
}

TEST_F(RedisOutageTest, IdleConnectionsAreReplacedAfterRestart) {
    auto store = open();
    ASSERT_TRUE(store->apply(WriteBatch().set("k", "v")));

    server_->stop();
    ASSERT_TRUE(server_->start());

    // The pooled connection is dead; the call retries once on a fresh one.
    auto value = store->get("k");
    ASSERT_TRUE(value.has_value()) << value.error().detail();
    EXPECT_FALSE(value->has_value());
    auto renamed = store->apply(WriteBatch().set("a", "1"));
    ASSERT_TRUE(renamed.has_value());
    ASSERT_TRUE(store->apply(WriteBatch().rename("a", "b")));
    EXPECT_EQ(store->get("b")->value_or(""), "1");
}

TEST_F(RedisOutageTest, StoreOpensWhileRedisIsDown) {
    server_->stop();

    auto store = open();

    ASSERT_NE(store, nullptr);
    auto pinged = store->ping();
    ASSERT_FALSE(pinged.has_value());
    EXPECT_EQ(pinged.error().code(), ErrorCode::kTemporarilyUnavailable);
    ASSERT_TRUE(server_->start());
    EXPECT_TRUE(store->ping().has_value());
}

TEST_F(RedisOutageTest, WrongPasswordIsReported) {
    auto opened = open_redis_store(url(":wrong"));
    ASSERT_TRUE(opened.has_value());

    auto pinged = (*opened)->ping();

    ASSERT_FALSE(pinged.has_value());
    EXPECT_EQ(pinged.error().code(), ErrorCode::kTemporarilyUnavailable);
    EXPECT_NE(pinged.error().detail().find("login failed"), std::string::npos);
}

TEST_F(RedisOutageTest, UserAndPasswordLogIn) {
    auto opened = open_redis_store(url("default:secret"));
    ASSERT_TRUE(opened.has_value());

    auto pinged = (*opened)->ping();

    EXPECT_TRUE(pinged.has_value()) << pinged.error().detail();
}

TEST_F(RedisOutageTest, PoolStaysWithinMaxConnections) {
    RedisStoreOptions options;
    options.max_connections = 2;
    auto store = open(options);
    std::atomic<int> failures = 0;

    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 30; ++i) {
                const std::string key = "k" + std::to_string(t);
                if (!store->apply(WriteBatch().set_add(key, std::to_string(i)))) ++failures;
                if (!store->set_size(key)) ++failures;
            }
        });
    }
    for (auto& thread : threads) thread.join();

    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(*store->set_size("k7"), 30u);
    // Two pooled connections plus the one that runs INFO.
    EXPECT_LE(server_->connected_clients(), 3);
}

}  // namespace outage
}  // namespace
}  // namespace inmor::storage::testing
