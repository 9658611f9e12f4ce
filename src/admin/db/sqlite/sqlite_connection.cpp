// SqliteConnection: one sqlite3 handle, its statements and error translation.
#include "admin/db/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <string>

namespace inmor::admin {
namespace {

// Turns "UNIQUE constraint failed: trust_marks.tmt_id, trust_marks.domain"
// into "domain": the last column named, without its table.
std::string last_column_named(std::string_view message) {
    std::size_t colon = message.find(": ");
    std::string_view columns = colon == std::string_view::npos ? "" : message.substr(colon + 2);
    std::size_t comma = columns.rfind(", ");
    std::string_view last = comma == std::string_view::npos ? columns : columns.substr(comma + 2);
    std::size_t dot = last.rfind('.');
    return std::string(dot == std::string_view::npos ? last : last.substr(dot + 1));
}

Error translate_error(sqlite3* handle, int code, std::string_view sql) {
    std::string driver_text = sqlite3_errmsg(handle);
    std::string detail = "sqlite: " + driver_text + " (" + std::string(sql.substr(0, 120)) + ")";
    int extended = sqlite3_extended_errcode(handle);

    switch (extended) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            return {ErrorCode::kInvalidRequest, last_column_named(driver_text) + ": already exists",
                    detail};
        case SQLITE_CONSTRAINT_NOTNULL:
            return {ErrorCode::kInvalidRequest, last_column_named(driver_text) + ": is required",
                    detail};
        case SQLITE_CONSTRAINT_CHECK:
            // Check constraints are named after the column they guard.
            return {ErrorCode::kInvalidRequest,
                    last_column_named(driver_text) + ": is out of range", detail};
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            return {ErrorCode::kInvalidRequest, "reference: refers to a row that does not exist",
                    detail};
        default:
            break;
    }
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
        return Error::unavailable("database is busy, try again", detail);
    }
    return Error::server_error("database error", detail);
}

class SqliteConnection final : public Connection {
public:
    explicit SqliteConnection(sqlite3* handle) : handle_(handle) {}
    ~SqliteConnection() override { sqlite3_close_v2(handle_); }
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    DatabaseEngine engine() const override { return DatabaseEngine::kSqlite; }
    // A connection left inside a transaction (a failed ROLLBACK) is not reused.
    bool healthy() const override { return sqlite3_get_autocommit(handle_) != 0; }

    // IMMEDIATE takes the write lock up front: a deferred transaction that
    // later upgrades can fail with SQLITE_BUSY without waiting.
    Result<void> begin() override { return run_plain("BEGIN IMMEDIATE"); }
    Result<void> commit() override { return run_plain("COMMIT"); }
    Result<void> rollback() override { return run_plain("ROLLBACK"); }

    Result<QueryResult> run(std::string_view sql, const SqlParams& params) override {
        sqlite3_stmt* statement = nullptr;
        int code = sqlite3_prepare_v2(handle_, sql.data(), static_cast<int>(sql.size()),
                                      &statement, nullptr);
        if (code != SQLITE_OK) {
            return translate_error(handle_, code, sql);
        }
        Result<QueryResult> result = bind_and_step(statement, sql, params);
        sqlite3_finalize(statement);
        return result;
    }

private:
    Result<QueryResult> bind_and_step(sqlite3_stmt* statement, std::string_view sql,
                                      const SqlParams& params) {
        for (std::size_t i = 0; i < params.size(); ++i) {
            int code = bind(statement, static_cast<int>(i + 1), params[i]);
            if (code != SQLITE_OK) {
                return translate_error(handle_, code, sql);
            }
        }

        QueryResult result;
        int columns = sqlite3_column_count(statement);
        for (;;) {
            int code = sqlite3_step(statement);
            if (code == SQLITE_DONE) {
                break;
            }
            if (code != SQLITE_ROW) {
                return translate_error(handle_, code, sql);
            }
            result.rows.push_back(read_row(statement, columns));
        }
        result.affected_rows = sqlite3_changes64(handle_);
        return result;
    }

    static int bind(sqlite3_stmt* statement, int index, const SqlValue& value) {
        if (const auto* integer = std::get_if<std::int64_t>(&value)) {
            return sqlite3_bind_int64(statement, index, *integer);
        }
        if (const auto* text = std::get_if<std::string>(&value)) {
            return sqlite3_bind_text(statement, index, text->data(),
                                     static_cast<int>(text->size()), SQLITE_TRANSIENT);
        }
        return sqlite3_bind_null(statement, index);
    }

    static Row read_row(sqlite3_stmt* statement, int columns) {
        std::vector<std::optional<std::string>> values;
        values.reserve(static_cast<std::size_t>(columns));
        for (int column = 0; column < columns; ++column) {
            if (sqlite3_column_type(statement, column) == SQLITE_NULL) {
                values.emplace_back();
                continue;
            }
            const auto* text =
                reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
            int size = sqlite3_column_bytes(statement, column);
            values.emplace_back(std::string(text, static_cast<std::size_t>(size)));
        }
        return Row(std::move(values));
    }

    sqlite3* handle_;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_sqlite_connection(const std::filesystem::path& path,
                                                          int busy_timeout_milliseconds) {
    sqlite3* handle = nullptr;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int code = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
    if (code != SQLITE_OK) {
        std::string detail = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(code);
        sqlite3_close_v2(handle);
        return Error::unavailable("cannot open the SQLite database",
                                  path.string() + ": " + detail);
    }
    auto connection = std::make_unique<SqliteConnection>(handle);
    sqlite3_busy_timeout(handle, busy_timeout_milliseconds);

    // WAL lets readers run beside the one writer; NORMAL sync is safe with WAL.
    for (std::string_view pragma : {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON",
                                    "PRAGMA synchronous=NORMAL"}) {
        Result<QueryResult> applied = connection->run(pragma, {});
        if (!applied) {
            return applied.error();
        }
    }
    return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace inmor::admin
