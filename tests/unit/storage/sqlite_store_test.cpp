// SQLite-only behaviour: the file itself, and several processes sharing it.
#include "storage/sqlite/sqlite_store.h"

#include "store_test_support.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace inmor::storage::testing {
namespace {

using namespace std::chrono_literals;

TEST(SqliteStore, CreatesParentFoldersAndPrivateFile) {
    TemporaryDirectory directory;
    const std::string path = directory.path() + "/a/b/federation.sqlite";

    auto store = open_sqlite_store(path);

    ASSERT_TRUE(store.has_value()) << store.error().detail();
    struct stat status {};
    ASSERT_EQ(::stat(path.c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0600u);
    EXPECT_EQ((*store)->engine(), "sqlite");
}

TEST(SqliteStore, UnusablePathIsServerError) {
    TemporaryDirectory directory;
    const std::string blocker = directory.path() + "/file";
    ASSERT_TRUE(open_sqlite_store(blocker).has_value());

    // A path below a regular file cannot be created.
    auto store = open_sqlite_store(blocker + "/federation.sqlite");

    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code(), ErrorCode::kServerError);
    EXPECT_NE(store.error().detail().find(blocker), std::string::npos);
}

TEST(SqliteStore, DataOutlivesTheStore) {
    TemporaryDirectory directory;
    const std::string path = directory.path() + "/federation.sqlite";
    {
        auto store = open_sqlite_store(path);
        ASSERT_TRUE(store.has_value());
        ASSERT_TRUE((*store)->apply(WriteBatch().hash_set("inmor:subordinates", "e", "s")));
    }

    auto reopened = open_sqlite_store(path);

    ASSERT_TRUE(reopened.has_value());
    EXPECT_EQ((*reopened)->hash_get("inmor:subordinates", "e")->value_or(""), "s");
}

// Set in the environment of a copy of this test binary that, instead of
// running tests, writes kChildWrites hash fields to the file it names.
constexpr const char* kWriterVariable = "INMOR_STORAGE_TEST_WRITER_PATH";
constexpr int kChildWrites = 60;

// Runs before main() in the child process, which leaves without running tests.
const bool kWriterChecked = [] {
    const char* path = std::getenv(kWriterVariable);
    if (path == nullptr) return false;
    auto own = open_sqlite_store(path);
    if (!own) std::_Exit(3);
    for (int i = 0; i < kChildWrites; ++i) {
        if (!(*own)->apply(WriteBatch().hash_set("child", std::to_string(i), "v"))) {
            std::_Exit(4);
        }
    }
    std::_Exit(0);
}();

// Another process (this binary started again) writes the same file while
// this one writes and reads. Both see every write, and this process's
// subscriber receives the other's keys.
TEST(SqliteStore, ProcessesShareTheFile) {
    TemporaryDirectory directory;
    const std::string path = directory.path() + "/federation.sqlite";
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.has_value());
    ChangeRecorder recorder;
    auto subscription = (*store)->subscribe_changes(recorder.callback());

    const pid_t child = ::fork();
    if (child == 0) {
        ::setenv(kWriterVariable, path.c_str(), 1);
        ::execl("/proc/self/exe", "storage_test", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ASSERT_GT(child, 0);
    int failures = 0;
    for (int i = 0; i < kChildWrites; ++i) {
        if (!(*store)->apply(WriteBatch().hash_set("parent", std::to_string(i), "v"))) {
            ++failures;
        }
        if (!(*store)->hash_length("child")) ++failures;
    }
    int status = 0;
    ::waitpid(child, &status, 0);

    EXPECT_FALSE(kWriterChecked);
    EXPECT_EQ(failures, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(*(*store)->hash_length("parent"), std::size_t{kChildWrites});
    EXPECT_EQ(*(*store)->hash_length("child"), std::size_t{kChildWrites});
    EXPECT_TRUE(recorder.wait_for("child"));
}

// A listener that falls behind the change log's retention receives the empty
// key (drop everything), because the keys it missed are gone from the log.
TEST(SqliteStore, PrunedChangesAreReportedAsEmptyKey) {
    TemporaryDirectory directory;
    const std::string path = directory.path() + "/federation.sqlite";
    SqliteStoreOptions slow;
    slow.poll_interval = 1s;
    auto listening = open_sqlite_store(path, slow);
    SqliteStoreOptions forgetful;
    forgetful.change_log_retention = 0s;
    auto writing = open_sqlite_store(path, forgetful);
    ASSERT_TRUE(listening.has_value());
    ASSERT_TRUE(writing.has_value());
    ChangeRecorder recorder;
    auto subscription = (*listening)->subscribe_changes(recorder.callback());

    ASSERT_TRUE((*writing)->apply(WriteBatch().set("first", "1")));
    std::this_thread::sleep_for(5ms);
    ASSERT_TRUE((*writing)->apply(WriteBatch().set("second", "2")));

    EXPECT_TRUE(recorder.wait_for("second", 3s));
    EXPECT_TRUE(recorder.wait_for("", 0ms));
    const auto keys = recorder.keys();
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "first"), 0);
}

TEST(SqliteStore, SubscriberAfterPruningReportsNoGap) {
    TemporaryDirectory directory;
    const std::string path = directory.path() + "/federation.sqlite";
    SqliteStoreOptions forgetful;
    forgetful.change_log_retention = 0s;
    auto store = open_sqlite_store(path, forgetful);
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->apply(WriteBatch().set("old-1", "1")));
    std::this_thread::sleep_for(5ms);
    ASSERT_TRUE((*store)->apply(WriteBatch().set("old-2", "2")));
    ChangeRecorder recorder;
    auto subscription = (*store)->subscribe_changes(recorder.callback());

    std::this_thread::sleep_for(5ms);
    ASSERT_TRUE((*store)->apply(WriteBatch().set("new", "3")));

    ASSERT_TRUE(recorder.wait_for("new"));
    EXPECT_EQ(recorder.keys(), std::vector<std::string>{"new"});
}

TEST(SqliteStore, ExpiredLockCanBeTakenByAnotherInstance) {
    TemporaryDirectory directory;
    const std::string path = directory.path() + "/federation.sqlite";
    auto first = open_sqlite_store(path);
    auto second = open_sqlite_store(path);
    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(second.has_value());

    ASSERT_TRUE(*(*first)->set_if_absent("inmor:resolve:lock", "one", 1s));
    EXPECT_FALSE(*(*second)->set_if_absent("inmor:resolve:lock", "two", 1s));

    const bool taken = eventually(
        [&] { return *(*second)->set_if_absent("inmor:resolve:lock", "two", 1s); }, 3s);
    EXPECT_TRUE(taken);
}

// A writer that deletes the file and creates a new one under the same path:
// an open store reads the new file, and its subscription reports "" (anything
// may have changed) and then the new file's changes.
TEST(SqliteStore, ReplacedFileIsFollowed) {
    TemporaryDirectory directory;
    const std::string path = directory.path() + "/federation.sqlite";
    auto serving = open_sqlite_store(path);
    ASSERT_TRUE(serving.has_value());
    ASSERT_TRUE((*serving)->apply(WriteBatch().hash_set("inmor:subordinates", "e", "old")));
    ASSERT_EQ((*serving)->hash_get("inmor:subordinates", "e")->value_or(""), "old");
    ChangeRecorder recorder;
    auto subscription = (*serving)->subscribe_changes(recorder.callback());

    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    {
        auto writer = open_sqlite_store(path);
        ASSERT_TRUE(writer.has_value());
        ASSERT_TRUE((*writer)->apply(WriteBatch().hash_set("inmor:subordinates", "e", "new")));
    }

    EXPECT_TRUE(recorder.wait_for("", 3s));
    // The store compares the path with its open file at most twice a second.
    std::this_thread::sleep_for(600ms);
    EXPECT_EQ((*serving)->hash_get("inmor:subordinates", "e")->value_or(""), "new");

    auto writer = open_sqlite_store(path);
    ASSERT_TRUE(writer.has_value());
    ASSERT_TRUE((*writer)->apply(WriteBatch().set("after", "1")));
    EXPECT_TRUE(recorder.wait_for("after", 3s));
}

}  // namespace
}  // namespace inmor::storage::testing
