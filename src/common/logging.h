// Named spdlog loggers, one per concern, configured once at start-up.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <string_view>

namespace inmor {

enum class LogFormat { kText, kJson };

/// Sets the level and format of every logger, existing and future. `level`
/// is one of error, warn, info, debug, trace; RUST_LOG in the environment
/// overrides it, as the container images document.
void configure_logging(std::string_view level, LogFormat format);

/// The logger for one concern ("http", "jose", "storage", ...), created on
/// first use and writing to stderr.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

/// Reads a level word from a RUST_LOG-style value ("debug", "inmor=debug",
/// "warn,inmor=info": the last level word wins). Empty when none is found.
std::string parse_log_level(std::string_view text);

}  // namespace inmor
