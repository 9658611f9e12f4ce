// Prometheus text exposition of the server's metrics.
#include "http/metrics.h"

#include <fmt/format.h>

namespace inmor::http {

void Metrics::RouteCounters::record(unsigned status, double seconds) {
    if (status >= kFirstStatus && status < kFirstStatus + kStatusCount) {
        by_status_[status - kFirstStatus].fetch_add(1, std::memory_order_relaxed);
    } else {
        std::lock_guard lock(unusual_mutex_);
        ++unusual_statuses_[status];
    }

    std::size_t slot = 0;
    while (slot < kBucketCount && seconds > kBuckets[slot]) ++slot;
    latency_slots_[slot].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(seconds, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

Metrics::RouteCounters& Metrics::route(std::string_view route) {
    std::lock_guard lock(mutex_);
    auto found = routes_.find(route);
    if (found == routes_.end()) {
        found = routes_.emplace(std::string(route), std::make_unique<RouteCounters>()).first;
    }
    return *found->second;
}

void Metrics::record_request(std::string_view route_name, unsigned status, double seconds) {
    route(route_name).record(status, seconds);
}

void Metrics::add_gauge_source(GaugeSource source) {
    std::lock_guard lock(mutex_);
    gauges_.push_back(std::move(source));
}

std::string Metrics::render() const {
    std::string out;
    std::vector<GaugeSource> gauges;
    {
        std::lock_guard lock(mutex_);
        out += "# HELP inmor_http_requests_total Requests answered, by route and status.\n";
        out += "# TYPE inmor_http_requests_total counter\n";
        for (const auto& [route, counters] : routes_) {
            // Statuses in ascending order, the unusual ones merged in.
            std::map<unsigned, std::uint64_t> by_status;
            for (unsigned i = 0; i < RouteCounters::kStatusCount; ++i) {
                const std::uint64_t count = counters->by_status_[i].load(std::memory_order_relaxed);
                if (count > 0) by_status[RouteCounters::kFirstStatus + i] = count;
            }
            {
                std::lock_guard unusual_lock(counters->unusual_mutex_);
                by_status.insert(counters->unusual_statuses_.begin(),
                                 counters->unusual_statuses_.end());
            }
            for (const auto& [status, count] : by_status) {
                out += fmt::format(
                    "inmor_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", route,
                    status, count);
            }
        }

        out += "# HELP inmor_http_request_duration_seconds Time to answer a request.\n";
        out += "# TYPE inmor_http_request_duration_seconds histogram\n";
        for (const auto& [route, counters] : routes_) {
            const std::uint64_t count = counters->count_.load(std::memory_order_relaxed);
            if (count == 0) continue;
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < kBucketCount; ++i) {
                cumulative += counters->latency_slots_[i].load(std::memory_order_relaxed);
                out += fmt::format(
                    "inmor_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                    route, kBuckets[i], cumulative);
            }
            out += fmt::format(
                "inmor_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                route, count);
            out += fmt::format("inmor_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n",
                               route, counters->sum_.load(std::memory_order_relaxed));
            out += fmt::format("inmor_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                               route, count);
        }
        gauges = gauges_;
    }

    out += "# HELP inmor_cache_hits_total Reads served from the in-memory cache.\n";
    out += "# TYPE inmor_cache_hits_total counter\n";
    out += fmt::format("inmor_cache_hits_total {}\n", cache_hits_.load());
    out += "# HELP inmor_cache_misses_total Reads that went to the federation store.\n";
    out += "# TYPE inmor_cache_misses_total counter\n";
    out += fmt::format("inmor_cache_misses_total {}\n", cache_misses_.load());
    out += "# HELP inmor_store_errors_total Failed reads from the federation store.\n";
    out += "# TYPE inmor_store_errors_total counter\n";
    out += fmt::format("inmor_store_errors_total {}\n", store_errors_.load());

    for (const auto& gauge : gauges) gauge(out);
    return out;
}

}  // namespace inmor::http
