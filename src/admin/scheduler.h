// The built-in scheduler (`[scheduler]`): periodic jobs with jitter, each
// run by one admin replica at a time under a lock in the durable store.
#pragma once

#include "admin/admin_action.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace inmor::admin {

/// The scheduler's jobs, by the names used in locks, logs and metrics.
namespace jobs {
inline constexpr std::string_view kRegenerateEntity = "regenerate_entity";
inline constexpr std::string_view kRenewSubordinates = "renew_subordinates";
inline constexpr std::string_view kRenewTrustMarks = "renew_trust_marks";
inline constexpr std::string_view kPruneAuditLog = "prune_audit_log";
inline constexpr std::string_view kCollectionWalk = "collection_walk";
}  // namespace jobs

/// How often audit pruning runs, in seconds; not configurable.
inline constexpr std::int64_t kPruneAuditLogEverySeconds = 3600;

/// A subordinate whose statement expires within this many hours (or that has
/// none) is renewed by the scheduler's renew_subordinates job.
inline constexpr std::int64_t kSubordinateRenewalHours = 48;

/// The result of one job run.
enum class JobResult {
    kSuccess,  ///< ran; every item went through
    kFailure,  ///< ran; at least one item failed (the others still ran)
    kSkipped,  ///< another replica holds the job's lock
};

/// "success", "failure" or "skipped".
std::string_view job_result_name(JobResult result);

/// A name for this replica in the scheduler's locks: "HOST:PID".
std::string scheduler_holder_name();

/// The jobs themselves, without timing or locks, also used by the management
/// commands. Each returns the number of items that failed; `report` (may be
/// empty) receives one line per item.
using ItemReport = std::function<void(const std::string& line)>;

/// Renews active subordinates one at a time: all of them, or with `due_only`
/// those with autorenew whose statement expires within
/// kSubordinateRenewalHours. A failing one never stops the others.
std::size_t renew_subordinates(const AdminServices& services, const AuditActor& actor,
                               bool due_only, const ItemReport& report);

/// Renews every active mark with autorenew whose `exp` is within its
/// renewal_time (all active marks with `due_only` false).
std::size_t renew_trust_marks(const AdminServices& services, const AuditActor& actor,
                              bool due_only, const ItemReport& report);

/// The admin's scheduler. start() runs a thread that wakes for each job after
/// its period plus a random jitter of up to a tenth of it, and stop() ends the
/// thread and waits for it. Each run takes the job's lock (scheduler_lock) for
/// twice the period, and skips the run when another replica holds the lock.
class Scheduler {
public:
    /// The scheduler keeps a copy of `services`, whose referents must outlive
    /// it. `holder` names this replica in the locks (host and process id are a
    /// good choice). `collection_walk` is run as the collection_walk job
    /// when given; it returns false on failure.
    Scheduler(const AdminServices& services, std::string holder,
              std::function<bool()> collection_walk = {});
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    /// Starts the thread; the first run of each job comes after its first
    /// jitter (a few seconds at most), not a whole period later.
    void start();
    /// Stops the thread and waits for the job that runs, if any.
    void stop();

    /// Runs one job now, under its lock, and counts it in the metrics.
    JobResult run_job(std::string_view job);

private:
    struct Job {
        std::string name;
        std::chrono::seconds period;
        std::chrono::steady_clock::time_point next;
    };

    void run();
    std::chrono::seconds jitter(std::chrono::seconds period);
    bool run_job_body(std::string_view job);

    AdminServices services_;  // a copy: it holds references only
    std::string holder_;
    std::function<bool()> collection_walk_;
    std::vector<Job> jobs_;
    std::mt19937_64 random_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace inmor::admin
