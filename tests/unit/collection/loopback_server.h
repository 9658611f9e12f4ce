// An HTTP/1.1 server on 127.0.0.1 (a free port) that serves fixed responses
// by exact request target, with keep-alive, for walks over loopback in
// tests and benchmarks.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace inmor::collection::testing {

class LoopbackServer {
public:
    struct Response {
        int status = 200;
        std::string content_type;
        std::string body;
    };

    /// Binds 127.0.0.1 on a free port and starts accepting.
    LoopbackServer();
    /// Closes every connection and joins its thread.
    ~LoopbackServer();

    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    /// "http://127.0.0.1:PORT".
    std::string base_url() const;

    /// Serves `response` for the request target `target` (path and query as
    /// sent, percent-encoding intact). Other targets get 404.
    void set(const std::string& target, Response response);
    void remove(const std::string& target);

    /// Requests served so far.
    std::size_t requests() const { return requests_.load(); }
    /// Most requests that were being answered at the same time.
    std::size_t max_concurrent_requests() const { return max_concurrent_.load(); }

private:
    void accept_loop();
    void serve(const std::shared_ptr<boost::asio::ip::tcp::socket>& socket);
    Response respond(const std::string& target) const;

    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread acceptor_thread_;

    std::mutex connections_mutex_;
    std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;
    std::vector<std::thread> threads_;

    mutable std::shared_mutex routes_mutex_;
    std::unordered_map<std::string, Response> routes_;

    std::atomic<std::size_t> requests_{0};
    std::atomic<std::size_t> in_flight_{0};
    std::atomic<std::size_t> max_concurrent_{0};
};

}  // namespace inmor::collection::testing
