// An HTTP server on 127.0.0.1 port 0 standing in for a whole federation in
// resolver tests: it serves whatever responses the test registers by path.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace inmor::resolver::testing {

class FederationServer {
public:
    struct Response {
        int status = 200;
        std::string content_type = "application/entity-statement+jwt";
        std::string body;
        /// Delay before the response is sent, to exhaust a caller's time budget.
        std::chrono::milliseconds delay{0};
    };

    /// Binds 127.0.0.1 on a free port and starts serving.
    FederationServer();
    /// Stops accepting and joins every connection thread.
    ~FederationServer();

    FederationServer(const FederationServer&) = delete;
    FederationServer& operator=(const FederationServer&) = delete;

    /// "http://127.0.0.1:PORT".
    std::string base_url() const;

    /// Serves `response` for `route`: a path, or a path followed by
    /// "?sub=" and the decoded `sub` value for fetch requests.
    void set(const std::string& route, Response response);

    /// Requests seen for `route` so far.
    int hits(const std::string& route) const;

    /// Every request target as received, percent-encoding intact.
    std::vector<std::string> targets() const;

private:
    void accept_loop();
    void serve(int socket_fd);
    Response respond(const std::string& target);

    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread acceptor_;
    mutable std::mutex mutex_;
    std::vector<std::thread> connections_;
    std::map<std::string, Response> routes_;
    std::map<std::string, int> hits_;
    std::vector<std::string> targets_;
};

}  // namespace inmor::resolver::testing
