// Tests FederationHealthProbe against real loopback servers. A server that
// accepts and never responds must block one probe at a time, not every
// caller, and a long error detail must be truncated in the error text.
#include "admin/federation_health.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace inmor::admin {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

/// A TCP server on 127.0.0.1 that accepts every connection and either keeps
/// it open without sending a byte (empty reply) or sends `reply` and closes it.
class LoopbackServer {
public:
    explicit LoopbackServer(std::string reply = {}) : reply_(std::move(reply)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof(address);
        if (listener_ < 0 ||
            ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
            ::listen(listener_, 64) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("loopback server: listen failed");
        }
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }

    ~LoopbackServer() {
        stopping_ = true;
        ::shutdown(listener_, SHUT_RDWR);
        ::close(listener_);
        thread_.join();
        std::lock_guard guard(mutex_);
        for (int client : held_) ::close(client);
    }

    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int accepted() const { return accepted_; }

private:
    void serve() {
        while (!stopping_) {
            const int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) return;
            ++accepted_;
            if (reply_.empty()) {
                std::lock_guard guard(mutex_);
                held_.push_back(client);
                continue;
            }
            char request[4096];
            (void)::recv(client, request, sizeof(request), 0);
            (void)::send(client, reply_.data(), reply_.size(), MSG_NOSIGNAL);
            ::close(client);
        }
    }

    std::string reply_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> accepted_{0};
    std::mutex mutex_;
    std::vector<int> held_;
    std::thread thread_;
};

Config config_for(const std::string& url) {
    Config config;
    config.admin.federation_server_url = url;
    return config;
}

TEST(FederationHealthProbe, HangingServerBlocksOneCaller) {
    LoopbackServer server;
    FederationHealthProbe probe(config_for(server.url()));
    ASSERT_FALSE(probe.check().reachable);  // The first probe waits one full timeout.

    // Eight callers at once: one probes again, the others get the previous
    // outcome at once instead of each waiting for the timeout.
    std::vector<std::future<milliseconds>> callers;
    for (int i = 0; i < 8; ++i) {
        callers.push_back(std::async(std::launch::async, [&probe] {
            const SteadyClock::time_point start = SteadyClock::now();
            const FederationHealth health = probe.check();
            EXPECT_TRUE(health.configured);
            EXPECT_FALSE(health.reachable);
            EXPECT_NE(health.error.find("/health"), std::string::npos) << health.error;
            return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
        }));
    }
    int quick = 0;
    for (auto& caller : callers) {
        if (caller.get() < FederationHealthProbe::kRequestTimeout / 2) ++quick;
    }

    EXPECT_GE(quick, 7);
    EXPECT_LE(server.accepted(), 3) << "each caller opened a connection of its own";
}

TEST(FederationHealthProbe, LongErrorDetailIsTruncated) {
    const std::string body = "{\"status\":\"error\",\"detail\":\"" + std::string(100000, 'D') +
                             "\"}";
    LoopbackServer server("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json"
                          "\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    FederationHealthProbe probe(config_for(server.url() + "/"));

    const FederationHealth health = probe.check();

    EXPECT_TRUE(health.reachable);
    EXPECT_FALSE(health.healthy);
    EXPECT_EQ(health.http_status, 503);
    EXPECT_NE(health.error.find("HTTP status 503: DDDD"), std::string::npos) << health.error;
    EXPECT_LT(health.error.size(), 3000u);
}

}  // namespace
}  // namespace inmor::admin
