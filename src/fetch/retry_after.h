// Reading the Retry-After header and computing retry delays.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace inmor::fetch {

/// Parses a Retry-After value (RFC 9110 "Retry-After"): delay-seconds, or an
/// IMF-fixdate HTTP-date taken relative to `now`. A date in the past gives
/// zero. Returns nothing when the value is neither form.
std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

/// The delay before retry number `retry` (0 for the first retry): the
/// exponential backoff initial_backoff * 2^retry, or the server's
/// Retry-After when that is longer.
std::chrono::milliseconds retry_delay(int retry, std::chrono::milliseconds initial_backoff,
                                      std::optional<std::chrono::seconds> retry_after);

}  // namespace inmor::fetch
