// Logger registry and formats (text or one JSON object a line).
#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdlib>
#include <mutex>

namespace inmor {
namespace {

std::mutex registry_mutex;
spdlog::level::level_enum current_level = spdlog::level::info;
LogFormat current_format = LogFormat::kText;

constexpr std::string_view kTextPattern = "%Y-%m-%dT%H:%M:%S.%eZ %l %n %v";
// Messages are event phrases with key=value fields, so they are kept as one
// JSON string; the level and logger name become members of their own.
constexpr std::string_view kJsonPattern =
    R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","message":"%v"})";

spdlog::level::level_enum level_from_word(std::string_view word) {
    if (word == "error") return spdlog::level::err;
    if (word == "warn" || word == "warning") return spdlog::level::warn;
    if (word == "debug") return spdlog::level::debug;
    if (word == "trace") return spdlog::level::trace;
    if (word == "off") return spdlog::level::off;
    return spdlog::level::info;
}

void apply(const std::shared_ptr<spdlog::logger>& log) {
    log->set_level(current_level);
    const std::string_view pattern =
        current_format == LogFormat::kJson ? kJsonPattern : kTextPattern;
    log->set_pattern(std::string(pattern), spdlog::pattern_time_type::utc);
}

}  // namespace

std::string parse_log_level(std::string_view text) {
    static constexpr std::array<std::string_view, 7> kWords = {
        "error", "warn", "warning", "info", "debug", "trace", "off"};
    std::string found;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view part = text.substr(start, end - start);
        if (const auto eq = part.find('='); eq != std::string_view::npos) {
            part = part.substr(eq + 1);
        }
        for (const auto word : kWords) {
            if (part == word) found = std::string(word);
        }
        start = end + 1;
    }
    return found;
}

void configure_logging(std::string_view level, LogFormat format) {
    std::string chosen(level);
    if (const char* rust_log = std::getenv("RUST_LOG")) {
        if (auto from_env = parse_log_level(rust_log); !from_env.empty()) {
            chosen = from_env;
        }
    }

    std::lock_guard lock(registry_mutex);
    current_level = level_from_word(chosen);
    current_format = format;
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& log) { apply(log); });
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
    std::lock_guard lock(registry_mutex);
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    auto created = spdlog::stderr_logger_mt(name);
    apply(created);
    return created;
}

}  // namespace inmor
