// The scheduler's thread, its locks and the jobs it runs.
#include "admin/scheduler.h"

#include "admin/admin_metrics.h"
#include "admin/federation_signing.h"
#include "admin/scheduler_lock.h"
#include "admin/subordinate_service.h"
#include "admin/trust_mark_service.h"
#include "common/logging.h"

#include <unistd.h>

#include <algorithm>
#include <array>

namespace inmor::admin {
namespace {

const AuditActor kSchedulerActor{"scheduler", "scheduler", ""};

bool subordinate_due(const Subordinate& subordinate, UnixSeconds now) {
    if (!subordinate.autorenew) {
        return false;
    }
    return !subordinate.expire_at ||
           *subordinate.expire_at - now <= kSubordinateRenewalHours * kSecondsPerHour;
}

bool trust_mark_due(const TrustMark& mark, UnixSeconds now) {
    if (!mark.autorenew) {
        return false;
    }
    return !mark.expire_at || *mark.expire_at - now <= mark.renewal_time * kSecondsPerHour;
}

}  // namespace

std::string_view job_result_name(JobResult result) {
    switch (result) {
    case JobResult::kSuccess:
        return "success";
    case JobResult::kFailure:
        return "failure";
    case JobResult::kSkipped:
        return "skipped";
    }
    return "failure";
}

std::string scheduler_holder_name() {
    std::array<char, 256> host{};
    if (gethostname(host.data(), host.size() - 1) != 0) {
        host[0] = '\0';
    }
    return std::string(host.data()) + ":" + std::to_string(getpid());
}

std::size_t renew_subordinates(const AdminServices& services, const AuditActor& actor,
                               bool due_only, const ItemReport& report) {
    Result<std::vector<Subordinate>> subordinates = all_subordinates(services.database);
    if (!subordinates) {
        if (report) report("subordinates: " + subordinates.error().message());
        return 1;
    }

    std::size_t failures = 0;
    UnixSeconds now = services.clock.now();
    for (const Subordinate& subordinate : *subordinates) {
        if (!subordinate.active || (due_only && !subordinate_due(subordinate, now))) {
            continue;
        }
        // A held subordinate waits for an operator, not for the next run.
        if (subordinate.held_for_approval) {
            admin_metrics().count_renewal("subordinate", "skipped");
            if (report) report(subordinate.entityid + ": skipped: held for approval");
            continue;
        }
        ActionResult<SubordinateRenewal> renewed =
            renew_subordinate(services, subordinate.id, actor);
        if (!renewed) {
            ++failures;
            if (report) report(subordinate.entityid + ": failed: " + renewed.error().message);
            continue;
        }
        if (report) {
            report(subordinate.entityid + ": " +
                   std::string(renewal_outcome_name(renewed->outcome)));
        }
    }
    return failures;
}

std::size_t renew_trust_marks(const AdminServices& services, const AuditActor& actor,
                              bool due_only, const ItemReport& report) {
    Result<std::vector<TrustMark>> marks = all_trust_marks(services.database);
    if (!marks) {
        if (report) report("trust marks: " + marks.error().message());
        return 1;
    }

    std::size_t failures = 0;
    UnixSeconds now = services.clock.now();
    for (const TrustMark& mark : *marks) {
        if (!mark.active || mark.revoked_at || (due_only && !trust_mark_due(mark, now))) {
            continue;
        }
        ActionResult<TrustMark> renewed = renew_trust_mark(services, mark.id, actor);
        std::string item = "trust mark " + std::to_string(mark.id) + " " + mark.domain;
        if (!renewed) {
            ++failures;
            if (report) report(item + ": failed: " + renewed.error().message);
            continue;
        }
        if (report) report(item + ": renewed");
    }
    return failures;
}

Scheduler::Scheduler(const AdminServices& services, std::string holder,
                     std::function<bool()> collection_walk)
    : services_(services),
      holder_(std::move(holder)),
      collection_walk_(std::move(collection_walk)),
      random_(std::random_device{}()) {
    const SchedulerConfig& config = services_.config.scheduler;
    auto add = [&](std::string_view name, std::int64_t seconds) {
        jobs_.push_back(Job{std::string(name), std::chrono::seconds(std::max<std::int64_t>(
                                                   seconds, 1)),
                            {}});
    };
    add(jobs::kRegenerateEntity, config.regenerate_entity_every);
    add(jobs::kRenewSubordinates, config.renew_subordinates_every);
    add(jobs::kRenewTrustMarks, config.renew_trust_marks_every);
    add(jobs::kPruneAuditLog, kPruneAuditLogEverySeconds);
    if (collection_walk_) {
        add(jobs::kCollectionWalk, config.collection_walk_every);
    }
}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) {
        return;
    }
    stopping_ = false;
    auto now = std::chrono::steady_clock::now();
    for (Job& job : jobs_) {
        job.next = now + std::min(jitter(job.period), std::chrono::seconds(5));
    }
    thread_ = std::thread([this] { run(); });
    logger("admin")->info("scheduler started holder={} jobs={}", holder_, jobs_.size());
}

void Scheduler::stop() {
    {
        std::lock_guard lock(mutex_);
        if (!thread_.joinable()) {
            return;
        }
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    logger("admin")->info("scheduler stopped holder={}", holder_);
}

std::chrono::seconds Scheduler::jitter(std::chrono::seconds period) {
    std::uniform_int_distribution<std::int64_t> spread(0, std::max<std::int64_t>(
                                                              period.count() / 10, 0));
    return std::chrono::seconds(spread(random_));
}

void Scheduler::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        auto due = std::min_element(jobs_.begin(), jobs_.end(), [](const Job& a, const Job& b) {
            return a.next < b.next;
        });
        if (wake_.wait_until(lock, due->next, [this] { return stopping_; })) {
            return;
        }
        if (std::chrono::steady_clock::now() < due->next) {
            continue;
        }

        // The job runs without the mutex, so stop() is never kept waiting
        // for the lock, only for the job.
        std::string name = due->name;
        due->next = std::chrono::steady_clock::now() + due->period + jitter(due->period);
        lock.unlock();
        run_job(name);
        lock.lock();
    }
}

JobResult Scheduler::run_job(std::string_view job) {
    auto log = logger("admin");
    auto period = std::find_if(jobs_.begin(), jobs_.end(),
                               [&](const Job& entry) { return entry.name == job; });
    std::int64_t ttl = period == jobs_.end() ? 600 : period->period.count() * 2;

    std::string lock_name = "scheduler:" + std::string(job);
    Result<bool> acquired = acquire_scheduler_lock(services_.database, lock_name, holder_, ttl,
                                                   services_.clock.now());
    if (!acquired) {
        log->error("scheduler lock failed job={} error={}", job, acquired.error().message());
        admin_metrics().count_scheduler_run(job, job_result_name(JobResult::kFailure));
        return JobResult::kFailure;
    }
    if (!*acquired) {
        log->debug("scheduler job skipped job={} reason=lock held by another replica", job);
        admin_metrics().count_scheduler_run(job, job_result_name(JobResult::kSkipped));
        return JobResult::kSkipped;
    }

    // The lock is kept until it expires, so a replica whose clock or
    // schedule differs does not run the same job again right after.
    JobResult result = run_job_body(job) ? JobResult::kSuccess : JobResult::kFailure;
    admin_metrics().count_scheduler_run(job, job_result_name(result));
    log->info("scheduler job ran job={} result={}", job, job_result_name(result));
    return result;
}

bool Scheduler::run_job_body(std::string_view job) {
    auto log = logger("admin");
    auto report = [&](const std::string& line) {
        log->info("scheduler item job={} {}", job, line);
    };

    if (job == jobs::kRegenerateEntity) {
        Result<void> published = republish_entity_configuration(services_);
        if (!published) {
            log->error("scheduler job failed job={} error={}", job, published.error().message());
        }
        return published.has_value();
    }
    if (job == jobs::kRenewSubordinates) {
        return renew_subordinates(services_, kSchedulerActor, true, report) == 0;
    }
    if (job == jobs::kRenewTrustMarks) {
        return renew_trust_marks(services_, kSchedulerActor, true, report) == 0;
    }
    if (job == jobs::kPruneAuditLog) {
        Result<std::int64_t> pruned =
            prune_audit_log(services_.database, services_.clock.now(),
                            services_.config.admin.audit_retention_days);
        if (!pruned) {
            log->error("scheduler job failed job={} error={}", job, pruned.error().message());
            return false;
        }
        log->info("audit log pruned entries={}", *pruned);
        return true;
    }
    if (job == jobs::kCollectionWalk && collection_walk_) {
        return collection_walk_();
    }
    log->error("scheduler job unknown job={}", job);
    return false;
}

}  // namespace inmor::admin
