// The loopback federation server of the resolver tests, on Boost.Beast.
#include "federation_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace inmor::resolver::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

FederationServer::FederationServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) {
        throw std::runtime_error("socket failed");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listen_fd_, 64) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error("bind or listen on 127.0.0.1 failed");
    }
    socklen_t length = sizeof(address);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

FederationServer::~FederationServer() {
    // shutdown() wakes the blocked accept(), and the loop then reads stopping_.
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);

    std::vector<std::thread> connections;
    {
        std::lock_guard lock(mutex_);
        connections.swap(connections_);
    }
    for (std::thread& connection : connections) {
        connection.join();
    }
}

std::string FederationServer::base_url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

void FederationServer::set(const std::string& route, Response response) {
    std::lock_guard lock(mutex_);
    routes_[route] = std::move(response);
}

int FederationServer::hits(const std::string& route) const {
    std::lock_guard lock(mutex_);
    const auto found = hits_.find(route);
    return found == hits_.end() ? 0 : found->second;
}

std::vector<std::string> FederationServer::targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
}

void FederationServer::accept_loop() {
    while (!stopping_) {
        const int socket_fd = ::accept(listen_fd_, nullptr, nullptr);
        if (socket_fd < 0) {
            continue;
        }
        if (stopping_) {
            ::close(socket_fd);
            break;
        }
        std::lock_guard lock(mutex_);
        connections_.emplace_back([this, socket_fd] { serve(socket_fd); });
    }
}

// Serves one request per connection and closes it (Connection: close).
void FederationServer::serve(int socket_fd) {
    asio::io_context context;
    asio::ip::tcp::socket socket(context);
    beast::error_code error;
    socket.assign(asio::ip::tcp::v4(), socket_fd, error);
    if (error) {
        ::close(socket_fd);
        return;
    }

    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(socket, buffer, request, error);
    if (error) {
        return;
    }

    const Response response = respond(std::string(request.target()));
    if (response.delay.count() > 0) {
        std::this_thread::sleep_for(response.delay);
    }
    http::response<http::string_body> reply{static_cast<http::status>(response.status),
                                            request.version()};
    reply.set(http::field::content_type, response.content_type);
    reply.keep_alive(false);
    reply.body() = response.body;
    reply.prepare_payload();
    http::write(socket, reply, error);
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, error);
}

FederationServer::Response FederationServer::respond(const std::string& target) {
    std::string route = target;
    auto parsed = boost::urls::parse_origin_form(target);
    if (parsed) {
        route = std::string(parsed->path());
        auto sub = parsed->params().find("sub");
        if (sub != parsed->params().end()) {
            route += "?sub=" + (*sub).value;
        }
    }

    std::lock_guard lock(mutex_);
    targets_.push_back(target);
    ++hits_[route];
    const auto found = routes_.find(route);
    if (found == routes_.end()) {
        return Response{404, "application/json", R"({"error":"not_found"})", {}};
    }
    return found->second;
}

}  // namespace inmor::resolver::testing
