// Creating and removing the per-test SQLite file and PostgreSQL schema.
#include "database_test_fixture.h"

#include "admin/migrations.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>

namespace inmor::admin::testing {
namespace {

std::string unique_suffix() {
    static std::atomic<int> counter{0};
    std::random_device device;
    return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
           std::to_string(device() % 1000000);
}

std::string with_search_path(const std::string& url, const std::string& schema) {
    std::string separator = url.find('?') == std::string::npos ? "?" : "&";
    return url + separator + "options=-csearch_path%3D" + schema;
}

}  // namespace

std::string engine_name(const ::testing::TestParamInfo<DatabaseEngine>& info) {
    return info.param == DatabaseEngine::kSqlite ? "Sqlite" : "Postgres";
}

void DatabaseTest::SetUp() {
    char folder_template[] = "/tmp/inmor_admin_test_XXXXXX";
    ASSERT_NE(mkdtemp(folder_template), nullptr);
    folder_ = folder_template;

    if (GetParam() == DatabaseEngine::kSqlite) {
        url_ = "sqlite:data/admin.db";
    } else {
        const char* server_url = std::getenv("INMOR_TEST_DATABASE_URL");
        if (server_url == nullptr || *server_url == '\0') {
            GTEST_SKIP() << "INMOR_TEST_DATABASE_URL is not set";
        }
        // Set but unreachable is a failure, not a skip.
        Result<std::unique_ptr<Database>> server = Database::open(server_url, folder_, 1);
        ASSERT_TRUE(server.has_value()) << server.error().message() << ": "
                                        << server.error().detail();
        server_ = std::move(*server);
        schema_ = "inmor_admin_test_" + unique_suffix();
        ASSERT_TRUE(server_->execute("CREATE SCHEMA " + schema_).has_value());
        url_ = with_search_path(server_url, schema_);
    }

    Result<std::unique_ptr<Database>> opened = Database::open(url_, folder_);
    ASSERT_TRUE(opened.has_value()) << opened.error().message() << ": " << opened.error().detail();
    database_ = std::move(*opened);
    Result<MigrationReport> migrated = migrate(*database_);
    ASSERT_TRUE(migrated.has_value()) << migrated.error().message() << ": "
                                      << migrated.error().detail();
    initial_migration_ = *migrated;
}

void DatabaseTest::TearDown() {
    database_.reset();
    if (server_ && !schema_.empty()) {
        EXPECT_TRUE(server_->execute("DROP SCHEMA " + schema_ + " CASCADE").has_value());
    }
    server_.reset();
    if (!folder_.empty()) {
        std::filesystem::remove_all(folder_);
    }
}

std::unique_ptr<Database> DatabaseTest::open_another() {
    Result<std::unique_ptr<Database>> opened = Database::open(url_, folder_);
    EXPECT_TRUE(opened.has_value());
    return opened ? std::move(*opened) : nullptr;
}

}  // namespace inmor::admin::testing
