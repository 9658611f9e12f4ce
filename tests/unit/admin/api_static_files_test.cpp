// Static file paths of the web UI: no way out of ui_dir.
#include "admin/api/static_files.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace inmor::admin::api {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = fs::temp_directory_path() /
                ("inmor-static-" + std::to_string(std::random_device{}()));
        root_ = base_ / "ui";
        fs::create_directories(root_ / "assets");
        std::ofstream(root_ / "index.html") << "<!DOCTYPE html>";
        std::ofstream(root_ / "assets" / "app-1a2b.js") << "js";
        std::ofstream(base_ / "secret.txt") << "secret";
        fs::create_symlink(base_ / "secret.txt", root_ / "link.txt");
    }
    void TearDown() override { fs::remove_all(base_); }

    http::Response get(std::string path) const {
        http::Request request;
        request.method = "GET";
        request.path = std::move(path);
        return StaticFiles(root_).serve(request);
    }

    fs::path base_;
    fs::path root_;
};

TEST_F(StaticFilesTest, ResolvesFilesInsideRoot) {
    const auto resolved = resolve_static_path(root_, "/assets/app-1a2b.js");

    ASSERT_TRUE(resolved.has_value());
    EXPECT_EQ(*resolved, fs::canonical(root_ / "assets" / "app-1a2b.js"));
}

TEST_F(StaticFilesTest, RejectsTraversal) {
    for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt",
                             "/..%2fsecret.txt", "/%2E%2E%2Fsecret.txt", "/a%5c..%5csecret.txt",
                             "/.", "/x%00.html"}) {
        EXPECT_EQ(resolve_static_path(root_, path), std::nullopt) << path;
    }
}

TEST_F(StaticFilesTest, RejectsSymbolicLinkLeavingRoot) {
    EXPECT_EQ(resolve_static_path(root_, "/link.txt"), std::nullopt);
    EXPECT_EQ(get("/link.txt").status, 404u);
}

TEST_F(StaticFilesTest, ServesHashedAssetsAsImmutable) {
    const http::Response response = get("/assets/app-1a2b.js");

    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.body, "js");
    EXPECT_EQ(response.content_type, "text/javascript; charset=utf-8");
    bool immutable = false;
    for (const auto& [name, value] : response.headers) {
        immutable = immutable || (name == "Cache-Control" && value.find("immutable") != std::string::npos);
    }
    EXPECT_TRUE(immutable);
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndex) {
    EXPECT_EQ(get("/trustmarks").body, "<!DOCTYPE html>");
    EXPECT_EQ(get("/").body, "<!DOCTYPE html>");
    EXPECT_EQ(get("/assets/missing.js").status, 404u);
}

TEST(ContentTypeFor, KnownAndUnknownExtensions) {
    EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(content_type_for("a.css"), "text/css; charset=utf-8");
    EXPECT_EQ(content_type_for("logo.svg"), "image/svg+xml");
    EXPECT_EQ(content_type_for("font.woff2"), "font/woff2");
    EXPECT_EQ(content_type_for("data.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace inmor::admin::api
