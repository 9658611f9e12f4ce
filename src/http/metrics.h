// Metrics: the federation server's Prometheus counters and histograms.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace inmor::http {

class Metrics {
public:
    /// Appends gauge lines in the Prometheus text format to `out`; called on
    /// every scrape, so values are computed when read.
    using GaugeSource = std::function<void(std::string& out)>;

    /// The request counters of one route. Recording takes no lock, so a
    /// route looked up once (as Router does when a route is added) costs a
    /// few atomic increments per request.
    class RouteCounters {
    public:
        /// Counts one request with this status and adds its latency.
        void record(unsigned status, double seconds);

    private:
        friend class Metrics;
        static constexpr unsigned kFirstStatus = 100;
        static constexpr unsigned kStatusCount = 500;

        std::array<std::atomic<std::uint64_t>, kStatusCount> by_status_{};
        // Statuses outside 100-599, which no handler sends but a bug might.
        std::mutex unusual_mutex_;
        std::map<unsigned, std::uint64_t> unusual_statuses_;
        // One slot per bucket, not cumulative (render() adds them up), and a
        // last slot for latencies above every bucket.
        std::array<std::atomic<std::uint64_t>, 14> latency_slots_{};
        std::atomic<std::uint64_t> count_{0};
        std::atomic<double> sum_{0};
    };

    /// Returns the counters of `route`, made on first use. The reference stays
    /// valid as long as this Metrics. A route appears in render() once it
    /// has counted a request.
    RouteCounters& route(std::string_view route);

    /// Counts one request by route and status and adds its latency.
    void record_request(std::string_view route, unsigned status, double seconds);

    void count_cache_hit() { cache_hits_.fetch_add(1, std::memory_order_relaxed); }
    void count_cache_miss() { cache_misses_.fetch_add(1, std::memory_order_relaxed); }
    void count_store_error() { store_errors_.fetch_add(1, std::memory_order_relaxed); }

    void add_gauge_source(GaugeSource source);

    /// The whole exposition, text format 0.0.4.
    std::string render() const;

private:
    static constexpr std::size_t kBucketCount = 13;
    static constexpr double kBuckets[kBucketCount] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.25,  0.5,
                                                      1.0,    2.5,   5.0};

    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<RouteCounters>, std::less<>> routes_;
    std::vector<GaugeSource> gauges_;
    std::atomic<std::uint64_t> cache_hits_{0};
    std::atomic<std::uint64_t> cache_misses_{0};
    std::atomic<std::uint64_t> store_errors_{0};
};

}  // namespace inmor::http
