// Metrics: the federation server's Prometheus counters and histograms.
#pragma once

#include <atomic>
#include <functional>
#include <map>
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
    struct Histogram {
        std::uint64_t buckets[kBucketCount] = {};
        std::uint64_t count = 0;
        double sum = 0;
    };

    mutable std::mutex mutex_;
    std::map<std::string, std::map<unsigned, std::uint64_t>, std::less<>> requests_;
    std::map<std::string, Histogram, std::less<>> latency_;
    std::vector<GaugeSource> gauges_;
    std::atomic<std::uint64_t> cache_hits_{0};
    std::atomic<std::uint64_t> cache_misses_{0};
    std::atomic<std::uint64_t> store_errors_{0};
};

}  // namespace inmor::http
