// Gauges computed from the durable data at each scrape of the admin's
// /metrics: what expires soonest, and how many subordinates wait for approval.
#pragma once

#include "admin/api/api_route.h"
#include "http/metrics.h"

namespace inmor::admin {

/// Adds to `metrics` the gauges inmor_admin_subordinate_statement_expires_in_seconds
/// and inmor_admin_trust_mark_expires_in_seconds (the soonest expiry among
/// active entries, absent when there is none) and inmor_admin_subordinates_pending
/// (subordinates held for approval). `services` must outlive `metrics`' scrapes.
void register_expiry_gauges(const api::AdminServices& services, http::Metrics& metrics);

}  // namespace inmor::admin
