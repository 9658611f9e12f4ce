// RateLimiter: requests per minute per client address, as a token bucket.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace inmor::http {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    /// `per_minute` requests per client; bursts up to that many. 0 disables.
    explicit RateLimiter(std::int64_t per_minute) : per_minute_(per_minute) {}

    /// Whether the limit is on at all.
    bool enabled() const { return per_minute_.load(std::memory_order_relaxed) > 0; }

    /// Changes the limit (configuration reload); buckets refill at the new rate.
    void set_per_minute(std::int64_t per_minute) { per_minute_.store(per_minute); }

    /// Takes one token for `client`. Returns 0 when the request may proceed,
    /// otherwise the whole seconds until it may (for Retry-After).
    std::int64_t acquire(std::string_view client, Clock::time_point now = Clock::now());

    /// Number of clients tracked (tests, metrics).
    std::size_t tracked_clients() const;

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point updated;
    };

    void forget_idle_clients(Clock::time_point now);

    std::atomic<std::int64_t> per_minute_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
    Clock::time_point last_sweep_{};
};

}  // namespace inmor::http
