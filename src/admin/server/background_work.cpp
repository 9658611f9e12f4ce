// start_background_work: where the scheduler and start-up healing are wired.
#include "admin/server/background_work.h"

#include "common/logging.h"

namespace inmor::admin::server {
namespace {

class NoBackgroundWork final : public BackgroundWork {};

}  // namespace

Result<std::unique_ptr<BackgroundWork>> start_background_work(const api::AdminServices& services,
                                                              http::Metrics&) {
    // TODO: the scheduler ([scheduler]: regenerate the entity configuration,
    // renew subordinates and trust marks, the collection walk, audit pruning)
    // and the start-up healing of published data are built separately and
    // start here. Until they are wired in, serve only serves requests, and
    // publishing happens through the API and the management commands.
    if (services.config.scheduler.enabled) {
        logger("admin")->warn("scheduler enabled in the configuration but not part of this "
                              "build; nothing runs on a schedule");
    }
    return std::unique_ptr<BackgroundWork>(std::make_unique<NoBackgroundWork>());
}

}  // namespace inmor::admin::server
