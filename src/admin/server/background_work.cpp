// start_background_work: start-up healing, then the scheduler with the
// collection walk as one of its jobs.
#include "admin/server/background_work.h"

#include "admin/admin_metrics.h"
#include "admin/expiry_metrics.h"
#include "admin/healing.h"
#include "admin/scheduler.h"
#include "collection/collection_walk.h"
#include "common/logging.h"

namespace inmor::admin::server {
namespace {

class SchedulerWork final : public BackgroundWork {
public:
    explicit SchedulerWork(std::unique_ptr<Scheduler> scheduler)
        : scheduler_(std::move(scheduler)) {}
    ~SchedulerWork() override {
        if (scheduler_) scheduler_->stop();
    }

private:
    std::unique_ptr<Scheduler> scheduler_;
};

// Builds the collection job: a walk of this anchor's own tree, published into
// the federation store. It returns false when the walk failed.
std::function<bool()> collection_walk_job(const api::AdminServices& services) {
    return [services]() {
        auto walked = collection::run_collection_walk(services.config, services.store,
                                                      services.config.domain, services.clock);
        if (!walked) {
            logger("admin")->warn("collection walk failed reason={}", walked.error().message());
            return false;
        }
        logger("admin")->info("collection walk finished entities={} errors={} elapsed_ms={}",
                              walked->stats.entities, walked->stats.errors,
                              walked->stats.elapsed.count());
        return true;
    };
}

}  // namespace

Result<std::unique_ptr<BackgroundWork>> start_background_work(const api::AdminServices& services,
                                                              http::Metrics& metrics) {
    register_admin_metrics(metrics);
    register_expiry_gauges(services, metrics);

    // Healing failures are logged, not fatal, because the admin must come up so
    // that an operator can repair what healing could not.
    // heal_federation_store logs its own counts and failed items.
    auto healed = heal_federation_store(services);
    if (!healed) {
        logger("admin")->error("federation store healing failed reason={}",
                               healed.error().message());
    }

    if (!services.config.scheduler.enabled) {
        return std::unique_ptr<BackgroundWork>(std::make_unique<SchedulerWork>(nullptr));
    }
    auto scheduler = std::make_unique<Scheduler>(services, scheduler_holder_name(),
                                                 collection_walk_job(services));
    scheduler->start();
    return std::unique_ptr<BackgroundWork>(std::make_unique<SchedulerWork>(std::move(scheduler)));
}

}  // namespace inmor::admin::server
