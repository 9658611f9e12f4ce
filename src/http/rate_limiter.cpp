// Token buckets keyed by client address.
#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace inmor::http {
namespace {

// Buckets of clients idle this long are full again and can be dropped.
constexpr auto kIdleForget = std::chrono::minutes(2);
constexpr std::size_t kSweepThreshold = 10000;

}  // namespace

std::int64_t RateLimiter::acquire(std::string_view client, Clock::time_point now) {
    const std::int64_t per_minute = per_minute_.load(std::memory_order_relaxed);
    if (per_minute <= 0) return 0;
    const double capacity = static_cast<double>(per_minute);
    const double per_second = capacity / 60.0;

    std::lock_guard lock(mutex_);
    if (buckets_.size() > kSweepThreshold) forget_idle_clients(now);

    auto [it, inserted] = buckets_.try_emplace(std::string(client));
    Bucket& bucket = it->second;
    if (inserted) {
        bucket.tokens = capacity;
    } else {
        const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
        bucket.tokens = std::min(capacity, bucket.tokens + std::max(0.0, elapsed) * per_second);
    }
    bucket.updated = now;

    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        return 0;
    }
    const double wait = (1.0 - bucket.tokens) / per_second;
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait)));
}

void RateLimiter::forget_idle_clients(Clock::time_point now) {
    if (now - last_sweep_ < std::chrono::seconds(10)) return;
    last_sweep_ = now;
    std::erase_if(buckets_, [&](const auto& item) { return now - item.second.updated > kIdleForget; });
}

std::size_t RateLimiter::tracked_clients() const {
    std::lock_guard lock(mutex_);
    return buckets_.size();
}

}  // namespace inmor::http
