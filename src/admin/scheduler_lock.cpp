// The scheduler lease as one conditional upsert.
#include "admin/scheduler_lock.h"

#include "admin/repository_support.h"

namespace inmor::admin {

Result<bool> acquire_scheduler_lock(SqlExecutor& executor, std::string_view name,
                                    std::string_view holder, std::int64_t ttl_seconds,
                                    UnixSeconds now) {
    if (ttl_seconds <= 0) {
        return field_error("ttl", "must be a positive number of seconds");
    }
    // The update branch runs only when the row is expired or ours; otherwise
    // the statement changes nothing and reports 0 rows.
    Result<std::int64_t> changed = executor.execute(
        "INSERT INTO scheduler_lock (name, holder, expires_at) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
        "expires_at = excluded.expires_at "
        "WHERE scheduler_lock.expires_at <= ? OR scheduler_lock.holder = excluded.holder",
        {std::string(name), std::string(holder), now + ttl_seconds, now});
    if (!changed) {
        return changed.error();
    }
    return *changed == 1;
}

Result<bool> renew_scheduler_lock(SqlExecutor& executor, std::string_view name,
                                  std::string_view holder, std::int64_t ttl_seconds,
                                  UnixSeconds now) {
    if (ttl_seconds <= 0) {
        return field_error("ttl", "must be a positive number of seconds");
    }
    Result<std::int64_t> changed = executor.execute(
        "UPDATE scheduler_lock SET expires_at = ? WHERE name = ? AND holder = ? AND "
        "expires_at > ?",
        {now + ttl_seconds, std::string(name), std::string(holder), now});
    if (!changed) {
        return changed.error();
    }
    return *changed == 1;
}

Result<bool> release_scheduler_lock(SqlExecutor& executor, std::string_view name,
                                    std::string_view holder) {
    Result<std::int64_t> changed = executor.execute(
        "DELETE FROM scheduler_lock WHERE name = ? AND holder = ?",
        {std::string(name), std::string(holder)});
    if (!changed) {
        return changed.error();
    }
    return *changed == 1;
}

}  // namespace inmor::admin
