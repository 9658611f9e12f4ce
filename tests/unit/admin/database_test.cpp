// The Database layer on both engines: migrations, transactions, error
// translation and concurrent use.
#include "database_test_fixture.h"

#include "admin/db/postgres/postgres_connection.h"
#include "admin/db/sqlite/sqlite_connection.h"
#include "admin/migrations.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace inmor::admin {
namespace {

using testing::DatabaseTest;

class DatabaseEngineTest : public DatabaseTest {
protected:
    std::int64_t count(const std::string& table) {
        Result<std::optional<Row>> row = database().query_one("SELECT COUNT(*) FROM " + table);
        EXPECT_TRUE(row.has_value());
        return row && row->has_value() ? (*row)->integer(0) : -1;
    }

    Result<std::int64_t> insert_type(SqlExecutor& executor, const std::string& tmtype,
                                     std::int64_t valid_for = 10) {
        return executor.execute(
            "INSERT INTO trust_mark_types (tmtype, valid_for, renewal_time) VALUES (?, ?, 1)",
            {tmtype, valid_for});
    }
};

TEST_P(DatabaseEngineTest, MigrationFromEmptyAppliesEveryVersion) {
    EXPECT_EQ(initial_migration_.applied, (std::vector<int>{1, 2}));
    EXPECT_EQ(initial_migration_.current_version, 2);

    for (const char* table : {"subordinates", "trust_mark_types", "trust_marks", "users",
                              "sessions", "api_keys", "mfa_secrets", "audit_log",
                              "scheduler_lock", "login_attempts", "issued_trust_marks"}) {
        EXPECT_EQ(count(table), 0) << table;
    }
    EXPECT_EQ(count("schema_migrations"), 2);
}

TEST_P(DatabaseEngineTest, MigrationRerunAppliesNothing) {
    Result<MigrationReport> again = migrate(database());

    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(again->applied.empty());
    EXPECT_EQ(again->current_version, 2);
    EXPECT_EQ(count("schema_migrations"), 2);
}

TEST_P(DatabaseEngineTest, MigrationFromTwoReplicasAtOnceAppliesOnce) {
    std::unique_ptr<Database> other = open_another();
    ASSERT_NE(other, nullptr);

    std::thread first([&] { EXPECT_TRUE(migrate(database()).has_value()); });
    std::thread second([&] { EXPECT_TRUE(migrate(*other).has_value()); });
    first.join();
    second.join();

    EXPECT_EQ(count("schema_migrations"), 2);
}

TEST_P(DatabaseEngineTest, TransactionCommitsOnSuccess) {
    Result<int> outcome = database().with_transaction([&](SqlExecutor& tx) -> Result<int> {
        if (auto inserted = insert_type(tx, "https://tm.test/a"); !inserted) {
            return inserted.error();
        }
        if (auto inserted = insert_type(tx, "https://tm.test/b"); !inserted) {
            return inserted.error();
        }
        return 7;
    });

    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(*outcome, 7);
    EXPECT_EQ(count("trust_mark_types"), 2);
}

TEST_P(DatabaseEngineTest, TransactionRollsBackOnError) {
    Result<void> outcome = database().with_transaction([&](SqlExecutor& tx) -> Result<void> {
        if (auto inserted = insert_type(tx, "https://tm.test/a"); !inserted) {
            return inserted.error();
        }
        return Error::invalid_request("second step failed");
    });

    ASSERT_FALSE(outcome.has_value());
    EXPECT_EQ(outcome.error().message(), "second step failed");
    EXPECT_EQ(count("trust_mark_types"), 0);
}

TEST_P(DatabaseEngineTest, TransactionRollsBackOnFailedStatement) {
    Result<void> outcome = database().with_transaction([&](SqlExecutor& tx) -> Result<void> {
        if (auto inserted = insert_type(tx, "https://tm.test/a"); !inserted) {
            return inserted.error();
        }
        if (auto inserted = insert_type(tx, "https://tm.test/a"); !inserted) {
            return inserted.error();
        }
        return {};
    });

    ASSERT_FALSE(outcome.has_value());
    EXPECT_EQ(outcome.error().message(), "tmtype: already exists");
    EXPECT_EQ(count("trust_mark_types"), 0);
}

TEST_P(DatabaseEngineTest, TransactionRollsBackOnException) {
    auto throwing = [&](SqlExecutor& tx) -> Result<void> {
        (void)insert_type(tx, "https://tm.test/a");
        throw std::runtime_error("interrupted");
    };

    EXPECT_THROW((void)database().with_transaction(throwing), std::runtime_error);

    EXPECT_EQ(count("trust_mark_types"), 0);
    EXPECT_TRUE(insert_type(database(), "https://tm.test/after").has_value());
}

TEST_P(DatabaseEngineTest, UniqueViolationNamesColumnAndHidesDriverText) {
    ASSERT_TRUE(insert_type(database(), "https://tm.test/a").has_value());

    Result<std::int64_t> again = insert_type(database(), "https://tm.test/a");

    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().code(), ErrorCode::kInvalidRequest);
    EXPECT_EQ(again.error().message(), "tmtype: already exists");
    EXPECT_TRUE(is_duplicate_error(again.error(), "tmtype"));
    EXPECT_FALSE(again.error().detail().empty());
}

TEST_P(DatabaseEngineTest, CompositeUniqueViolationNamesLastColumn) {
    ASSERT_TRUE(insert_type(database(), "https://tm.test/a").has_value());
    std::string insert =
        "INSERT INTO trust_marks (tmt_id, domain, valid_for, renewal_time) VALUES (1, ?, 5, 1)";
    ASSERT_TRUE(database().execute(insert, {std::string("https://rp.test")}).has_value());

    Result<std::int64_t> again = database().execute(insert, {std::string("https://rp.test")});

    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().message(), "domain: already exists");
}

TEST_P(DatabaseEngineTest, CheckViolationNamesColumn) {
    Result<std::int64_t> inserted = insert_type(database(), "https://tm.test/a", 0);

    ASSERT_FALSE(inserted.has_value());
    EXPECT_EQ(inserted.error().code(), ErrorCode::kInvalidRequest);
    EXPECT_EQ(inserted.error().message(), "valid_for: is out of range");
}

TEST_P(DatabaseEngineTest, NotNullViolationNamesColumn) {
    Result<std::int64_t> inserted = database().execute(
        "INSERT INTO users (username, created_at) VALUES (?, 1)", {std::string("u")});

    ASSERT_FALSE(inserted.has_value());
    EXPECT_EQ(inserted.error().code(), ErrorCode::kInvalidRequest);
    EXPECT_EQ(inserted.error().message(), "password_hash: is required");
}

TEST_P(DatabaseEngineTest, ForeignKeyViolationIsRejected) {
    Result<std::int64_t> inserted = database().execute(
        "INSERT INTO trust_marks (tmt_id, domain, valid_for, renewal_time) VALUES (99, ?, 5, 1)",
        {std::string("https://rp.test")});

    ASSERT_FALSE(inserted.has_value());
    EXPECT_EQ(inserted.error().code(), ErrorCode::kInvalidRequest);
    EXPECT_NE(inserted.error().message().find("refers to a row that does not exist"),
              std::string::npos);
}

TEST_P(DatabaseEngineTest, SyntaxErrorIsServerErrorWithDetail) {
    Result<std::int64_t> broken = database().execute("SELEC nothing");

    ASSERT_FALSE(broken.has_value());
    EXPECT_EQ(broken.error().code(), ErrorCode::kServerError);
    EXPECT_EQ(broken.error().message(), "database error");
    EXPECT_FALSE(broken.error().detail().empty());
}

TEST_P(DatabaseEngineTest, ValuesTravelAsParametersNotText) {
    std::string hostile = "x'); DROP TABLE users; --";

    ASSERT_TRUE(insert_type(database(), hostile).has_value());

    Result<std::optional<Row>> row = database().query_one(
        "SELECT tmtype FROM trust_mark_types WHERE tmtype = ?", {hostile});
    ASSERT_TRUE(row.has_value());
    ASSERT_TRUE(row->has_value());
    EXPECT_EQ((*row)->text(0), hostile);
    EXPECT_EQ(count("users"), 0);
}

TEST_P(DatabaseEngineTest, NullsAndIntegersRoundTrip) {
    std::string insert =
        "INSERT INTO scheduler_lock (name, holder, expires_at) VALUES (?, ?, ?)";
    ASSERT_TRUE(database()
                    .execute(insert, {std::string("n"), std::string("h"),
                                      std::int64_t{-9000000000}})
                    .has_value());

    Result<std::optional<Row>> row =
        database().query_one("SELECT expires_at, NULL FROM scheduler_lock");

    ASSERT_TRUE(row.has_value());
    ASSERT_TRUE(row->has_value());
    EXPECT_EQ((*row)->integer(0), -9000000000);
    EXPECT_TRUE((*row)->is_null(1));
    EXPECT_EQ((*row)->optional_integer(1), std::nullopt);
}

TEST_P(DatabaseEngineTest, ThreadsShareOnePool) {
    constexpr int kThreads = 6;
    constexpr int kInsertsPerThread = 10;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kInsertsPerThread; ++i) {
                std::string name = "https://tm.test/" + std::to_string(t) + "/" + std::to_string(i);
                Result<std::int64_t> inserted = database().with_transaction(
                    [&](SqlExecutor& tx) { return insert_type(tx, name); });
                EXPECT_TRUE(inserted.has_value()) << inserted.error().detail();
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }

    EXPECT_EQ(count("trust_mark_types"), kThreads * kInsertsPerThread);
}

INMOR_FOR_BOTH_ENGINES(DatabaseEngineTest);

// Only a database server can drop a connection, so this runs on PostgreSQL only.
using DatabaseServerTest = DatabaseTest;

TEST_P(DatabaseServerTest, LostConnectionIsUnavailableThenReplaced) {
    Result<std::optional<Row>> backend = database().query_one("SELECT pg_backend_pid()");
    ASSERT_TRUE(backend.has_value());
    ASSERT_TRUE(backend->has_value());
    std::unique_ptr<Database> other = open_another();
    ASSERT_NE(other, nullptr);
    ASSERT_TRUE(other->query("SELECT pg_terminate_backend(?)", {(*backend)->integer(0)})
                    .has_value());
    // The backend exits asynchronously; wait until the server lists it no more.
    for (int attempt = 0; attempt < 100; ++attempt) {
        Result<std::optional<Row>> alive = other->query_one(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ?", {(*backend)->integer(0)});
        ASSERT_TRUE(alive.has_value());
        if ((*alive)->integer(0) == 0) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    Result<std::vector<Row>> lost = database().query("SELECT 1");
    Result<std::vector<Row>> replaced = database().query("SELECT 1");

    ASSERT_FALSE(lost.has_value());
    EXPECT_EQ(lost.error().code(), ErrorCode::kTemporarilyUnavailable);
    EXPECT_EQ(lost.error().message(), "database server is unreachable");
    EXPECT_TRUE(replaced.has_value());
}

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseServerTest,
                         ::testing::Values(DatabaseEngine::kPostgres), testing::engine_name);

TEST(Database, SqliteCreatesParentFoldersAndUsesWal) {
    char folder_template[] = "/tmp/inmor_admin_wal_XXXXXX";
    ASSERT_NE(mkdtemp(folder_template), nullptr);
    std::filesystem::path folder = folder_template;

    Result<std::unique_ptr<Database>> database = Database::open("sqlite:a/b/admin.db", folder);

    ASSERT_TRUE(database.has_value());
    EXPECT_TRUE(std::filesystem::exists(folder / "a/b/admin.db"));
    Result<std::optional<Row>> mode = (*database)->query_one("PRAGMA journal_mode");
    ASSERT_TRUE(mode.has_value());
    ASSERT_TRUE(mode->has_value());
    EXPECT_EQ((*mode)->text(0), "wal");
    Result<std::optional<Row>> keys = (*database)->query_one("PRAGMA foreign_keys");
    ASSERT_TRUE(keys.has_value());
    ASSERT_TRUE(keys->has_value());
    EXPECT_EQ((*keys)->integer(0), 1);
    database->reset();
    std::filesystem::remove_all(folder);
}

TEST(Database, SqliteWriteLockTimeoutIsTemporarilyUnavailable) {
    char folder_template[] = "/tmp/inmor_admin_busy_XXXXXX";
    ASSERT_NE(mkdtemp(folder_template), nullptr);
    std::filesystem::path file = std::filesystem::path(folder_template) / "admin.db";
    Result<std::unique_ptr<Connection>> holder = open_sqlite_connection(file, 100);
    Result<std::unique_ptr<Connection>> waiter = open_sqlite_connection(file, 100);
    ASSERT_TRUE(holder.has_value());
    ASSERT_TRUE(waiter.has_value());
    ASSERT_TRUE((*holder)->begin().has_value());

    Result<void> blocked = (*waiter)->begin();

    ASSERT_FALSE(blocked.has_value());
    EXPECT_EQ(blocked.error().code(), ErrorCode::kTemporarilyUnavailable);
    EXPECT_EQ(blocked.error().message(), "database is busy, try again");
    ASSERT_TRUE((*holder)->rollback().has_value());
    EXPECT_TRUE((*waiter)->begin().has_value());
    EXPECT_TRUE((*waiter)->rollback().has_value());
    holder->reset();
    waiter->reset();
    std::filesystem::remove_all(folder_template);
}

TEST(Database, UnknownUrlSchemeIsRejected) {
    Result<std::unique_ptr<Database>> database = Database::open("mysql://db.test/x", "/tmp");

    ASSERT_FALSE(database.has_value());
    EXPECT_EQ(database.error().code(), ErrorCode::kInvalidRequest);
    EXPECT_NE(database.error().message().find("database_url"), std::string::npos);
}

TEST(Database, UnreachablePostgresIsTemporarilyUnavailable) {
    // Nothing listens on loopback port 1.
    Result<std::unique_ptr<Database>> database =
        Database::open("postgresql://inmor:secret@127.0.0.1:1/none?connect_timeout=2", "/tmp");

    ASSERT_FALSE(database.has_value());
    EXPECT_EQ(database.error().code(), ErrorCode::kTemporarilyUnavailable);
    EXPECT_EQ(database.error().message().find("secret"), std::string::npos);
    EXPECT_FALSE(database.error().detail().empty());
}

TEST(Database, PlaceholdersAreNumberedOutsideLiterals) {
    EXPECT_EQ(number_placeholders("SELECT ? , '?', \"a?\" WHERE x = ?"),
              "SELECT $1 , '?', \"a?\" WHERE x = $2");
}

TEST(Database, MigrationStatementsExpandPrimaryKeyPerEngine) {
    const Migration& first = all_migrations().front();

    std::vector<std::string> sqlite = migration_statements(first, DatabaseEngine::kSqlite);
    std::vector<std::string> postgres = migration_statements(first, DatabaseEngine::kPostgres);

    ASSERT_EQ(sqlite.size(), postgres.size());
    EXPECT_NE(sqlite.front().find("INTEGER PRIMARY KEY AUTOINCREMENT"), std::string::npos);
    EXPECT_NE(postgres.front().find("BIGSERIAL PRIMARY KEY"), std::string::npos);
    EXPECT_EQ(postgres.front().find("{{id}}"), std::string::npos);
}

}  // namespace
}  // namespace inmor::admin
