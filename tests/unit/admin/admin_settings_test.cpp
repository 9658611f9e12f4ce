// Reading the admin's keys from taconfig.toml.
#include "admin/admin_settings.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace inmor::admin {
namespace {

class AdminSettingsTest : public ::testing::Test {
protected:
    void SetUp() override {
        char folder_template[] = "/tmp/inmor_admin_settings_XXXXXX";
        ASSERT_NE(mkdtemp(folder_template), nullptr);
        folder_ = folder_template;
    }
    void TearDown() override { std::filesystem::remove_all(folder_); }

    std::filesystem::path write_config(const std::string& text) {
        std::filesystem::path path = folder_ / "taconfig.toml";
        std::ofstream(path) << text;
        return path;
    }

    std::filesystem::path folder_;
};

TEST_F(AdminSettingsTest, DefaultsApplyWhenKeysAreAbsent) {
    Result<AdminSettings> settings = load_admin_settings(write_config("domain = \"https://ta.test\"\n"));

    ASSERT_TRUE(settings.has_value()) << settings.error().message();
    EXPECT_EQ(settings->database_url, "sqlite:data/admin.db");
    EXPECT_EQ(settings->audit_retention_days, 365);
    EXPECT_EQ(settings->domain, "https://ta.test");
    EXPECT_EQ(settings->config_dir, folder_);
}

TEST_F(AdminSettingsTest, ReadsAdminTable) {
    Result<AdminSettings> settings = load_admin_settings(write_config(
        "[admin]\ndatabase_url = \"postgresql://u:p@db.test:5432/x\"\naudit_retention_days = 30\n"));

    ASSERT_TRUE(settings.has_value());
    EXPECT_EQ(settings->database_url, "postgresql://u:p@db.test:5432/x");
    EXPECT_EQ(settings->audit_retention_days, 30);
}

TEST_F(AdminSettingsTest, WrongTypeNamesTheKey) {
    Result<AdminSettings> settings =
        load_admin_settings(write_config("[admin]\ndatabase_url = 5\n"));

    ASSERT_FALSE(settings.has_value());
    EXPECT_EQ(settings.error().message(), "admin.database_url: must be a string");
}

TEST_F(AdminSettingsTest, MissingFileIsAnError) {
    Result<AdminSettings> settings = load_admin_settings(folder_ / "absent.toml");

    ASSERT_FALSE(settings.has_value());
    EXPECT_NE(settings.error().message().find("absent.toml"), std::string::npos);
}

TEST(DatabaseOverrides, HostAndPortReplacePostgresAddress) {
    Result<std::string> both =
        apply_database_overrides("postgresql://u:p@db.test:5432/x", "10.0.0.5", "6543");
    Result<std::string> port_only =
        apply_database_overrides("postgresql://u:p@db.test:5432/x", nullptr, "6000");
    Result<std::string> sqlite = apply_database_overrides("sqlite:data/admin.db", "h", "1");
    Result<std::string> bad_port =
        apply_database_overrides("postgresql://u:p@db.test:5432/x", nullptr, "abc");

    EXPECT_EQ(both.value(), "postgresql://u:p@10.0.0.5:6543/x");
    EXPECT_EQ(port_only.value(), "postgresql://u:p@db.test:6000/x");
    EXPECT_EQ(sqlite.value(), "sqlite:data/admin.db");
    ASSERT_FALSE(bad_port.has_value());
    EXPECT_EQ(bad_port.error().message(), "DB_PORT: must be a port number");
}

}  // namespace
}  // namespace inmor::admin
