// Beast listener and connections: one session per connection, reads bounded
// by size and time, every failure ending in a response or a closed socket.
#include "http/server.h"

#include "common/logging.h"
#include "http/error_response.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <ctime>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace inmor::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

/// Pause before accepting again after a failed accept.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

/// Returns the Date header value, formatted once a second per thread.
const std::string& http_date() {
    thread_local std::time_t formatted_at = 0;
    thread_local std::string value;
    const std::time_t now = std::time(nullptr);
    if (now != formatted_at) {
        char buffer[64];
        std::tm parts{};
        gmtime_r(&now, &parts);
        const std::size_t length =
            std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &parts);
        value.assign(buffer, length);
        formatted_at = now;
    }
    return value;
}

bool is_parse_error(const beast::error_code& error) {
    return error.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
           error != bhttp::error::end_of_stream && error != bhttp::error::partial_message;
}

}  // namespace

/// Interface through which the server reaches every open connection.
class SessionBase {
public:
    virtual ~SessionBase() = default;
    /// Closes the connection if it waits for a request (graceful stop).
    virtual void close_if_idle() = 0;
};

class HttpServer::Impl : public std::enable_shared_from_this<HttpServer::Impl> {
public:
    Impl(net::io_context& io, ServerOptions options, RequestHandler handler,
         std::shared_ptr<ssl::context> tls)
        : io_(io),
          options_(std::move(options)),
          handler_(std::move(handler)),
          tls_(std::move(tls)),
          acceptor_(net::make_strand(io)),
          accept_retry_(acceptor_.get_executor()),
          log_(logger("http")) {}

    Result<void> listen();
    void accept_next();
    void on_accept(const beast::error_code& error, tcp::socket socket);
    void stop_accepting();

    void add_session(std::uint64_t id, std::weak_ptr<SessionBase> session) {
        std::lock_guard lock(sessions_mutex_);
        sessions_[id] = std::move(session);
    }
    void remove_session(std::uint64_t id) {
        std::lock_guard lock(sessions_mutex_);
        sessions_.erase(id);
    }
    std::size_t session_count() const {
        std::lock_guard lock(sessions_mutex_);
        return sessions_.size();
    }

    std::shared_ptr<ssl::context> tls_context() const {
        std::lock_guard lock(tls_mutex_);
        return tls_;
    }
    void set_tls_context(std::shared_ptr<ssl::context> tls) {
        std::lock_guard lock(tls_mutex_);
        tls_ = std::move(tls);
    }

    net::io_context& io_;
    const ServerOptions options_;
    const RequestHandler handler_;
    mutable std::mutex tls_mutex_;
    std::shared_ptr<ssl::context> tls_;
    tcp::acceptor acceptor_;
    /// Delays the next accept after a failed one (runs on the acceptor's strand).
    net::steady_timer accept_retry_;
    std::atomic<bool> draining_{false};
    std::atomic<std::uint64_t> next_connection_id_{1};
    std::atomic<std::uint64_t> next_request_id_{1};
    mutable std::mutex sessions_mutex_;
    std::unordered_map<std::uint64_t, std::weak_ptr<SessionBase>> sessions_;
    std::shared_ptr<spdlog::logger> log_;
};

namespace {

using ServerImpl = HttpServer::Impl;

/// One connection. `Stream` is beast::tcp_stream or an ssl_stream over it.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
public:
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
    static constexpr std::size_t kReadBufferBytes = 4096;
    static constexpr std::chrono::seconds kLingerTime{2};

    Session(std::shared_ptr<ServerImpl> server, std::uint64_t id, Stream stream,
            net::ip::address peer)
        : server_(std::move(server)),
          id_(id),
          stream_(std::move(stream)),
          watchdog_(stream_.get_executor()),
          peer_(peer) {}

    ~Session() override { server_->remove_session(id_); }

    void start() {
        // Beast reads at most the free capacity, or 512 bytes when less is
        // free. With 4 KiB a typical request arrives in one read.
        buffer_.reserve(kReadBufferBytes);
        peer_text_ = server_->options_.trusted_proxies.client_address(peer_, "");
        if constexpr (kTls) {
            set_deadline(SteadyClock::now() + server_->options_.client_timeout);
            stream_.async_handshake(ssl::stream_base::server,
                                    [self = this->shared_from_this()](beast::error_code error) {
                                        if (error) return self->close();
                                        self->read_request(true);
                                    });
        } else {
            read_request(true);
        }
    }

    void close_if_idle() override {
        net::post(stream_.get_executor(), [self = this->shared_from_this()] {
            // Cancelling aborts a read still waiting for bytes; a read that
            // already completed is delivered as usual and its request answered.
            beast::error_code ignored;
            if (self->idle_) self->lowest().socket().cancel(ignored);
        });
    }

private:
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    /// Sets the time by which the current step (handshake, request, response,
    /// idle wait) must end, else the connection closes. Only a deadline
    /// earlier than the watchdog's expiry re-arms it. A later one is picked
    /// up when the watchdog fires. So a busy keep-alive connection costs no
    /// timer operation per request, where Beast's stream timeouts start and
    /// cancel a timer wait for every read and write.
    void set_deadline(SteadyClock::time_point deadline) {
        deadline_ = deadline;
        if (!watchdog_armed_ || deadline < watchdog_expiry_) arm_watchdog(deadline);
    }

    void arm_watchdog(SteadyClock::time_point expiry) {
        watchdog_armed_ = true;
        watchdog_expiry_ = expiry;
        // Cancels a pending wait. The wait holds no reference, so an ended
        // connection is released at once instead of when its watchdog fires.
        watchdog_.expires_at(expiry);
        watchdog_.async_wait([weak = this->weak_from_this()](const beast::error_code& error) {
            if (error == net::error::operation_aborted) return;
            if (auto self = weak.lock()) self->on_watchdog();
        });
    }

    void on_watchdog() {
        watchdog_armed_ = false;
        if (SteadyClock::now() < deadline_) return arm_watchdog(deadline_);
        // As with Beast's timeouts, the socket closes, so the pending
        // operation fails and its handler closes the connection.
        timed_out_ = true;
        beast::error_code ignored;
        lowest().socket().close(ignored);
    }

    /// Waits for the next request header: a fresh connection gets the
    /// client timeout, a kept-alive one the idle timeout.
    void read_request(bool first) {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_->options_.max_header_bytes));
        parser_->body_limit(server_->options_.max_body_bytes);
        idle_ = true;
        set_deadline(SteadyClock::now() + (first ? server_->options_.client_timeout
                                                 : server_->options_.idle_timeout));
        bhttp::async_read_header(
            stream_, buffer_, *parser_,
            [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                self->on_header(error);
            });
    }

    void on_header(const beast::error_code& error) {
        idle_ = false;
        started_ = SteadyClock::now();
        if (error == net::error::operation_aborted && server_->draining_.load() && !timed_out_) {
            // Stopping: a request that reached the socket meanwhile is still read.
            beast::error_code ignored;
            if (buffer_.size() > 0 || lowest().socket().available(ignored) > 0) {
                return read_request(true);
            }
            return close();
        }
        if (error) return on_read_error(error);

        // The body, if any, must arrive within the client timeout.
        set_deadline(started_ + server_->options_.client_timeout);
        const auto& header = parser_->get();
        const auto expect = header[bhttp::field::expect];
        if (beast::iequals(expect, "100-continue") && !parser_->is_done()) {
            auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(
                bhttp::status::continue_, 11);
            bhttp::async_write(stream_, *interim,
                               [self = this->shared_from_this(), interim](
                                   beast::error_code write_error, std::size_t) {
                                   if (write_error) return self->close();
                                   self->read_body();
                               });
            return;
        }
        read_body();
    }

    void read_body() {
        // Most requests have no body: answer at once instead of another read.
        if (parser_->is_done()) return on_request();
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                              if (error) return self->on_read_error(error);
                              self->on_request();
                          });
    }

    /// Sends an error response where HTTP allows one (oversized or malformed requests), then
    /// closes. Timeouts and disconnects only close.
    void on_read_error(const beast::error_code& error) {
        if (error == bhttp::error::header_limit) {
            return respond(error_response(431, "invalid_request", "request header too large"),
                           false, "-", "-");
        }
        if (error == bhttp::error::body_limit) {
            return respond(error_response(413, "invalid_request", "request body too large"),
                           false, "-", "-");
        }
        if (is_parse_error(error)) {
            return respond(error_response(400, "invalid_request", "malformed HTTP request"),
                           false, "-", "-");
        }
        close();
    }

    void on_request() {
        Response response;
        bool keep_alive = false;
        std::string method = "-";
        std::string path = "-";
        try {
            auto& message = parser_->get();
            keep_alive = message.keep_alive();
            Request request = make_request(message);
            method = request.method;
            path = request.path;
            response = server_->handler_(request);
            if (request.method == "HEAD") head_only_ = true;
        } catch (const std::exception& error) {
            server_->log_->error("request failed connection_id={} error={}", id_, error.what());
            response = error_response(Error::server_error("internal error"));
        }
        respond(std::move(response), keep_alive, std::move(method), std::move(path));
    }

    Request make_request(bhttp::request<bhttp::string_body>& message) {
        Request request;
        request.method = std::string(message.method_string());
        request_version_ = message.version();
        const std::string_view target = message.target();
        const std::size_t question = target.find('?');
        request.path = std::string(target.substr(0, question));
        if (question != std::string_view::npos) {
            request.query = std::string(target.substr(question + 1));
        }
        request.content_type = std::string(message[bhttp::field::content_type]);
        request.body = std::move(message.body());
        // Without trusted proxies the answer is the peer, formatted once per connection.
        const TrustedProxies& proxies = server_->options_.trusted_proxies;
        request.client_address = proxies.empty()
                                     ? peer_text_
                                     : proxies.client_address(peer_, message["X-Forwarded-For"]);
        request.no_cache = message[bhttp::field::cache_control].find("no-cache") !=
                           std::string_view::npos;
        request.tls = kTls;
        request.from_trusted_proxy = !proxies.empty() && proxies.contains(peer_);
        if (server_->options_.keep_headers) {
            request.headers.reserve(16);
            for (const auto& field : message) {
                request.headers.emplace_back(std::string(field.name_string()),
                                             std::string(field.value()));
            }
        }
        request.connection_id = id_;
        request.request_id = server_->next_request_id_.fetch_add(1);
        request_id_ = request.request_id;
        return request;
    }

    void respond(Response response, bool keep_alive, std::string method, std::string path) {
        keep_alive = keep_alive && !server_->draining_.load();
        status_ = response.status;
        method_ = std::move(method);
        path_ = std::move(path);
        body_bytes_ = response.body.size();

        // The head is written by hand into one buffer with the body: every
        // header value here is our own, and one contiguous write is the
        // cheapest path for the small bodies served.
        std::string& out = write_buffer_;
        out.clear();
        out.reserve(256 + response.body.size());
        out += "HTTP/1.1 ";
        out += std::to_string(response.status);
        out += ' ';
        out += bhttp::obsolete_reason(static_cast<bhttp::status>(response.status));
        out += "\r\nServer: inmor\r\nDate: ";
        out += http_date();
        out += "\r\n";
        if (!response.content_type.empty()) {
            out += "Content-Type: ";
            out += response.content_type;
            out += "\r\n";
        }
        for (const auto& [name, value] : response.headers) {
            out += name;
            out += ": ";
            out += value;
            out += "\r\n";
        }
        out += "Content-Length: ";
        out += std::to_string(body_bytes_);
        if (!keep_alive) {
            out += "\r\nConnection: close";
        } else if (request_version_ == 10) {
            out += "\r\nConnection: keep-alive";
        }
        out += "\r\n\r\n";
        if (!head_only_) out += response.body;
        head_only_ = false;

        set_deadline(SteadyClock::now() + server_->options_.client_timeout);
        // Posted, so requests already read on other connections are handled
        // first and the responses leave in a burst. A local client (a proxy, a
        // load generator) then wakes once per burst, not once per response. In
        // a VM each wake-up cost more CPU than the send (bench/results/server.md).
        net::post(stream_.get_executor(), [self = this->shared_from_this(), keep_alive] {
            net::async_write(self->stream_, net::buffer(self->write_buffer_),
                             [self, keep_alive](beast::error_code error, std::size_t) {
                                 self->on_write(error, keep_alive);
                             });
        });
    }

    void on_write(const beast::error_code& error, bool keep_alive) {
        if (server_->options_.access_log && server_->log_->should_log(spdlog::level::info)) {
            const double elapsed_ms =
                std::chrono::duration<double, std::milli>(SteadyClock::now() - started_).count();
            server_->log_->info(
                "request method={} path={} status={} bytes={} duration_ms={:.3f} "
                "request_id={} connection_id={} client={}",
                method_, path_, status_, body_bytes_, elapsed_ms, request_id_, id_, peer_text_);
        }
        if (error || !keep_alive) return close();
        // A stop that began while this response was written found no idle
        // connection to cancel: end it here unless a request already waits.
        if (server_->draining_.load()) {
            beast::error_code ignored;
            if (buffer_.size() == 0 && lowest().socket().available(ignored) == 0) return close();
        }
        read_request(false);
    }

    void close() {
        if constexpr (kTls) {
            set_deadline(SteadyClock::now() + std::chrono::seconds(2));
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
                self->close_socket();
            });
        } else {
            close_socket();
        }
    }

    /// Closes the TCP connection. Linux resets a connection closed with input
    /// unread, and the reset drops responses the client has not read yet, so
    /// such input is first read and dropped until the client closes, for at
    /// most kLingerTime.
    void close_socket() {
        beast::error_code ignored;
        auto& socket = lowest().socket();
        socket.shutdown(tcp::socket::shutdown_send, ignored);
        if (socket.available(ignored) > 0) {
            set_deadline(SteadyClock::now() + kLingerTime);
            return discard_input();
        }
        socket.close(ignored);
    }

    void discard_input() {
        lowest().socket().async_read_some(
            buffer_.prepare(kReadBufferBytes),
            [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                if (!error) return self->discard_input();
                beast::error_code ignored;
                self->lowest().socket().close(ignored);
            });
    }

    std::shared_ptr<ServerImpl> server_;
    std::uint64_t id_;
    Stream stream_;
    net::steady_timer watchdog_;
    SteadyClock::time_point deadline_{};
    SteadyClock::time_point watchdog_expiry_{};
    bool watchdog_armed_ = false;
    bool timed_out_ = false;
    net::ip::address peer_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    bool idle_ = true;
    bool head_only_ = false;
    SteadyClock::time_point started_{};
    unsigned status_ = 0;
    std::size_t body_bytes_ = 0;
    std::string method_ = "-";
    std::string path_ = "-";
    std::uint64_t request_id_ = 0;
    unsigned request_version_ = 11;
    std::string write_buffer_;
    std::string peer_text_;
};

}  // namespace

Result<void> ServerImpl::listen() {
    const std::string where = options_.host + ":" + std::to_string(options_.port);
    beast::error_code error;
    const auto address = net::ip::make_address(options_.host, error);
    if (error) return Error::invalid_request("listen address is not an IP address: " + where);

    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), error);
    if (!error) acceptor_.set_option(net::socket_base::reuse_address(true), error);
    if (!error) acceptor_.bind(endpoint, error);
    if (!error) acceptor_.listen(net::socket_base::max_listen_connections, error);
    if (error) {
        return Error::server_error("cannot listen on " + where + ": " + error.message());
    }
    return {};
}

void ServerImpl::accept_next() {
    // On one thread a connection's handlers cannot overlap, and the strand
    // would only add a queue and a lock to every completion.
    const net::any_io_executor executor =
        options_.single_thread ? net::any_io_executor(io_.get_executor())
                               : net::any_io_executor(net::make_strand(io_));
    acceptor_.async_accept(executor,
                           [self = shared_from_this()](beast::error_code error, tcp::socket socket) {
                               self->on_accept(error, std::move(socket));
                           });
}

void ServerImpl::on_accept(const beast::error_code& error, tcp::socket socket) {
    if (error == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) {
        // Out of file descriptors and the like. Such an error lasts until a
        // connection closes, so accepting again at once would spin on the CPU
        // and write a log line per try.
        log_->warn("accept failed retry_in_ms={} error={}", kAcceptRetryDelay.count(),
                   error.message());
        accept_retry_.expires_after(kAcceptRetryDelay);
        accept_retry_.async_wait([self = shared_from_this()](const beast::error_code& wait_error) {
            if (wait_error || !self->acceptor_.is_open()) return;
            self->accept_next();
        });
        return;
    }

    beast::error_code peer_error;
    const auto peer = socket.remote_endpoint(peer_error).address();
    socket.set_option(tcp::no_delay(true), peer_error);
    const std::uint64_t id = next_connection_id_.fetch_add(1);
    auto self = shared_from_this();

    if (auto tls = tls_context()) {
        auto session = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            self, id, beast::ssl_stream<beast::tcp_stream>(std::move(socket), *tls), peer);
        add_session(id, session);
        session->start();
    } else {
        auto session =
            std::make_shared<Session<beast::tcp_stream>>(self, id, beast::tcp_stream(std::move(socket)), peer);
        add_session(id, session);
        session->start();
    }
    accept_next();
}

void ServerImpl::stop_accepting() {
    draining_.store(true);
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        beast::error_code ignored;
        self->acceptor_.close(ignored);
        self->accept_retry_.cancel();
    });

    std::vector<std::shared_ptr<SessionBase>> open;
    {
        std::lock_guard lock(sessions_mutex_);
        for (auto& [id, weak] : sessions_) {
            if (auto session = weak.lock()) open.push_back(std::move(session));
        }
    }
    for (auto& session : open) session->close_if_idle();
}

Result<std::shared_ptr<ssl::context>> make_tls_context(const std::string& cert_file,
                                                       const std::string& key_file) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    beast::error_code error;
    context->use_certificate_chain_file(cert_file, error);
    if (error) {
        return Error::invalid_request("tls_cert: cannot load certificate chain " + cert_file +
                                      ": " + error.message());
    }
    // OpenSSL's PEM reader takes PKCS#8, PKCS#1 (RSA) and SEC1 (EC) keys alike.
    context->use_private_key_file(key_file, ssl::context::pem, error);
    if (error) {
        return Error::invalid_request("tls_key: cannot load private key " + key_file + ": " +
                                      error.message());
    }
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
        return Error::invalid_request("tls_key: private key does not match tls_cert");
    }
    return context;
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(net::io_context& io, ServerOptions options,
                                                      RequestHandler handler,
                                                      std::shared_ptr<ssl::context> tls) {
    auto impl = std::make_shared<Impl>(io, std::move(options), std::move(handler), std::move(tls));
    if (auto listening = impl->listen(); !listening) return listening.error();
    impl->accept_next();
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::~HttpServer() {
    beast::error_code ignored;
    impl_->acceptor_.close(ignored);
}

std::uint16_t HttpServer::port() const {
    beast::error_code ignored;
    return impl_->acceptor_.local_endpoint(ignored).port();
}

void HttpServer::set_tls_context(std::shared_ptr<ssl::context> tls) {
    impl_->set_tls_context(std::move(tls));
}

void HttpServer::stop_accepting() { impl_->stop_accepting(); }

std::size_t HttpServer::open_connections() const { return impl_->session_count(); }

}  // namespace inmor::http
