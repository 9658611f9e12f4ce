// The embedded engine: strings, hashes, sets and sorted sets as SQLite tables,
// with a change log that subscriptions poll instead of Redis pub/sub.
#include "storage/sqlite/sqlite_store.h"

#include "common/logging.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace inmor::storage {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<spdlog::logger> log() {
    static const auto instance = inmor::logger("storage");
    return instance;
}

// Idle connections kept for reuse; more are opened under load and closed
// when returned to a full pool.
constexpr std::size_t kMaxIdleConnections = 8;
// How often the store compares its path with the file it has open.
constexpr std::chrono::milliseconds kFileCheckPeriod{500};
// Rows a subscription reads from the change log per poll.
constexpr int kChangesPerPoll = 1000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS strings (
    key TEXT PRIMARY KEY, value BLOB NOT NULL, expires_at INTEGER) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS strings_expiry ON strings (expires_at)
    WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS hashes (
    key TEXT NOT NULL, field TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (key, field)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sets (
    key TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (key, member)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sorted_sets (
    key TEXT NOT NULL, member TEXT NOT NULL, score REAL NOT NULL,
    PRIMARY KEY (key, member)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS changes_at ON changes (at);
)sql";

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Busy and locked mean another process holds the write lock for too long:
// a transient condition callers may retry.
Error sqlite_error(sqlite3* db, int code, std::string_view what) {
    std::string detail = std::string(what) + ": " + sqlite3_errstr(code);
    if (db != nullptr) {
        detail += " (" + std::string(sqlite3_errmsg(db)) + ")";
    }
    const int primary = code & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        return Error::unavailable("federation store is busy", std::move(detail));
    }
    return Error::server_error("federation store failed", std::move(detail));
}

// A prepared statement borrowed from a connection's cache; reset on release.
class Statement {
public:
    Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
    Statement(Statement&& other) noexcept
        : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;
    ~Statement() {
        if (statement_ == nullptr) return;
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
    }

    Statement& bind_text(int index, std::string_view text) {
        sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                            SQLITE_UTF8);
        return *this;
    }
    Statement& bind_blob(int index, std::string_view bytes) {
        // A zero-length blob needs a non-null pointer to be stored as a blob.
        static const char kEmpty = 0;
        sqlite3_bind_blob64(statement_, index, bytes.empty() ? &kEmpty : bytes.data(),
                            bytes.size(), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind_int(int index, std::int64_t value) {
        sqlite3_bind_int64(statement_, index, value);
        return *this;
    }
    Statement& bind_double(int index, double value) {
        sqlite3_bind_double(statement_, index, value);
        return *this;
    }

    /// Steps once: true with a row, false when done.
    Result<bool> step() {
        const int code = sqlite3_step(statement_);
        if (code == SQLITE_ROW) return true;
        if (code == SQLITE_DONE) return false;
        return sqlite_error(db_, code, sqlite3_sql(statement_));
    }
    /// Runs a statement that returns no rows.
    Result<void> run() {
        auto stepped = step();
        if (!stepped) return stepped.error();
        return {};
    }

    std::string column_text(int index) const {
        const auto* data = sqlite3_column_blob(statement_, index);
        const int size = sqlite3_column_bytes(statement_, index);
        return data == nullptr ? std::string() :
                                 std::string(static_cast<const char*>(data), size);
    }
    std::int64_t column_int(int index) const { return sqlite3_column_int64(statement_, index); }

private:
    sqlite3* db_;
    sqlite3_stmt* statement_;
};

// The identity of the file a path names: device and inode. A writer that deletes the
// store and creates it again makes a new file under the same path, which
// open connections never see, so the path is compared with what they opened.
struct FileId {
    dev_t device = 0;
    ino_t inode = 0;

    bool operator==(const FileId&) const = default;
};

// The file `path` names now; nothing when it is missing (deleted, and not yet
// created again), then connections keep the file they have open.
std::optional<FileId> file_id_of(const std::string& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return std::nullopt;
    return FileId{status.st_dev, status.st_ino};
}

// One sqlite3 handle with its prepared statements, used by one thread at a time.
class Connection {
public:
    static Result<std::unique_ptr<Connection>> open(const std::string& path,
                                                    const SqliteStoreOptions& options) {
        sqlite3* db = nullptr;
        const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
        const int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
        auto connection = std::unique_ptr<Connection>(new Connection(db));
        if (code != SQLITE_OK) {
            return sqlite_error(db, code, "open " + path);
        }
        connection->file_id_ = file_id_of(path);
        sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
        sqlite3_extended_result_codes(db, 1);
        if (auto set = connection->execute("PRAGMA synchronous=NORMAL"); !set) {
            return set.error();
        }
        return connection;
    }

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() {
        for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
        sqlite3_close_v2(db_);
    }

    /// True while a transaction is open, which only a failed ROLLBACK leaves
    /// behind after a call returns.
    bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

    /// The file this connection opened, when it could be read.
    const std::optional<FileId>& file_id() const { return file_id_; }

    /// Runs SQL without parameters (schema, pragmas, transaction control).
    Result<void> execute(const char* sql) {
        char* message = nullptr;
        const int code = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
        sqlite3_free(message);
        if (code != SQLITE_OK) return sqlite_error(db_, code, sql);
        return {};
    }

    /// A cached prepared statement for `sql`, which must be a string literal
    /// (the cache is keyed by its address).
    Result<Statement> prepare(const char* sql) {
        auto found = statements_.find(sql);
        if (found == statements_.end()) {
            sqlite3_stmt* statement = nullptr;
            const int code = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                                &statement, nullptr);
            if (code != SQLITE_OK) return sqlite_error(db_, code, sql);
            found = statements_.emplace(sql, statement).first;
        }
        return Statement(db_, found->second);
    }

private:
    explicit Connection(sqlite3* db) : db_(db) {}

    sqlite3* db_;
    std::optional<FileId> file_id_;
    std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

// Prepares `sql` into `name` or returns its error from the enclosing function.
#define INMOR_PREPARE(name, connection, sql)        \
    auto name##_prepared = (connection).prepare(sql); \
    if (!name##_prepared) return name##_prepared.error(); \
    Statement& name = *name##_prepared

// ---- SQL ----------------------------------------------------------------------

constexpr const char* kGet =
    "SELECT value FROM strings WHERE key = ?1 AND (expires_at IS NULL OR expires_at > ?2)";
constexpr const char* kHashGet = "SELECT value FROM hashes WHERE key = ?1 AND field = ?2";
constexpr const char* kHashGetAll =
    "SELECT field, value FROM hashes WHERE key = ?1 ORDER BY field";
constexpr const char* kHashFields = "SELECT field FROM hashes WHERE key = ?1 ORDER BY field";
constexpr const char* kHashLength = "SELECT count(*) FROM hashes WHERE key = ?1";
constexpr const char* kSetMembers = "SELECT member FROM sets WHERE key = ?1 ORDER BY member";
constexpr const char* kSetContains = "SELECT 1 FROM sets WHERE key = ?1 AND member = ?2";
constexpr const char* kSetSize = "SELECT count(*) FROM sets WHERE key = ?1";
constexpr const char* kSortedAfter =
    "SELECT member FROM sorted_sets WHERE key = ?1 AND member > ?2 "
    "ORDER BY member LIMIT ?3";
constexpr const char* kSortedSize = "SELECT count(*) FROM sorted_sets WHERE key = ?1";
constexpr const char* kKeyExists =
    "SELECT EXISTS (SELECT 1 FROM strings WHERE key = ?1) "
    "OR EXISTS (SELECT 1 FROM hashes WHERE key = ?1) "
    "OR EXISTS (SELECT 1 FROM sets WHERE key = ?1) "
    "OR EXISTS (SELECT 1 FROM sorted_sets WHERE key = ?1)";

constexpr const char* kPruneExpired =
    "DELETE FROM strings WHERE expires_at IS NOT NULL AND expires_at <= ?1";
constexpr const char* kPruneExpiredKey =
    "DELETE FROM strings WHERE key = ?1 AND expires_at IS NOT NULL AND expires_at <= ?2";
constexpr const char* kPutString =
    "INSERT INTO strings (key, value, expires_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at";
constexpr const char* kDeleteString = "DELETE FROM strings WHERE key = ?1";
constexpr const char* kDeleteHash = "DELETE FROM hashes WHERE key = ?1";
constexpr const char* kDeleteSet = "DELETE FROM sets WHERE key = ?1";
constexpr const char* kDeleteSorted = "DELETE FROM sorted_sets WHERE key = ?1";
constexpr const char* kPutField =
    "INSERT INTO hashes (key, field, value) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (key, field) DO UPDATE SET value = excluded.value";
constexpr const char* kDeleteField = "DELETE FROM hashes WHERE key = ?1 AND field = ?2";
constexpr const char* kAddMember = "INSERT OR IGNORE INTO sets (key, member) VALUES (?1, ?2)";
constexpr const char* kRemoveMember = "DELETE FROM sets WHERE key = ?1 AND member = ?2";
constexpr const char* kAddScored =
    "INSERT INTO sorted_sets (key, member, score) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (key, member) DO UPDATE SET score = excluded.score";
constexpr const char* kRenameString = "UPDATE strings SET key = ?2 WHERE key = ?1";
constexpr const char* kRenameHash = "UPDATE hashes SET key = ?2 WHERE key = ?1";
constexpr const char* kRenameSet = "UPDATE sets SET key = ?2 WHERE key = ?1";
constexpr const char* kRenameSorted = "UPDATE sorted_sets SET key = ?2 WHERE key = ?1";
constexpr const char* kLogChange = "INSERT INTO changes (key, at) VALUES (?1, ?2)";
constexpr const char* kPruneChanges = "DELETE FROM changes WHERE at < ?1";
// The last number handed out, which stays after its entry was pruned.
constexpr const char* kLastChange =
    "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)";
constexpr const char* kChangesAfter =
    "SELECT seq, key FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2";

// ---- Writes inside a transaction ------------------------------------------------

Result<void> run_keyed(Connection& connection, const char* sql, std::string_view key) {
    INMOR_PREPARE(statement, connection, sql);
    return statement.bind_text(1, key).run();
}

Result<void> delete_key(Connection& connection, std::string_view key) {
    for (const char* sql : {kDeleteString, kDeleteHash, kDeleteSet, kDeleteSorted}) {
        if (auto done = run_keyed(connection, sql, key); !done) return done;
    }
    return {};
}

// Writing a string replaces any other type under the key, as in Redis.
// NOTE: hash, set and sorted set writes do not check the key's type, so where
// Redis would return WRONGTYPE this engine keeps both. The federation
// layout never writes two types under one key.
Result<void> apply_operation(Connection& connection, const WriteBatch::Set& set,
                             std::int64_t now) {
    for (const char* sql : {kDeleteHash, kDeleteSet, kDeleteSorted}) {
        if (auto done = run_keyed(connection, sql, set.key); !done) return done;
    }
    INMOR_PREPARE(statement, connection, kPutString);
    statement.bind_text(1, set.key).bind_blob(2, set.value);
    if (set.ttl) {
        statement.bind_int(3, now + std::chrono::milliseconds(*set.ttl).count());
    }
    return statement.run();
}

Result<void> apply_operation(Connection& connection, const WriteBatch::Delete& erase,
                             std::int64_t) {
    return delete_key(connection, erase.key);
}

Result<void> apply_operation(Connection& connection, const WriteBatch::HashSet& hash_set,
                             std::int64_t) {
    INMOR_PREPARE(statement, connection, kPutField);
    return statement.bind_text(1, hash_set.key)
        .bind_text(2, hash_set.field)
        .bind_blob(3, hash_set.value)
        .run();
}

Result<void> apply_operation(Connection& connection, const WriteBatch::HashDelete& erase,
                             std::int64_t) {
    INMOR_PREPARE(statement, connection, kDeleteField);
    return statement.bind_text(1, erase.key).bind_text(2, erase.field).run();
}

Result<void> apply_operation(Connection& connection, const WriteBatch::SetAdd& add,
                             std::int64_t) {
    INMOR_PREPARE(statement, connection, kAddMember);
    return statement.bind_text(1, add.key).bind_text(2, add.member).run();
}

Result<void> apply_operation(Connection& connection, const WriteBatch::SetRemove& remove,
                             std::int64_t) {
    INMOR_PREPARE(statement, connection, kRemoveMember);
    return statement.bind_text(1, remove.key).bind_text(2, remove.member).run();
}

Result<void> apply_operation(Connection& connection, const WriteBatch::SortedAdd& add,
                             std::int64_t) {
    INMOR_PREPARE(statement, connection, kAddScored);
    return statement.bind_text(1, add.key).bind_text(2, add.member).bind_double(3, add.score)
        .run();
}

// `to` is cleared first, so a missing `from` leaves `to` deleted; the string
// expiry moves with the key, as with Redis RENAME.
Result<void> apply_operation(Connection& connection, const WriteBatch::Rename& rename,
                             std::int64_t) {
    if (rename.from == rename.to) {
        return {};
    }
    if (auto cleared = delete_key(connection, rename.to); !cleared) {
        return cleared;
    }
    for (const char* sql : {kRenameString, kRenameHash, kRenameSet, kRenameSorted}) {
        INMOR_PREPARE(statement, connection, sql);
        if (auto moved = statement.bind_text(1, rename.from).bind_text(2, rename.to).run();
            !moved) {
            return moved;
        }
    }
    return {};
}

// ---- Change subscription ----------------------------------------------------------

class SqliteSubscription final : public ChangeSubscription {
public:
    SqliteSubscription(std::string path, SqliteStoreOptions options,
                       std::unique_ptr<Connection> connection, std::int64_t last_seq,
                       ChangeCallback callback)
        : path_(std::move(path)), options_(options), connection_(std::move(connection)),
          last_seq_(last_seq), callback_(std::move(callback)), thread_([this] { run(); }) {}

    ~SqliteSubscription() override {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

private:
    void run() {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; })) {
            lock.unlock();
            if (auto polled = poll(); !polled) {
                log()->warn("change log poll failed error={} detail={}",
                            polled.error().message(), polled.error().detail());
            }
            lock.lock();
        }
    }

    Result<void> poll() {
        if (auto followed = follow_replaced_file(); !followed) return followed;
        auto changes = read_changes();
        if (!changes) return changes.error();
        deliver(*changes);
        return {};
    }

    // Reopens the connection when the path names a new file (deleted and
    // created again). The new file has its own change log, so reading starts
    // at its end and listeners get "" because anything may have changed.
    Result<void> follow_replaced_file() {
        const auto current = file_id_of(path_);
        if (!current || current == connection_->file_id()) return {};
        auto reopened = Connection::open(path_, options_);
        if (!reopened) return reopened.error();
        std::int64_t last_seq = 0;
        {
            INMOR_PREPARE(statement, **reopened, kLastChange);
            if (auto row = statement.step(); !row) return row.error();
            last_seq = statement.column_int(0);
        }
        log()->warn("federation store file replaced, following it path={} last_seq={}", path_,
                    last_seq);
        connection_ = std::move(*reopened);
        last_seq_ = last_seq;
        notify("");
        return {};
    }

    // Reads and resets before any callback runs, so no read transaction stays
    // open while listeners work.
    Result<std::vector<std::pair<std::int64_t, std::string>>> read_changes() {
        INMOR_PREPARE(statement, *connection_, kChangesAfter);
        statement.bind_int(1, last_seq_).bind_int(2, kChangesPerPoll);
        std::vector<std::pair<std::int64_t, std::string>> changes;
        for (;;) {
            auto row = statement.step();
            if (!row) return row.error();
            if (!*row) return changes;
            changes.emplace_back(statement.column_int(0), statement.column_text(1));
        }
    }

    void deliver(const std::vector<std::pair<std::int64_t, std::string>>& changes) {

        // Entries are numbered without gaps (AUTOINCREMENT, and a rolled back
        // batch rolls back its numbers too). A gap means entries were pruned
        // before this listener read them, so everything may be stale.
        if (!changes.empty() && changes.front().first != last_seq_ + 1) {
            log()->warn("change log entries missed last_seq={} next_seq={}", last_seq_,
                        changes.front().first);
            notify("");
        }
        for (const auto& [seq, key] : changes) {
            last_seq_ = seq;
            notify(key);
        }
    }

    void notify(const std::string& key) {
        try {
            callback_(key);
        } catch (const std::exception& failure) {
            log()->error("change listener failed key={} error={}", key, failure.what());
        }
    }

    std::string path_;
    SqliteStoreOptions options_;
    std::unique_ptr<Connection> connection_;
    std::int64_t last_seq_;
    ChangeCallback callback_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

// ---- The store ------------------------------------------------------------------------

class SqliteStore final : public KeyValueStore {
public:
    SqliteStore(std::string path, SqliteStoreOptions options)
        : path_(std::move(path)), options_(options) {}

    Result<void> initialize() {
        auto connection = Connection::open(path_, options_);
        if (!connection) return connection.error();

        // WAL lets readers in other processes go on while one process writes.
        if (auto wal = (*connection)->execute("PRAGMA journal_mode=WAL"); !wal) {
            return wal.error();
        }
        if (auto schema = (*connection)->execute(kSchema); !schema) {
            return schema.error();
        }
        current_file_ = (*connection)->file_id();
        release(std::move(*connection));
        return {};
    }

    Result<std::optional<std::string>> get(std::string_view key) override {
        return with_connection([&](Connection& connection) {
            return read_optional(connection, kGet, key, now_ms());
        });
    }

    Result<std::optional<std::string>> hash_get(std::string_view key,
                                                std::string_view field) override {
        return with_connection([&](Connection& connection) {
            return read_optional(connection, kHashGet, key, field);
        });
    }

    Result<std::vector<std::optional<std::string>>> hash_get_many(
        std::string_view key, const std::vector<std::string>& fields) override {
        using Values = std::vector<std::optional<std::string>>;
        return with_connection([&](Connection& connection) -> Result<Values> {
            Values values;
            values.reserve(fields.size());
            for (const auto& field : fields) {
                auto value = read_optional(connection, kHashGet, key, std::string_view(field));
                if (!value) return value.error();
                values.push_back(std::move(*value));
            }
            return values;
        });
    }

    Result<FieldValues> hash_get_all(std::string_view key) override {
        return with_connection([&](Connection& connection) -> Result<FieldValues> {
            INMOR_PREPARE(statement, connection, kHashGetAll);
            statement.bind_text(1, key);
            FieldValues fields;
            for (;;) {
                auto row = statement.step();
                if (!row) return row.error();
                if (!*row) return fields;
                fields.emplace_back(statement.column_text(0), statement.column_text(1));
            }
        });
    }

    Result<std::vector<std::string>> hash_fields(std::string_view key) override {
        return with_connection([&](Connection& connection) {
            return read_column(connection, kHashFields, key);
        });
    }

    Result<std::size_t> hash_length(std::string_view key) override {
        return with_connection([&](Connection& connection) {
            return read_count(connection, kHashLength, key);
        });
    }

    Result<std::vector<std::string>> set_members(std::string_view key) override {
        return with_connection([&](Connection& connection) {
            return read_column(connection, kSetMembers, key);
        });
    }

    Result<bool> set_contains(std::string_view key, std::string_view member) override {
        return with_connection([&](Connection& connection) -> Result<bool> {
            INMOR_PREPARE(statement, connection, kSetContains);
            statement.bind_text(1, key).bind_text(2, member);
            return statement.step();
        });
    }

    Result<std::size_t> set_size(std::string_view key) override {
        return with_connection([&](Connection& connection) {
            return read_count(connection, kSetSize, key);
        });
    }

    Result<std::vector<std::string>> sorted_range_after(std::string_view key,
                                                        std::string_view after,
                                                        std::size_t limit) override {
        const auto bounded = static_cast<std::int64_t>(
            std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
        return with_connection([&](Connection& connection)
                                   -> Result<std::vector<std::string>> {
            INMOR_PREPARE(statement, connection, kSortedAfter);
            statement.bind_text(1, key).bind_text(2, after).bind_int(3, bounded);
            return collect_column(statement);
        });
    }

    Result<std::size_t> sorted_size(std::string_view key) override {
        return with_connection([&](Connection& connection) {
            return read_count(connection, kSortedSize, key);
        });
    }

    Result<bool> set_if_absent(std::string_view key, std::string_view value,
                               std::chrono::seconds ttl) override {
        return with_connection([&](Connection& connection) {
            return in_transaction(connection, [&]() -> Result<bool> {
                const std::int64_t now = now_ms();
                INMOR_PREPARE(prune, connection, kPruneExpiredKey);
                if (auto pruned = prune.bind_text(1, key).bind_int(2, now).run(); !pruned) {
                    return pruned.error();
                }

                INMOR_PREPARE(exists, connection, kKeyExists);
                exists.bind_text(1, key);
                if (auto row = exists.step(); !row) {
                    return row.error();
                }
                if (exists.column_int(0) != 0) return false;

                INMOR_PREPARE(put, connection, kPutString);
                put.bind_text(1, key).bind_blob(2, value).bind_int(
                    3, now + std::chrono::milliseconds(ttl).count());
                if (auto done = put.run(); !done) return done.error();
                return true;
            });
        });
    }

    Result<void> apply(const WriteBatch& batch) override {
        if (batch.empty()) return {};
        return with_connection([&](Connection& connection) {
            return in_transaction(connection, [&]() -> Result<void> {
                return apply_in_transaction(connection, batch);
            });
        });
    }

    Result<void> ping() override {
        return with_connection([&](Connection& connection) -> Result<void> {
            INMOR_PREPARE(statement, connection, kLastChange);
            if (auto row = statement.step(); !row) return row.error();
            return {};
        });
    }

    std::unique_ptr<ChangeSubscription> subscribe_changes(ChangeCallback callback) override {
        // The starting point is read before returning, so that any change
        // committed after this call is delivered.
        auto connection = Connection::open(path_, options_);
        std::int64_t last_seq = 0;
        if (connection) {
            auto last = last_change(**connection);
            if (last) last_seq = *last;
        }
        if (!connection) {
            // NOTE: without a connection nothing can be polled; the caller
            // keeps its cache_ttl bound and gets a subscription that is idle.
            log()->error("change subscription failed path={} error={}", path_,
                         connection.error().detail());
            return std::make_unique<ChangeSubscription>();
        }
        return std::make_unique<SqliteSubscription>(path_, options_, std::move(*connection),
                                                    last_seq, std::move(callback));
    }

    std::string_view engine() const override { return "sqlite"; }

private:
    Result<void> apply_in_transaction(Connection& connection, const WriteBatch& batch) {
        const std::int64_t now = now_ms();
        INMOR_PREPARE(prune, connection, kPruneExpired);
        if (auto pruned = prune.bind_int(1, now).run(); !pruned) return pruned;

        for (const auto& operation : batch.operations()) {
            auto applied = std::visit(
                [&](const auto& step) { return apply_operation(connection, step, now); },
                operation);
            if (!applied) return applied;
        }
        if (!batch.announce) return {};

        for (const auto& key : batch.touched_keys()) {
            INMOR_PREPARE(logged, connection, kLogChange);
            if (auto done = logged.bind_text(1, key).bind_int(2, now).run(); !done) {
                return done;
            }
        }
        INMOR_PREPARE(prune_changes, connection, kPruneChanges);
        const auto retention = std::chrono::milliseconds(options_.change_log_retention);
        return prune_changes.bind_int(1, now - retention.count()).run();
    }

    // BEGIN IMMEDIATE takes the write lock at the start, so a batch waits for
    // other writers up front instead of failing with SQLITE_BUSY half-way.
    template <class Work>
    auto in_transaction(Connection& connection, Work work) -> decltype(work()) {
        if (auto begun = connection.execute("BEGIN IMMEDIATE"); !begun) {
            return begun.error();
        }
        auto outcome = work();
        if (!outcome) {
            (void)connection.execute("ROLLBACK");
            return outcome;
        }
        if (auto committed = connection.execute("COMMIT"); !committed) {
            (void)connection.execute("ROLLBACK");
            return committed.error();
        }
        return outcome;
    }

    template <class Work>
    auto with_connection(Work work) -> decltype(work(std::declval<Connection&>())) {
        auto connection = acquire();
        if (!connection) return connection.error();
        auto outcome = work(**connection);
        release(std::move(*connection));
        return outcome;
    }

    Result<std::unique_ptr<Connection>> acquire() {
        {
            std::lock_guard lock(mutex_);
            drop_replaced_connections();
            if (!idle_.empty()) {
                auto connection = std::move(idle_.back());
                idle_.pop_back();
                return connection;
            }
        }
        return Connection::open(path_, options_);
    }

    void release(std::unique_ptr<Connection> connection) {
        if (connection->in_transaction()) {
            log()->warn("sqlite connection closed with an open transaction path={}", path_);
            return;
        }
        std::lock_guard lock(mutex_);
        // A connection to a file replaced while it was in use is not kept.
        if (current_file_ && connection->file_id() && connection->file_id() != current_file_) {
            return;
        }
        if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(connection));
    }

    // Drops the idle connections when the path names a new file, checking at
    // most once per kFileCheckPeriod. A missing file changes nothing, because
    // the open one still serves reads. The caller holds mutex_.
    void drop_replaced_connections() {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_file_check_ < kFileCheckPeriod) return;
        last_file_check_ = now;
        const auto found = file_id_of(path_);
        if (!found || found == current_file_) return;
        if (current_file_) {
            log()->warn("federation store file replaced, reopening path={} idle_connections={}",
                        path_, idle_.size());
        }
        current_file_ = found;
        idle_.clear();
    }

    static Result<std::int64_t> last_change(Connection& connection) {
        INMOR_PREPARE(statement, connection, kLastChange);
        if (auto row = statement.step(); !row) return row.error();
        return statement.column_int(0);
    }

    template <class... Parameters>
    static Result<std::optional<std::string>> read_optional(Connection& connection,
                                                            const char* sql,
                                                            std::string_view key,
                                                            Parameters... parameters) {
        INMOR_PREPARE(statement, connection, sql);
        statement.bind_text(1, key);
        if constexpr (sizeof...(parameters) == 1) {
            bind_second(statement, parameters...);
        }
        auto row = statement.step();
        if (!row) return row.error();
        if (!*row) return std::optional<std::string>{};
        return std::optional<std::string>{statement.column_text(0)};
    }

    static void bind_second(Statement& statement, std::string_view text) {
        statement.bind_text(2, text);
    }
    static void bind_second(Statement& statement, std::int64_t number) {
        statement.bind_int(2, number);
    }

    static Result<std::vector<std::string>> collect_column(Statement& statement) {
        std::vector<std::string> values;
        for (;;) {
            auto row = statement.step();
            if (!row) return row.error();
            if (!*row) return values;
            values.push_back(statement.column_text(0));
        }
    }

    static Result<std::vector<std::string>> read_column(Connection& connection,
                                                        const char* sql,
                                                        std::string_view key) {
        INMOR_PREPARE(statement, connection, sql);
        statement.bind_text(1, key);
        return collect_column(statement);
    }

    static Result<std::size_t> read_count(Connection& connection, const char* sql,
                                          std::string_view key) {
        INMOR_PREPARE(statement, connection, sql);
        statement.bind_text(1, key);
        if (auto row = statement.step(); !row) return row.error();
        return static_cast<std::size_t>(statement.column_int(0));
    }

    std::string path_;
    SqliteStoreOptions options_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::optional<FileId> current_file_;
    std::chrono::steady_clock::time_point last_file_check_{};
};

// The file is created with mode 0600 before SQLite opens it, because it contains
// everything the federation publishes and the WAL files inherit its mode.
Result<void> prepare_file(const std::string& path) {
    std::error_code failure;
    const fs::path file(path);
    if (file.has_parent_path()) {
        fs::create_directories(file.parent_path(), failure);
        if (failure) {
            return Error::server_error("cannot create the federation store folder",
                                       file.parent_path().string() + ": " + failure.message());
        }
    }

    const int descriptor = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (descriptor < 0) {
        return Error::server_error("cannot create the federation store file",
                                   path + ": " + std::strerror(errno));
    }
    ::close(descriptor);
    return {};
}

}  // namespace

Result<std::unique_ptr<KeyValueStore>> open_sqlite_store(const std::string& path,
                                                        SqliteStoreOptions options) {
    if (auto prepared = prepare_file(path); !prepared) {
        return prepared.error();
    }

    auto store = std::make_unique<SqliteStore>(path, options);
    if (auto initialized = store->initialize(); !initialized) {
        log()->error("federation store open failed engine=sqlite path={} detail={}", path,
                     initialized.error().detail());
        return initialized.error();
    }
    log()->info("federation store opened engine=sqlite path={}", path);
    return std::unique_ptr<KeyValueStore>(std::move(store));
}

}  // namespace inmor::storage
