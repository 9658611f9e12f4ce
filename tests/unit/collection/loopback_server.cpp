// A blocking Beast server: one thread accepts, one thread per connection
// reads requests and writes the registered responses.
#include "loopback_server.h"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>

namespace inmor::collection::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

LoopbackServer::LoopbackServer() : acceptor_(io_) {
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
    acceptor_thread_ = std::thread([this] { accept_loop(); });
}

LoopbackServer::~LoopbackServer() {
    stopping_ = true;

    // A connection of our own wakes the blocking accept.
    {
        boost::system::error_code ignored;
        tcp::socket wake(io_);
        wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
    }
    acceptor_thread_.join();

    // Shutting a socket down ends the read its thread blocks in.
    std::lock_guard lock(connections_mutex_);
    for (const auto& socket : sockets_) ::shutdown(socket->native_handle(), SHUT_RDWR);
    for (auto& thread : threads_) thread.join();
}

std::string LoopbackServer::base_url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

void LoopbackServer::set(const std::string& target, Response response) {
    std::unique_lock lock(routes_mutex_);
    routes_[target] = std::move(response);
}

void LoopbackServer::remove(const std::string& target) {
    std::unique_lock lock(routes_mutex_);
    routes_.erase(target);
}

void LoopbackServer::accept_loop() {
    while (!stopping_) {
        auto socket = std::make_shared<tcp::socket>(io_);
        boost::system::error_code error;
        acceptor_.accept(*socket, error);
        if (stopping_) return;
        if (error) continue;

        std::lock_guard lock(connections_mutex_);
        sockets_.push_back(socket);
        threads_.emplace_back([this, socket] { serve(socket); });
    }
}

void LoopbackServer::serve(const std::shared_ptr<tcp::socket>& socket) {
    boost::beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> request;
        boost::system::error_code error;
        http::read(*socket, buffer, request, error);
        if (error) return;

        const std::size_t now_in_flight = ++in_flight_;
        std::size_t seen = max_concurrent_.load();
        while (now_in_flight > seen &&
               !max_concurrent_.compare_exchange_weak(seen, now_in_flight)) {
        }
        ++requests_;

        const Response found = respond(std::string(request.target()));
        http::response<http::string_body> reply{static_cast<http::status>(found.status),
                                                request.version()};
        if (!found.content_type.empty()) reply.set(http::field::content_type, found.content_type);
        reply.body() = found.body;
        reply.keep_alive(request.keep_alive());
        reply.prepare_payload();
        http::write(*socket, reply, error);
        --in_flight_;
        if (error || !request.keep_alive()) return;
    }
}

LoopbackServer::Response LoopbackServer::respond(const std::string& target) const {
    std::shared_lock lock(routes_mutex_);
    const auto found = routes_.find(target);
    if (found == routes_.end()) {
        return Response{404, "application/json", R"({"error":"not_found"})"};
    }
    return found->second;
}

}  // namespace inmor::collection::testing
