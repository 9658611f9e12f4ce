// The last step of a graceful stop in `inmor` and `inmor-admin serve`. After the
// listeners stop accepting, it waits for their connections to close, then stops the
// io_context so its threads return.
#pragma once

#include "common/logging.h"
#include "http/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace inmor::http {

/// A wait for open connections to end. It checks every 50 ms and stops `io`
/// when none is left, or at the deadline, logging on `logger_name` how many
/// were still open then. Destroy it before `io`.
class Drain {
public:
    /// Starts waiting at once. Null entries in `servers` (a listener that is
    /// off) are skipped.
    Drain(boost::asio::io_context& io, std::vector<const HttpServer*> servers,
          std::chrono::seconds timeout, std::string logger_name)
        : io_(io),
          servers_(std::move(servers)),
          deadline_(std::chrono::steady_clock::now() + timeout),
          timer_(io),
          logger_name_(std::move(logger_name)) {
        poll();
    }

    Drain(const Drain&) = delete;
    Drain& operator=(const Drain&) = delete;

private:
    void poll() {
        const std::size_t open = open_connections();
        if (open == 0 || std::chrono::steady_clock::now() >= deadline_) {
            if (open > 0) {
                logger(logger_name_)->warn("stopped with connections open count={}", open);
            }
            io_.stop();
            return;
        }
        timer_.expires_after(std::chrono::milliseconds(50));
        timer_.async_wait([this](const boost::system::error_code&) { poll(); });
    }

    std::size_t open_connections() const {
        std::size_t open = 0;
        for (const HttpServer* server : servers_) {
            if (server != nullptr) open += server->open_connections();
        }
        return open;
    }

    boost::asio::io_context& io_;
    std::vector<const HttpServer*> servers_;
    std::chrono::steady_clock::time_point deadline_;
    boost::asio::steady_timer timer_;
    std::string logger_name_;
};

}  // namespace inmor::http
