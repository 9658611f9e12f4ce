// Writing, filtering and pruning the audit log.
#include "admin/audit_log.h"

#include "common/json.h"

namespace inmor::admin {
namespace {

namespace json = boost::json;

constexpr std::string_view kColumns =
    "id, at, username, auth_method, client_address, action, resource_type, resource_id, "
    "before, after, result";

constexpr std::int64_t kSecondsPerDay = 24 * 60 * 60;

std::optional<std::string> optional_json(const std::optional<json::value>& value) {
    if (!value) {
        return std::nullopt;
    }
    return inmor::to_json(*value);
}

std::optional<json::value> read_json(const Row& row, std::size_t column) {
    if (row.is_null(column)) {
        return std::nullopt;
    }
    Result<json::value> parsed = parse_json(row.text(column), "audit snapshot");
    if (!parsed) {
        // An unreadable snapshot is shown as the text it holds.
        return json::value(json::string(row.text(column)));
    }
    return std::move(*parsed);
}

AuditEntry read_entry(const Row& row) {
    return AuditEntry{row.integer(0),
                      row.integer(1),
                      AuditActor{row.text(2), row.text(3), row.text(4)},
                      row.text(5),
                      row.text(6),
                      row.text(7),
                      read_json(row, 8),
                      read_json(row, 9),
                      row.text(10)};
}

// Builds the WHERE clause of a filter and its parameters.
std::string where_clause(const AuditFilter& filter, SqlParams& params) {
    std::string where;
    auto add = [&](std::string_view condition, SqlValue value) {
        where += where.empty() ? " WHERE " : " AND ";
        where += condition;
        params.push_back(std::move(value));
    };
    if (filter.action) {
        add("action = ?", *filter.action);
    }
    if (filter.resource_type) {
        add("resource_type = ?", *filter.resource_type);
    }
    if (filter.username) {
        add("username = ?", *filter.username);
    }
    if (filter.from) {
        add("at >= ?", *filter.from);
    }
    if (filter.until) {
        add("at < ?", *filter.until);
    }
    return where;
}

}  // namespace

Result<std::int64_t> write_audit_entry(SqlExecutor& executor, const AuditEntry& entry) {
    if (entry.action.empty()) {
        return field_error("action", "must not be empty");
    }
    if (entry.resource_type.empty()) {
        return field_error("resource_type", "must not be empty");
    }
    Result<std::optional<Row>> inserted = executor.query_one(
        "INSERT INTO audit_log (at, username, auth_method, client_address, action, "
        "resource_type, resource_id, before, after, result) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {entry.at, entry.actor.username, entry.actor.auth_method, entry.actor.client_address,
         entry.action, entry.resource_type, entry.resource_id,
         nullable(optional_json(entry.before)), nullable(optional_json(entry.after)),
         entry.result});
    if (!inserted) {
        return inserted.error();
    }
    return (*inserted)->integer(0);
}

Result<std::int64_t> write_audit(SqlExecutor& executor, const AuditActor& actor, UnixSeconds now,
                                 std::string_view action, std::string_view resource_type,
                                 std::string resource_id, std::optional<json::value> before,
                                 std::optional<json::value> after, std::string result) {
    AuditEntry entry;
    entry.at = now;
    entry.actor = actor;
    entry.action = std::string(action);
    entry.resource_type = std::string(resource_type);
    entry.resource_id = std::move(resource_id);
    entry.before = std::move(before);
    entry.after = std::move(after);
    entry.result = std::move(result);
    return write_audit_entry(executor, entry);
}

Result<Page<AuditEntry>> list_audit_entries(SqlExecutor& executor, const AuditFilter& filter,
                                            const PageRequest& page) {
    if (Result<void> valid = validate_page(page); !valid) {
        return valid.error();
    }
    SqlParams params;
    std::string where = where_clause(filter, params);

    Result<std::int64_t> count =
        count_rows(executor, "SELECT COUNT(*) FROM audit_log" + where, params);
    if (!count) {
        return count.error();
    }
    Result<std::vector<Row>> rows =
        executor.query("SELECT " + std::string(kColumns) + " FROM audit_log" + where +
                           " ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
                       with_page(params, page));
    if (!rows) {
        return rows.error();
    }

    Page<AuditEntry> result{*count, {}};
    for (const Row& row : *rows) {
        result.items.push_back(read_entry(row));
    }
    return result;
}

Result<std::optional<AuditEntry>> find_audit_entry(SqlExecutor& executor, std::int64_t id) {
    Result<std::optional<Row>> row = executor.query_one(
        "SELECT " + std::string(kColumns) + " FROM audit_log WHERE id = ?", {id});
    if (!row) {
        return row.error();
    }
    if (!row->has_value()) {
        return std::optional<AuditEntry>();
    }
    return std::optional<AuditEntry>(read_entry(**row));
}

Result<std::int64_t> prune_audit_log(SqlExecutor& executor, UnixSeconds now,
                                     std::int64_t retention_days) {
    if (retention_days <= 0) {
        return field_error("audit_retention_days", "must be a positive number of days");
    }
    return executor.execute("DELETE FROM audit_log WHERE at < ?",
                            {now - retention_days * kSecondsPerDay});
}

boost::json::object to_json(const AuditEntry& entry) {
    return json::object{{"id", entry.id},
                        {"at", format_timestamp(entry.at)},
                        {"username", entry.actor.username},
                        {"auth_method", entry.actor.auth_method},
                        {"client_address", entry.actor.client_address},
                        {"action", entry.action},
                        {"resource_type", entry.resource_type},
                        {"resource_id", entry.resource_id},
                        {"before", entry.before.value_or(nullptr)},
                        {"after", entry.after.value_or(nullptr)},
                        {"result", entry.result}};
}

}  // namespace inmor::admin
