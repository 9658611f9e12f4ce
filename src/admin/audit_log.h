// The audit log: who changed what, when, from where, with the object before
// and after. Entries are written in the transaction of the change.
#pragma once

#include "admin/database.h"
#include "admin/repository_support.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inmor::admin {

/// The user behind a change, with the authentication method and client address.
struct AuditActor {
    std::string username;
    std::string auth_method;  ///< "session", "api_key" or "cli"
    std::string client_address;
};

/// A row of `audit_log`.
struct AuditEntry {
    std::int64_t id = 0;
    UnixSeconds at = 0;
    AuditActor actor;
    std::string action;         ///< "create", "update", "revoke", ...
    std::string resource_type;  ///< "trust_mark_type", "subordinate", ...
    std::string resource_id;
    std::optional<boost::json::value> before;
    std::optional<boost::json::value> after;
    std::string result;  ///< "success" or "failure"
};

/// Filters of the audit log reader; unset members match everything.
struct AuditFilter {
    std::optional<std::string> action;
    std::optional<std::string> resource_type;
    std::optional<std::string> username;
    std::optional<UnixSeconds> from;   ///< inclusive
    std::optional<UnixSeconds> until;  ///< exclusive
};

/// Writes one entry and returns its id. Pass the transaction executor of the
/// change so the entry and the change commit or roll back together.
Result<std::int64_t> write_audit_entry(SqlExecutor& executor, const AuditEntry& entry);

/// Writes one entry by `actor` at `now` and returns its id, as
/// write_audit_entry does. Route handlers and admin actions write their entries
/// through it, passing the transaction of the change.
Result<std::int64_t> write_audit(SqlExecutor& executor, const AuditActor& actor, UnixSeconds now,
                                 std::string_view action, std::string_view resource_type,
                                 std::string resource_id,
                                 std::optional<boost::json::value> before,
                                 std::optional<boost::json::value> after,
                                 std::string result = "success");

/// One page of entries matching `filter`, newest first.
Result<Page<AuditEntry>> list_audit_entries(SqlExecutor& executor, const AuditFilter& filter,
                                            const PageRequest& page);

/// The entry with this id, or nullopt.
Result<std::optional<AuditEntry>> find_audit_entry(SqlExecutor& executor, std::int64_t id);

/// Deletes entries older than `retention_days` (`[admin]
/// audit_retention_days`) before `now`; returns how many.
Result<std::int64_t> prune_audit_log(SqlExecutor& executor, UnixSeconds now,
                                     std::int64_t retention_days);

/// `{id, at, username, auth_method, client_address, action, resource_type,
/// resource_id, before, after, result}`.
boost::json::object to_json(const AuditEntry& entry);

}  // namespace inmor::admin
