// The connection pool, transactions and URL handling shared by both engines.
#include "admin/database.h"

#include "admin/db/postgres/postgres_connection.h"
#include "admin/db/sqlite/sqlite_connection.h"

#include <charconv>
#include <system_error>

namespace inmor::admin {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";
constexpr std::string_view kPostgresPrefixes[] = {"postgresql://", "postgres://"};

const std::string kEmpty;

bool starts_with_postgres(std::string_view url) {
    for (std::string_view prefix : kPostgresPrefixes) {
        if (url.starts_with(prefix)) {
            return true;
        }
    }
    return false;
}

Result<std::filesystem::path> prepare_sqlite_path(std::string_view url,
                                                  const std::filesystem::path& config_dir) {
    std::filesystem::path path(std::string(url.substr(kSqlitePrefix.size())));
    if (path.empty()) {
        return Error::invalid_request("database_url: sqlite: needs a file path");
    }
    if (path.is_relative()) {
        path = config_dir / path;
    }

    // The data folder may not exist yet on a fresh deployment.
    std::error_code failure;
    std::filesystem::create_directories(path.parent_path(), failure);
    if (failure) {
        return Error::server_error("database_url: cannot create the folder of the SQLite file",
                                   path.parent_path().string() + ": " + failure.message());
    }
    return path;
}

}  // namespace

SqlValue nullable(const std::optional<std::string>& value) {
    if (!value) {
        return nullptr;
    }
    return *value;
}

SqlValue nullable(const std::optional<std::int64_t>& value) {
    if (!value) {
        return nullptr;
    }
    return *value;
}

bool Row::is_null(std::size_t column) const {
    return column >= values_.size() || !values_[column].has_value();
}

const std::string& Row::text(std::size_t column) const {
    return is_null(column) ? kEmpty : *values_[column];
}

std::optional<std::string> Row::optional_text(std::size_t column) const {
    if (is_null(column)) {
        return std::nullopt;
    }
    return *values_[column];
}

std::int64_t Row::integer(std::size_t column) const {
    return optional_integer(column).value_or(0);
}

std::optional<std::int64_t> Row::optional_integer(std::size_t column) const {
    if (is_null(column)) {
        return std::nullopt;
    }
    const std::string& text = *values_[column];
    std::int64_t value = 0;
    auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (failure != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

Result<std::vector<Row>> SqlExecutor::query(std::string_view sql, const SqlParams& params) {
    Result<QueryResult> result = run(sql, params);
    if (!result) {
        return result.error();
    }
    return std::move(result->rows);
}

Result<std::optional<Row>> SqlExecutor::query_one(std::string_view sql, const SqlParams& params) {
    Result<QueryResult> result = run(sql, params);
    if (!result) {
        return result.error();
    }
    if (result->rows.empty()) {
        return std::optional<Row>();
    }
    return std::optional<Row>(std::move(result->rows.front()));
}

Result<std::int64_t> SqlExecutor::execute(std::string_view sql, const SqlParams& params) {
    Result<QueryResult> result = run(sql, params);
    if (!result) {
        return result.error();
    }
    return result->affected_rows;
}

Result<void> Connection::run_plain(std::string_view sql) {
    Result<QueryResult> result = run(sql, {});
    if (!result) {
        return result.error();
    }
    return {};
}

bool is_duplicate_error(const Error& error, std::string_view column) {
    return error.code() == ErrorCode::kInvalidRequest &&
           error.message() == std::string(column) + ": already exists";
}

/// A connection checked out of the pool, returned when the lease ends.
class Database::Lease {
public:
    Lease(Database& database, std::unique_ptr<Connection> connection)
        : database_(database), connection_(std::move(connection)) {}
    ~Lease() { database_.release(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

private:
    Database& database_;
    std::unique_ptr<Connection> connection_;
};

Result<std::unique_ptr<Database>> Database::open(std::string_view url,
                                                 const std::filesystem::path& config_dir,
                                                 std::size_t max_connections) {
    std::unique_ptr<Database> database;
    if (url.starts_with(kSqlitePrefix)) {
        Result<std::filesystem::path> path = prepare_sqlite_path(url, config_dir);
        if (!path) {
            return path.error();
        }
        database = std::make_unique<Database>(
            DatabaseEngine::kSqlite, [file = *path] { return open_sqlite_connection(file); },
            max_connections);
    } else if (starts_with_postgres(url)) {
        database = std::make_unique<Database>(
            DatabaseEngine::kPostgres,
            [address = std::string(url)] { return open_postgres_connection(address); },
            max_connections);
    } else {
        return Error::invalid_request(
            "database_url: must start with sqlite: or postgresql://");
    }

    // Connect once now so a wrong URL or a stopped server shows at start.
    Result<std::unique_ptr<Connection>> first = database->acquire();
    if (!first) {
        return first.error();
    }
    database->release(std::move(*first));
    return database;
}

Database::Database(DatabaseEngine engine, ConnectionFactory factory, std::size_t max_connections)
    : engine_(engine), factory_(std::move(factory)),
      max_connections_(max_connections == 0 ? 1 : max_connections) {}

Database::~Database() = default;

Result<std::unique_ptr<Connection>> Database::acquire() {
    {
        std::unique_lock lock(mutex_);
        available_.wait(lock, [this] { return !idle_.empty() || open_count_ < max_connections_; });
        if (!idle_.empty()) {
            std::unique_ptr<Connection> connection = std::move(idle_.back());
            idle_.pop_back();
            return connection;
        }
        ++open_count_;
    }

    // Connecting may take a while; do it without holding the pool lock.
    Result<std::unique_ptr<Connection>> connection = factory_();
    if (!connection) {
        std::lock_guard lock(mutex_);
        --open_count_;
        available_.notify_one();
    }
    return connection;
}

void Database::release(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(mutex_);
    if (connection && connection->healthy()) {
        idle_.push_back(std::move(connection));
    } else {
        --open_count_;
    }
    available_.notify_one();
}

Result<QueryResult> Database::run(std::string_view sql, const SqlParams& params) {
    Result<std::unique_ptr<Connection>> connection = acquire();
    if (!connection) {
        return connection.error();
    }
    Lease lease(*this, std::move(*connection));
    return lease->run(sql, params);
}

Result<void> Database::run_transaction(const std::function<Result<void>(SqlExecutor&)>& work) {
    Result<std::unique_ptr<Connection>> connection = acquire();
    if (!connection) {
        return connection.error();
    }
    Lease lease(*this, std::move(*connection));

    Result<void> begun = lease->begin();
    if (!begun) {
        return begun.error();
    }

    // Any failure, returned or thrown, leaves no partial write behind.
    Result<void> outcome;
    try {
        outcome = work(*lease);
    } catch (...) {
        (void)lease->rollback();
        throw;
    }
    if (!outcome) {
        (void)lease->rollback();
        return outcome.error();
    }

    Result<void> committed = lease->commit();
    if (!committed) {
        (void)lease->rollback();
        return committed.error();
    }
    return {};
}

}  // namespace inmor::admin
