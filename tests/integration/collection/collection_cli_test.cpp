// Black-box test of inmor-collection: the real binary walks a federation
// served on loopback into the federation store, and the real `inmor` serves
// the result at GET /collection, for the embedded store and for Redis.
#include "common/json.h"
#include "fetch/http_fetcher.h"
#include "test_federation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace inmor::collection::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// The Redis database this test owns.
constexpr int kRedisDatabase = 15;

/// Returns the path of a binary under test: the environment variable
/// `name` when set, else the path compiled in by the build.
std::string binary_path(const char* name, const char* built) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : built;
}

std::string inmor_binary() { return binary_path("INMOR_BIN", INMOR_BIN_PATH); }

std::string collection_binary() {
    return binary_path("INMOR_COLLECTION_BIN", INMOR_COLLECTION_BIN_PATH);
}

std::optional<std::string> test_redis_url() {
    const char* configured = std::getenv("INMOR_TEST_REDIS_URL");
    if (configured == nullptr || *configured == '\0') return std::nullopt;
    std::string url(configured);
    const auto authority = url.find("://");
    const auto path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
    if (path != std::string::npos) url.erase(path);
    return url + "/" + std::to_string(kRedisDatabase);
}

int free_port() {
    const int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    socklen_t length = sizeof(address);
    ::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(socket_fd);
    return ntohs(address.sin_port);
}

bool port_open(int port) {
    const int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool open =
        ::connect(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    ::close(socket_fd);
    return open;
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

/// A finished command: its exit code and everything it wrote.
struct CommandResult {
    int exit_code = -1;
    std::string output;
};

/// Runs `arguments` with stdout and stderr captured in `log`.
CommandResult run_command(const std::vector<std::string>& arguments, const fs::path& log) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(out, STDERR_FILENO);
        std::vector<char*> argv;
        for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::ifstream in(log);
    std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class CollectionCliTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "redis") {
            redis_uri_ = test_redis_url();
            if (!redis_uri_) GTEST_SKIP() << "INMOR_TEST_REDIS_URL is not set; Redis test skipped";
        }
        directory_ = fs::temp_directory_path() /
                     ("inmor-collection-cli-" + std::to_string(::getpid()) + "-" + GetParam());
        fs::remove_all(directory_);
        fs::create_directories(directory_ / "publickeys");
        write_keys();
        port_ = free_port();
        write_config("");
        build_federation();
        start_server();
    }

    void TearDown() override {
        if (server_pid_ > 0) {
            ::kill(server_pid_, SIGTERM);
            int status = 0;
            ::waitpid(server_pid_, &status, 0);
        }
        if (!HasFailure()) fs::remove_all(directory_);
    }

    void write_keys() {
        auto key = jose::Jwk::generate("ES256");
        ASSERT_TRUE(key);
        write_file(directory_ / "private.json", to_json(key->to_json()));
        fs::permissions(directory_ / "private.json",
                        fs::perms::owner_read | fs::perms::owner_write);
        write_file(directory_ / "publickeys" / (key->kid() + ".json"),
                   to_json(key->public_json()));
    }

    void write_config(const std::string& extra) {
        std::string text = "domain = \"https://ta.test\"\n"
                           "listen = \"127.0.0.1:" + std::to_string(port_) + "\"\n"
                           "metrics_listen = \"\"\n"
                           "allow_http = true\n"
                           "cache_ttl = 1\n"
                           "log_level = \"warn\"\n";
        if (redis_uri_) text += "redis_uri = \"" + *redis_uri_ + "\"\n";
        text += "[fetch]\nretries = 0\n";
        text += extra;
        write_file(config_path(), text);
    }

    fs::path config_path() const { return directory_ / "taconfig.toml"; }

    /// Anchor "ta" -> intermediate "ia" -> "op", "rp"; "ta" -> "leaf".
    void build_federation() {
        federation_.add("ta", true);
        federation_.add("ia", true);
        federation_.add("op");
        federation_.add("rp");
        federation_.add("leaf");
        federation_.link("ta", "ia");
        federation_.link("ia", "op");
        federation_.link("ia", "rp");
        federation_.link("ta", "leaf");
        federation_.entity("op").metadata["openid_provider"] =
            json::object{{"display_name", "Loopback Provider"}};
        federation_.entity("rp").metadata["openid_relying_party"] =
            json::object{{"client_name", "Loopback Client"}};
        federation_.publish();
    }

    void start_server() {
        const std::string binary = inmor_binary();
        const std::string config = config_path().string();
        const std::string log = (directory_ / "server.log").string();
        server_pid_ = ::fork();
        if (server_pid_ == 0) {
            const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(out, STDOUT_FILENO);
            ::dup2(out, STDERR_FILENO);
            ::execl(binary.c_str(), binary.c_str(), "-c", config.c_str(), nullptr);
            ::_exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!port_open(port_)) {
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "inmor did not start";
            int status = 0;
            ASSERT_EQ(::waitpid(server_pid_, &status, WNOHANG), 0) << "inmor exited early";
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

    CommandResult walk(const std::vector<std::string>& extra_arguments = {}) {
        std::vector<std::string> arguments{collection_binary(), "-c",
                                           config_path().string()};
        arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
        return run_command(arguments, directory_ / "walk.log");
    }

    CommandResult walk_anchor() { return walk({federation_.id("ta")}); }

    /// The entity ids GET /collection returns.
    std::vector<std::string> served_ids() {
        auto response = fetcher_.get("http://127.0.0.1:" + std::to_string(port_) + "/collection",
                                     "application/json", true);
        EXPECT_TRUE(response) << (response ? "" : response.error().message);
        if (!response) return {};
        auto body = parse_json_object(response->body, "collection response");
        EXPECT_TRUE(body) << response->body;
        std::vector<std::string> ids;
        if (!body) return ids;
        for (const auto& entity : body->at("entities").as_array()) {
            ids.emplace_back(entity.at("entity_id").as_string());
        }
        return ids;
    }

    /// served_ids() once it equals `expected`, or after 5 s. The server learns
    /// of a swap from the store's change announcement (polled on the embedded
    /// engine), so a read right after the walk may still see the old data.
    std::vector<std::string> served_ids_once(const std::vector<std::string>& expected) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        auto ids = served_ids();
        while (ids != expected && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            ids = served_ids();
        }
        return ids;
    }

    std::vector<std::string> tree_ids() {
        return {federation_.id("ia"), federation_.id("leaf"), federation_.id("op"),
                federation_.id("rp")};
    }

    std::optional<std::string> redis_uri_;
    fs::path directory_;
    int port_ = 0;
    pid_t server_pid_ = -1;
    LoopbackServer server_;
    TestFederation federation_{server_, SystemClock{}.now()};
    fetch::HttpFetcher fetcher_{[] {
        fetch::FetchConfig config;
        config.allow_http = true;
        config.retries = 0;
        return config;
    }()};
};

TEST_P(CollectionCliTest, WalkIsServed) {
    const auto result = walk_anchor();

    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("entities: 4 (intermediates: 1)"));
    EXPECT_THAT(result.output, HasSubstr("openid_provider: 1"));
    EXPECT_THAT(result.output, HasSubstr("errors: 0"));
    EXPECT_THAT(result.output, HasSubstr("entities collected"));  // progress, not a terminal
    EXPECT_EQ(served_ids_once(tree_ids()), tree_ids());
}

TEST_P(CollectionCliTest, FailedWalkKeepsServedData) {
    ASSERT_EQ(walk_anchor().exit_code, 0);
    ASSERT_EQ(served_ids_once(tree_ids()), tree_ids());

    server_.set(federation_.configuration_target("ta"), {503, "text/plain", "down"});
    const auto failed = walk_anchor();

    EXPECT_EQ(failed.exit_code, 1) << failed.output;
    EXPECT_THAT(failed.output, HasSubstr("walk failed"));
    // Past cache_ttl, so the server reads the store again.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(served_ids(), tree_ids());
}

TEST_P(CollectionCliTest, BrokenIntermediateCounted) {
    server_.set(federation_.list_target("ia"), {500, "application/json", "{}"});

    const auto result = walk_anchor();

    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("errors: 1"));
    const std::vector<std::string> expected{federation_.id("ia"), federation_.id("leaf")};
    EXPECT_EQ(served_ids_once(expected), expected);
}

TEST_P(CollectionCliTest, NewWalkReplacesServedData) {
    ASSERT_EQ(walk_anchor().exit_code, 0);
    ASSERT_EQ(served_ids_once(tree_ids()), tree_ids());

    server_.set(federation_.list_target("ia"),
                {200, "application/json", "[\"" + federation_.id("op") + "\"]"});
    const auto second = walk_anchor();
    ASSERT_EQ(second.exit_code, 0) << second.output;
    EXPECT_THAT(second.output, HasSubstr("entities: 3"));

    // The swap is announced, so the server drops its cached collection.
    const std::vector<std::string> expected{federation_.id("ia"), federation_.id("leaf"),
                                            federation_.id("op")};
    EXPECT_EQ(served_ids_once(expected), expected);
}

TEST_P(CollectionCliTest, PinnedKeysChecked) {
    write_file(directory_ / "ta-jwks.json",
               to_json(federation_.entity("ia").jwks.public_json()));
    write_config("[[resolve.trust_anchors]]\nentity_id = \"" + federation_.id("ta") +
                 "\"\njwks_file = \"ta-jwks.json\"\n");

    const auto wrong = walk_anchor();
    EXPECT_EQ(wrong.exit_code, 1) << wrong.output;

    write_file(directory_ / "ta-jwks.json",
               to_json(federation_.entity("ta").jwks.public_json()));
    const auto right = walk_anchor();
    EXPECT_EQ(right.exit_code, 0) << right.output;
}

TEST_P(CollectionCliTest, UsageErrorsExitTwo) {
    EXPECT_EQ(walk().exit_code, 2);
    EXPECT_EQ(walk({"not-a-url"}).exit_code, 2);
    EXPECT_EQ(walk({federation_.id("ta"), "--parallel", "0"}).exit_code, 2);

    const auto missing_config = run_command(
        {collection_binary(), "-c", (directory_ / "absent.toml").string(),
         federation_.id("ta")},
        directory_ / "walk.log");
    EXPECT_EQ(missing_config.exit_code, 2) << missing_config.output;
}

INSTANTIATE_TEST_SUITE_P(Engines, CollectionCliTest, ::testing::Values("sqlite", "redis"),
                         [](const ::testing::TestParamInfo<std::string>& engine) {
                             return engine.param;
                         });

}  // namespace
}  // namespace inmor::collection::testing
