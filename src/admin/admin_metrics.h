// Counters of what the admin signs, renews and schedules, exposed in the
// Prometheus text format through the admin's http::Metrics.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace inmor::http {
class Metrics;
}

namespace inmor::admin {

/// Process-wide counters. Thread-safe; every count is cheap.
class AdminMetrics {
public:
    /// One document signed: "subordinate_statement", "trust_mark", "entity_configuration".
    void count_signed(std::string_view kind);
    /// One renewal by kind ("subordinate", "trust_mark") and result
    /// ("renewed", "held", "failed", "skipped").
    void count_renewal(std::string_view kind, std::string_view result);
    /// One subordinate held for an operator's approval.
    void count_held();
    /// One scheduler job run by job name and result ("success", "failure",
    /// "skipped" when another replica holds the job's lock).
    void count_scheduler_run(std::string_view job, std::string_view result);

    /// The current value of a counter, for tests ("" for an unused label).
    std::uint64_t signed_count(std::string_view kind) const;
    std::uint64_t renewal_count(std::string_view kind, std::string_view result) const;
    std::uint64_t held_count() const;
    std::uint64_t scheduler_run_count(std::string_view job, std::string_view result) const;

    /// Appends the counters as Prometheus text lines to `out`.
    void render(std::string& out) const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::uint64_t, std::less<>> signed_;
    std::map<std::pair<std::string, std::string>, std::uint64_t> renewals_;
    std::uint64_t held_ = 0;
    std::map<std::pair<std::string, std::string>, std::uint64_t> scheduler_runs_;
};

/// The admin process's counters.
AdminMetrics& admin_metrics();

/// Adds the admin counters to `metrics` as a gauge source, so they appear on
/// every scrape of the admin's metrics listener. Call once at start.
void register_admin_metrics(http::Metrics& metrics);

}  // namespace inmor::admin
