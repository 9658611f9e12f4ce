// PostgresConnection: one libpq connection, parameter passing and error
// translation by SQLSTATE.
#include "admin/db/postgres/postgres_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <string>

namespace inmor::admin {
namespace {

// SQLSTATE codes (PostgreSQL "Errors and Messages" appendix).
constexpr std::string_view kUniqueViolation = "23505";
constexpr std::string_view kNotNullViolation = "23502";
constexpr std::string_view kForeignKeyViolation = "23503";
constexpr std::string_view kCheckViolation = "23514";
constexpr std::string_view kSerializationFailure = "40001";
constexpr std::string_view kDeadlockDetected = "40P01";

std::string field_of(const PGresult* result, int field) {
    const char* value = PQresultErrorField(result, field);
    return value ? value : "";
}

// Turns 'Key (tmt_id, domain)=(1, x) already exists.' into "domain": the
// last column named in the key.
std::string last_key_column(std::string_view detail) {
    std::size_t open = detail.find("Key (");
    std::size_t close = detail.find(")=");
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
        return "value";
    }
    std::string_view columns = detail.substr(open + 5, close - open - 5);
    std::size_t comma = columns.rfind(", ");
    return std::string(comma == std::string_view::npos ? columns : columns.substr(comma + 2));
}

// Without a timeout, a server behind a dropping firewall stalls the connect
// for the kernel's TCP timeout, minutes.
constexpr const char* kDefaultConnectTimeoutSeconds = "10";

void ignore_notice(void*, const char*) {}

class PostgresConnection final : public Connection {
public:
    explicit PostgresConnection(PGconn* handle) : handle_(handle) {
        PQsetNoticeProcessor(handle_, ignore_notice, nullptr);
    }
    ~PostgresConnection() override { PQfinish(handle_); }
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;

    DatabaseEngine engine() const override { return DatabaseEngine::kPostgres; }
    // A connection left inside a transaction (a failed ROLLBACK) is not reused.
    bool healthy() const override {
        return PQstatus(handle_) == CONNECTION_OK && PQtransactionStatus(handle_) == PQTRANS_IDLE;
    }

    Result<void> begin() override { return run_plain("BEGIN"); }
    Result<void> commit() override { return run_plain("COMMIT"); }
    Result<void> rollback() override { return run_plain("ROLLBACK"); }

    Result<QueryResult> run(std::string_view sql, const SqlParams& params) override {
        // libpq takes every value as text; integers are sent in decimal.
        std::vector<std::string> texts(params.size());
        std::vector<const char*> values(params.size(), nullptr);
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (const auto* integer = std::get_if<std::int64_t>(&params[i])) {
                texts[i] = std::to_string(*integer);
                values[i] = texts[i].c_str();
            } else if (const auto* text = std::get_if<std::string>(&params[i])) {
                values[i] = text->c_str();
            }
        }

        std::string numbered = number_placeholders(sql);
        PGresult* result = PQexecParams(handle_, numbered.c_str(), static_cast<int>(params.size()),
                                        nullptr, values.data(), nullptr, nullptr, 0);
        Result<QueryResult> outcome = read_result(result, sql);
        PQclear(result);
        return outcome;
    }

private:
    Result<QueryResult> read_result(PGresult* result, std::string_view sql) {
        ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            return translate_error(result, sql);
        }

        QueryResult outcome;
        int rows = PQntuples(result);
        int columns = PQnfields(result);
        outcome.rows.reserve(static_cast<std::size_t>(rows));
        for (int row = 0; row < rows; ++row) {
            std::vector<std::optional<std::string>> values;
            values.reserve(static_cast<std::size_t>(columns));
            for (int column = 0; column < columns; ++column) {
                if (PQgetisnull(result, row, column)) {
                    values.emplace_back();
                } else {
                    values.emplace_back(std::string(PQgetvalue(result, row, column),
                                                    PQgetlength(result, row, column)));
                }
            }
            outcome.rows.emplace_back(std::move(values));
        }

        std::string_view changed = PQcmdTuples(result);
        std::from_chars(changed.data(), changed.data() + changed.size(), outcome.affected_rows);
        return outcome;
    }

    Error translate_error(const PGresult* result, std::string_view sql) const {
        std::string driver_text = result ? PQresultErrorMessage(result) : PQerrorMessage(handle_);
        std::string detail =
            "postgres: " + driver_text + " (" + std::string(sql.substr(0, 120)) + ")";
        if (PQstatus(handle_) != CONNECTION_OK) {
            return Error::unavailable("database server is unreachable", detail);
        }

        std::string state = field_of(result, PG_DIAG_SQLSTATE);
        if (state == kUniqueViolation) {
            std::string column = last_key_column(field_of(result, PG_DIAG_MESSAGE_DETAIL));
            return {ErrorCode::kInvalidRequest, column + ": already exists", detail};
        }
        if (state == kNotNullViolation) {
            std::string column = field_of(result, PG_DIAG_COLUMN_NAME);
            return {ErrorCode::kInvalidRequest, column + ": is required", detail};
        }
        if (state == kCheckViolation) {
            // Check constraints are named after the column they guard.
            return {ErrorCode::kInvalidRequest,
                    field_of(result, PG_DIAG_CONSTRAINT_NAME) + ": is out of range", detail};
        }
        if (state == kForeignKeyViolation) {
            std::string column = last_key_column(field_of(result, PG_DIAG_MESSAGE_DETAIL));
            return {ErrorCode::kInvalidRequest, column + ": refers to a row that does not exist",
                    detail};
        }
        // Class 08 is a connection exception, 57P an operator intervention.
        bool transient = state == kSerializationFailure || state == kDeadlockDetected ||
                         state.starts_with("08") || state.starts_with("57P");
        if (transient) {
            return Error::unavailable("database is busy, try again", detail);
        }
        return Error::server_error("database error", detail);
    }

    PGconn* handle_;
};

}  // namespace

std::string number_placeholders(std::string_view sql) {
    std::string numbered;
    numbered.reserve(sql.size() + 16);
    char quote = 0;
    int next = 1;
    for (char c : sql) {
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            }
            numbered += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            numbered += c;
        } else if (c == '?') {
            numbered += '$';
            numbered += std::to_string(next++);
        } else {
            numbered += c;
        }
    }
    return numbered;
}

Result<std::unique_ptr<Connection>> open_postgres_connection(const std::string& url) {
    // Defaults first: settings in the URL, expanded from "dbname", override them.
    const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {kDefaultConnectTimeoutSeconds, "inmor-admin", url.c_str(), nullptr};
    PGconn* handle = PQconnectdbParams(keywords, values, 1);
    if (handle == nullptr) {
        return Error::server_error("cannot allocate a PostgreSQL connection");
    }
    if (PQstatus(handle) != CONNECTION_OK) {
        // libpq's message names host and port but never the password.
        std::string detail = PQerrorMessage(handle);
        PQfinish(handle);
        return Error::unavailable("database server is unreachable", "postgres: " + detail);
    }
    return std::unique_ptr<Connection>(std::make_unique<PostgresConnection>(handle));
}

}  // namespace inmor::admin
