// HttpServer: HTTP/1.1 listeners on Boost.Beast, plain or TLS, with
// keep-alive, request limits, timeouts against slow clients and a graceful
// stop that lets in-flight requests finish.
#pragma once

#include "common/error.h"
#include "http/client_address.h"
#include "http/message.h"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace inmor::http {

/// Limits and timeouts of one listener.
struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::size_t max_header_bytes = 16384;
    std::size_t max_body_bytes = 65536;
    /// Time a client has to send a request once it started, and to read the
    /// response; also bounds the TLS handshake.
    std::chrono::seconds client_timeout{10};
    /// Time a keep-alive connection may wait for its next request.
    std::chrono::seconds idle_timeout{30};
    /// Whose X-Forwarded-For is believed.
    TrustedProxies trusted_proxies;
    /// Log one line per request on the `http` logger.
    bool access_log = true;
    /// Copy every request header into Request::headers. Off by default: the
    /// federation endpoints read no header beyond the few the server parses.
    bool keep_headers = false;
    /// The io_context runs on one thread only, so connections need no strand
    /// to keep their handlers apart. Set it only when that holds.
    bool single_thread = false;
};

using RequestHandler = std::function<Response(const Request&)>;

/// Builds a TLS server context from PEM files (certificate chain, and a
/// PKCS#8, PKCS#1 or SEC1 private key). Errors name the file.
Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const std::string& cert_file,
                                                                    const std::string& key_file);

class HttpServer {
public:
    /// Binds and listens at once (so a busy port fails here, with the
    /// address in the message); serving starts with the io_context.
    static Result<std::unique_ptr<HttpServer>> start(boost::asio::io_context& io,
                                                     ServerOptions options,
                                                     RequestHandler handler,
                                                     std::shared_ptr<boost::asio::ssl::context> tls);
    ~HttpServer();

    /// The bound port (useful with port 0).
    std::uint16_t port() const;

    /// Swaps the TLS context used for new connections (SIGHUP reload).
    void set_tls_context(std::shared_ptr<boost::asio::ssl::context> tls);

    /// Stops accepting, closes idle connections and lets busy ones finish
    /// their current response, then close.
    void stop_accepting();

    /// Connections still open.
    std::size_t open_connections() const;

    class Impl;

private:
    explicit HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<Impl> impl_;
};

}  // namespace inmor::http
