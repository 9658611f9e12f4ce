// `inmor-admin serve`: the admin API, the web UI and the admin's metrics
// listener, wired from taconfig.toml, until SIGTERM or SIGINT.
#pragma once

#include "common/config.h"
#include "common/error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace inmor::admin::server {

struct ServeArguments {
    std::string config_path = "taconfig.toml";
    /// -p: replaces the port of admin.listen.
    std::optional<std::uint16_t> port;
};

/// Checks the settings serve depends on beyond what load_config checks:
/// secret_key outside development, allowed_hosts, the origin lists, ui_dir.
/// The error names the key and what to change.
Result<void> validate_serve_config(const Config& config);

/// Runs the admin service: applies migrations, loads the signing keys, opens
/// the federation store, starts the background work and the listeners, and
/// serves until SIGTERM or SIGINT, letting requests in flight finish.
/// Returns the process exit status: 0 after a clean stop, 1 when starting
/// failed (the message on stderr names the problem).
int run_serve(const ServeArguments& arguments);

}  // namespace inmor::admin::server
