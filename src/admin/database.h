// Database: the admin's durable store behind one interface, with a SQLite
// engine (embedded) and a PostgreSQL engine, a connection pool and transactions.
#pragma once

#include "common/error.h"

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace inmor::admin {

enum class DatabaseEngine { kSqlite, kPostgres };

/// A bound parameter: SQL NULL, a 64-bit integer or text.
using SqlValue = std::variant<std::nullptr_t, std::int64_t, std::string>;
using SqlParams = std::vector<SqlValue>;

/// Maps an optional value to a parameter, NULL when absent.
SqlValue nullable(const std::optional<std::string>& value);
SqlValue nullable(const std::optional<std::int64_t>& value);

/// One result row. Every engine hands values over as text (or NULL); the
/// accessors convert them. Columns are addressed by their position in the
/// SELECT list.
class Row {
public:
    explicit Row(std::vector<std::optional<std::string>> values) : values_(std::move(values)) {}

    std::size_t size() const { return values_.size(); }
    bool is_null(std::size_t column) const;
    /// The text of a column; empty for NULL.
    const std::string& text(std::size_t column) const;
    std::optional<std::string> optional_text(std::size_t column) const;
    /// The integer in a column; 0 for NULL or text that is not an integer.
    std::int64_t integer(std::size_t column) const;
    std::optional<std::int64_t> optional_integer(std::size_t column) const;
    /// A 0/1 column (booleans are stored as integers on both engines).
    bool boolean(std::size_t column) const { return integer(column) != 0; }

private:
    std::vector<std::optional<std::string>> values_;
};

/// The rows of one statement and, for writes, the number of rows changed.
struct QueryResult {
    std::vector<Row> rows;
    std::int64_t affected_rows = 0;
};

/// Runs single SQL statements. Statements use `?` placeholders on both
/// engines and never carry values in their text.
///
/// Errors: kTemporarilyUnavailable when the database server cannot be
/// reached, kInvalidRequest "FIELD: ..." for a constraint violation naming
/// the column, kServerError otherwise. Driver text only ever goes to
/// Error::detail.
class SqlExecutor {
public:
    virtual ~SqlExecutor() = default;

    virtual Result<QueryResult> run(std::string_view sql, const SqlParams& params) = 0;
    virtual DatabaseEngine engine() const = 0;

    /// Runs a statement and returns its rows.
    Result<std::vector<Row>> query(std::string_view sql, const SqlParams& params = {});
    /// Runs a statement expected to return at most one row.
    Result<std::optional<Row>> query_one(std::string_view sql, const SqlParams& params = {});
    /// Runs a write and returns the number of rows it changed.
    Result<std::int64_t> execute(std::string_view sql, const SqlParams& params = {});
};

/// One driver connection, implemented in db/sqlite and db/postgres. Used by
/// one thread at a time (the pool hands it out).
class Connection : public SqlExecutor {
public:
    virtual Result<void> begin() = 0;
    virtual Result<void> commit() = 0;
    virtual Result<void> rollback() = 0;
    /// False once the link to the server is lost or a transaction was left
    /// open; the pool then closes the connection instead of reusing it.
    virtual bool healthy() const = 0;

protected:
    /// Runs a statement that takes no parameters and returns no rows, such as
    /// BEGIN, COMMIT or ROLLBACK.
    Result<void> run_plain(std::string_view sql);
};

using ConnectionFactory = std::function<Result<std::unique_ptr<Connection>>()>;

/// True when `error` is the unique-constraint violation on `column` that the
/// engines report as "COLUMN: already exists".
bool is_duplicate_error(const Error& error, std::string_view column);

/// The durable store: a bounded pool of connections to one database, safe to
/// share between threads. Single statements run in autocommit mode;
/// with_transaction runs several as one unit.
class Database final : public SqlExecutor {
public:
    /// Opens `url`: `sqlite:PATH` (relative to `config_dir`, parent folders
    /// created) or `postgresql://user:pass@host:port/db[?options]`. Opens one
    /// connection at once so an unreachable server is reported here
    /// (kTemporarilyUnavailable) rather than on first use.
    static Result<std::unique_ptr<Database>> open(std::string_view url,
                                                  const std::filesystem::path& config_dir,
                                                  std::size_t max_connections = 8);

    Database(DatabaseEngine engine, ConnectionFactory factory, std::size_t max_connections);
    ~Database() override;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Result<QueryResult> run(std::string_view sql, const SqlParams& params) override;
    DatabaseEngine engine() const override { return engine_; }

    /// Runs `work` inside one transaction on one connection. Commits when it
    /// returns a value, rolls back when it returns an error or throws (and
    /// rethrows). `work` receives the executor to use and returns Result<T>.
    /// Inside `work`, run statements only through that executor: the Database
    /// itself would take a second connection, which on SQLite waits for this
    /// transaction's write lock and fails after the busy timeout.
    template <class Work>
    auto with_transaction(Work&& work) -> decltype(work(std::declval<SqlExecutor&>()));

private:
    class Lease;

    Result<void> run_transaction(const std::function<Result<void>(SqlExecutor&)>& work);
    Result<std::unique_ptr<Connection>> acquire();
    void release(std::unique_ptr<Connection> connection);

    DatabaseEngine engine_;
    ConnectionFactory factory_;
    std::size_t max_connections_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_count_ = 0;
};

template <class Work>
auto Database::with_transaction(Work&& work) -> decltype(work(std::declval<SqlExecutor&>())) {
    using Outcome = decltype(work(std::declval<SqlExecutor&>()));
    std::optional<Outcome> outcome;
    Result<void> status = run_transaction([&](SqlExecutor& transaction) -> Result<void> {
        outcome.emplace(work(transaction));
        if (!outcome->has_value()) {
            return outcome->error();
        }
        return {};
    });
    if (!status) {
        return status.error();
    }
    return std::move(*outcome);
}

}  // namespace inmor::admin
