// A fixture that runs each test against a fresh, migrated admin database on
// both engines: a SQLite file in a temporary folder, and a schema of its own
// in the PostgreSQL database named by INMOR_TEST_DATABASE_URL.
#pragma once

#include "admin/database.h"
#include "admin/migrations.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

namespace inmor::admin::testing {

class DatabaseTest : public ::testing::TestWithParam<DatabaseEngine> {
protected:
    void SetUp() override;
    void TearDown() override;

    /// The migrated database of this test.
    Database& database() { return *database_; }

    /// A second, independent Database on the same store, as a second admin
    /// replica would open it.
    std::unique_ptr<Database> open_another();

    /// What migrating the empty database at set-up did.
    MigrationReport initial_migration_;
    /// The URL and folder the database was opened with.
    std::string url_;
    std::filesystem::path folder_;

private:
    std::unique_ptr<Database> database_;
    std::unique_ptr<Database> server_;  // PostgreSQL: outside the schema, to drop it
    std::string schema_;
};

/// "Sqlite" or "Postgres", for test names.
std::string engine_name(const ::testing::TestParamInfo<DatabaseEngine>& info);

}  // namespace inmor::admin::testing

/// Runs the TEST_P tests of `suite` once per engine.
#define INMOR_FOR_BOTH_ENGINES(suite)                                                        \
    INSTANTIATE_TEST_SUITE_P(Engines, suite,                                                 \
                             ::testing::Values(::inmor::admin::DatabaseEngine::kSqlite,      \
                                               ::inmor::admin::DatabaseEngine::kPostgres),   \
                             ::inmor::admin::testing::engine_name)
