// The federation server process: configuration, keys and store wired to the
// HTTP listeners, with signal handling (SIGTERM/SIGINT stop, SIGHUP reload).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace inmor::app {

/// The version printed by --version and shown on / and /status.
std::string_view server_version();

struct ServerArguments {
    std::string config_path = "taconfig.toml";
    std::optional<std::uint16_t> port;  // -p: replaces the port of `listen`
};

/// Runs `inmor` until SIGTERM or SIGINT. Returns the process exit code:
/// 0 after a clean stop, 1 when the configuration, keys, store or listen
/// address make starting impossible (the message names the problem).
int run_server(const ServerArguments& arguments);

/// Validates the configuration and keys, prints a summary to stdout and
/// returns 0, or prints the problem to stderr and returns 1.
int check_configuration(const std::string& config_path);

}  // namespace inmor::app
