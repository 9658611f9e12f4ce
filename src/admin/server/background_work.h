// The hook through which `inmor-admin serve` starts its work outside
// requests: the scheduler and the start-up healing of published data.
#pragma once

#include "admin/api/api_route.h"
#include "http/metrics.h"

#include <memory>

namespace inmor::admin::server {

/// Work running beside the listeners; destroying it stops the work and
/// waits for it (serve does so after the listeners have drained).
class BackgroundWork {
public:
    virtual ~BackgroundWork() = default;
};

/// Starts the admin's background work for a running `serve`. Called once,
/// after migrations and before the listeners accept requests, so start-up
/// healing may run here before any request writes. `services` and
/// `metrics` outlive the returned object; gauges and counters of the work
/// go into `metrics`, which the admin's /metrics listener renders.
/// Returns an error to stop serve from starting (the message names the problem).
Result<std::unique_ptr<BackgroundWork>> start_background_work(const api::AdminServices& services,
                                                              http::Metrics& metrics);

}  // namespace inmor::admin::server
