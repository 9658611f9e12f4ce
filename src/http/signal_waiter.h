// The signals a server process acts on: SIGTERM and SIGINT stop it, and
// SIGHUP requests a reload. Shared by `inmor` and `inmor-admin serve`.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/error_code.hpp>

#include <csignal>
#include <functional>
#include <utility>

namespace inmor::http {

/// Catches SIGTERM, SIGINT and SIGHUP from construction on, so none of them
/// runs its default action, and calls the handlers on a thread running `io`.
/// SIGHUP calls `on_reload` and keeps waiting. The first SIGTERM or SIGINT
/// calls `on_stop` once and ends the waiting: signals after it are still
/// caught but nothing acts on them, so a second SIGTERM does not cut the
/// graceful stop short. Destroy it before `io`.
class SignalWaiter {
public:
    SignalWaiter(boost::asio::io_context& io, std::function<void()> on_stop,
                 std::function<void()> on_reload)
        : signals_(io, SIGTERM, SIGINT, SIGHUP),
          on_stop_(std::move(on_stop)),
          on_reload_(std::move(on_reload)) {
        wait();
    }

    SignalWaiter(const SignalWaiter&) = delete;
    SignalWaiter& operator=(const SignalWaiter&) = delete;

private:
    void wait() {
        signals_.async_wait([this](const boost::system::error_code& error, int signal) {
            if (error) {
                return;
            }
            if (signal == SIGHUP) {
                on_reload_();
                wait();
                return;
            }
            on_stop_();
        });
    }

    boost::asio::signal_set signals_;
    std::function<void()> on_stop_;
    std::function<void()> on_reload_;
};

}  // namespace inmor::http
