// The admin's counters and their Prometheus text.
#include "admin/admin_metrics.h"

#include "http/metrics.h"


namespace inmor::admin {
namespace {

std::uint64_t value_of(const std::map<std::pair<std::string, std::string>, std::uint64_t>& map,
                       std::string_view first, std::string_view second) {
    auto found = map.find({std::string(first), std::string(second)});
    return found == map.end() ? 0 : found->second;
}

}  // namespace

void AdminMetrics::count_signed(std::string_view kind) {
    std::lock_guard lock(mutex_);
    auto found = signed_.find(kind);
    if (found == signed_.end()) {
        signed_.emplace(std::string(kind), 1);
        return;
    }
    ++found->second;
}

void AdminMetrics::count_renewal(std::string_view kind, std::string_view result) {
    std::lock_guard lock(mutex_);
    ++renewals_[{std::string(kind), std::string(result)}];
}

void AdminMetrics::count_held() {
    std::lock_guard lock(mutex_);
    ++held_;
}

void AdminMetrics::count_scheduler_run(std::string_view job, std::string_view result) {
    std::lock_guard lock(mutex_);
    ++scheduler_runs_[{std::string(job), std::string(result)}];
}

std::uint64_t AdminMetrics::signed_count(std::string_view kind) const {
    std::lock_guard lock(mutex_);
    auto found = signed_.find(kind);
    return found == signed_.end() ? 0 : found->second;
}

std::uint64_t AdminMetrics::renewal_count(std::string_view kind, std::string_view result) const {
    std::lock_guard lock(mutex_);
    return value_of(renewals_, kind, result);
}

std::uint64_t AdminMetrics::held_count() const {
    std::lock_guard lock(mutex_);
    return held_;
}

std::uint64_t AdminMetrics::scheduler_run_count(std::string_view job,
                                                std::string_view result) const {
    std::lock_guard lock(mutex_);
    return value_of(scheduler_runs_, job, result);
}

void AdminMetrics::render(std::string& out) const {
    std::lock_guard lock(mutex_);
    out += "# HELP inmor_admin_signed_total Documents signed by the admin, by kind.\n";
    out += "# TYPE inmor_admin_signed_total counter\n";
    for (const auto& [kind, count] : signed_) {
        out += "inmor_admin_signed_total{kind=\"" + kind + "\"} " + std::to_string(count) + "\n";
    }

    out += "# HELP inmor_admin_renewals_total Renewals by kind and result.\n";
    out += "# TYPE inmor_admin_renewals_total counter\n";
    for (const auto& [labels, count] : renewals_) {
        out += "inmor_admin_renewals_total{kind=\"" + labels.first + "\",result=\"" +
               labels.second + "\"} " + std::to_string(count) + "\n";
    }

    out += "# HELP inmor_admin_subordinates_held_total Subordinates held for approval.\n";
    out += "# TYPE inmor_admin_subordinates_held_total counter\n";
    out += "inmor_admin_subordinates_held_total " + std::to_string(held_) + "\n";

    // The label is `task`, because Prometheus keeps `job` for the scrape job.
    out += "# HELP inmor_admin_scheduler_runs_total Scheduler runs by task and result.\n";
    out += "# TYPE inmor_admin_scheduler_runs_total counter\n";
    for (const auto& [labels, count] : scheduler_runs_) {
        out += "inmor_admin_scheduler_runs_total{task=\"" + labels.first + "\",result=\"" +
               labels.second + "\"} " + std::to_string(count) + "\n";
    }
}

AdminMetrics& admin_metrics() {
    static AdminMetrics metrics;
    return metrics;
}

void register_admin_metrics(http::Metrics& metrics) {
    metrics.add_gauge_source([](std::string& out) { admin_metrics().render(out); });
}

}  // namespace inmor::admin
