// Prometheus text exposition of the server's metrics.
#include "http/metrics.h"

#include <fmt/format.h>

namespace inmor::http {

void Metrics::record_request(std::string_view route, unsigned status, double seconds) {
    std::lock_guard lock(mutex_);
    auto by_status = requests_.find(route);
    if (by_status == requests_.end()) {
        by_status = requests_.emplace(std::string(route), std::map<unsigned, std::uint64_t>{}).first;
    }
    ++by_status->second[status];

    auto histogram = latency_.find(route);
    if (histogram == latency_.end()) {
        histogram = latency_.emplace(std::string(route), Histogram{}).first;
    }
    for (std::size_t i = 0; i < kBucketCount; ++i) {
        if (seconds <= kBuckets[i]) ++histogram->second.buckets[i];
    }
    ++histogram->second.count;
    histogram->second.sum += seconds;
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
        for (const auto& [route, by_status] : requests_) {
            for (const auto& [status, count] : by_status) {
                out += fmt::format(
                    "inmor_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", route,
                    status, count);
            }
        }

        out += "# HELP inmor_http_request_duration_seconds Time to answer a request.\n";
        out += "# TYPE inmor_http_request_duration_seconds histogram\n";
        for (const auto& [route, histogram] : latency_) {
            for (std::size_t i = 0; i < kBucketCount; ++i) {
                out += fmt::format(
                    "inmor_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                    route, kBuckets[i], histogram.buckets[i]);
            }
            out += fmt::format(
                "inmor_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                route, histogram.count);
            out += fmt::format("inmor_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n",
                               route, histogram.sum);
            out += fmt::format("inmor_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                               route, histogram.count);
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
