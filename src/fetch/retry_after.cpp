// Retry-After parsing (delay-seconds and IMF-fixdate) and the backoff delay.
#include "fetch/retry_after.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>
#include <string>

namespace inmor::fetch {
namespace {

// Longer delays are clamped to a day; the fetcher waits max_retry_after at most.
constexpr std::chrono::seconds kMaxParsedDelay{86400};

std::optional<std::chrono::seconds> parse_delay_seconds(std::string_view value) {
    std::int64_t seconds = 0;
    for (char c : value) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
            return std::nullopt;
        }
        seconds = std::min<std::int64_t>(seconds * 10 + (c - '0'), kMaxParsedDelay.count());
    }
    return std::chrono::seconds(seconds);
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view value) {
    // IMF-fixdate only ("Sun, 06 Nov 1994 08:49:37 GMT"); the obsolete RFC 850
    // and asctime forms are not read.
    std::istringstream input{std::string(value)};
    input.imbue(std::locale::classic());
    std::tm parts{};
    input >> std::get_time(&parts, "%a, %d %b %Y %H:%M:%S GMT");
    if (input.fail()) {
        return std::nullopt;
    }
    input.peek();
    if (!input.eof()) {
        return std::nullopt;
    }
    std::time_t seconds = timegm(&parts);
    if (seconds == static_cast<std::time_t>(-1)) {
        return std::nullopt;
    }
    return std::chrono::system_clock::from_time_t(seconds);
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace

std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
    value = trim(value);
    if (value.empty()) {
        return std::nullopt;
    }
    if (std::isdigit(static_cast<unsigned char>(value.front()))) {
        return parse_delay_seconds(value);
    }

    std::optional<std::chrono::system_clock::time_point> date = parse_http_date(value);
    if (!date) {
        return std::nullopt;
    }
    auto delay = std::chrono::ceil<std::chrono::seconds>(*date - now);
    return std::clamp(delay, std::chrono::seconds(0), kMaxParsedDelay);
}

std::chrono::milliseconds retry_delay(int retry, std::chrono::milliseconds initial_backoff,
                                      std::optional<std::chrono::seconds> retry_after) {
    std::chrono::milliseconds backoff = initial_backoff * (1LL << std::clamp(retry, 0, 20));
    if (retry_after && *retry_after > backoff) {
        return *retry_after;
    }
    return backoff;
}

}  // namespace inmor::fetch
