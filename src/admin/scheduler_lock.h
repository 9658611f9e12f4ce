// A named lease in the durable store, so that of several admin replicas only
// one runs the periodic tasks at a time.
#pragma once

#include "admin/database.h"
#include "common/clock.h"

#include <cstdint>
#include <string>

namespace inmor::admin {

/// Takes the lock `name` for `holder` until `now + ttl_seconds` when it is
/// free, expired, or already held by `holder` (which extends it). Returns
/// whether `holder` holds it afterwards. One statement, so two replicas
/// racing cannot both win.
Result<bool> acquire_scheduler_lock(SqlExecutor& executor, std::string_view name,
                                    std::string_view holder, std::int64_t ttl_seconds,
                                    UnixSeconds now);

/// Extends a lock `holder` still holds; false when it expired or another
/// replica took it meanwhile.
Result<bool> renew_scheduler_lock(SqlExecutor& executor, std::string_view name,
                                  std::string_view holder, std::int64_t ttl_seconds,
                                  UnixSeconds now);

/// Gives the lock up if `holder` holds it; returns whether it did.
Result<bool> release_scheduler_lock(SqlExecutor& executor, std::string_view name,
                                    std::string_view holder);

}  // namespace inmor::admin
