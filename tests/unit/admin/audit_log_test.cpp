// Audit log: writing inside the change's transaction, filtering, paging and
// pruning.
#include "database_test_fixture.h"

#include "admin/audit_log.h"
#include "admin/trust_mark_type_repository.h"
#include "common/json.h"

#include <gtest/gtest.h>

namespace inmor::admin {
namespace {

namespace json = boost::json;

class AuditLogTest : public testing::DatabaseTest {
protected:
    AuditEntry entry(UnixSeconds at, std::string username, std::string action,
                     std::string resource_type) {
        AuditEntry written;
        written.at = at;
        written.actor = AuditActor{std::move(username), "session", "192.0.2.1"};
        written.action = std::move(action);
        written.resource_type = std::move(resource_type);
        written.resource_id = "1";
        written.result = "success";
        return written;
    }

    void write(const AuditEntry& written) {
        ASSERT_TRUE(write_audit_entry(database(), written).has_value());
    }
};

TEST_P(AuditLogTest, EntryRoundTripsWithSnapshots) {
    AuditEntry written = entry(1000, "alice", "update", "trust_mark_type");
    written.before = json::object{{"active", true}};
    written.after = json::object{{"active", false}};

    Result<std::int64_t> id = write_audit_entry(database(), written);

    ASSERT_TRUE(id.has_value());
    Result<std::optional<AuditEntry>> found = find_audit_entry(database(), *id);
    ASSERT_TRUE(found.has_value());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->actor.username, "alice");
    EXPECT_EQ((*found)->actor.client_address, "192.0.2.1");
    EXPECT_EQ(*(*found)->before, written.before);
    EXPECT_EQ(*(*found)->after, written.after);
    EXPECT_EQ(inmor::to_json(to_json(**found)),
              "{\"id\":" + std::to_string(*id) +
                  ",\"at\":\"1970-01-01T00:16:40Z\",\"username\":\"alice\","
                  "\"auth_method\":\"session\",\"client_address\":\"192.0.2.1\","
                  "\"action\":\"update\",\"resource_type\":\"trust_mark_type\","
                  "\"resource_id\":\"1\",\"before\":{\"active\":true},"
                  "\"after\":{\"active\":false},\"result\":\"success\"}");
}

TEST_P(AuditLogTest, EntryCommitsAndRollsBackWithChange) {
    auto change = [&](bool fail_after) {
        return database().with_transaction([&](SqlExecutor& tx) -> Result<void> {
            TrustMarkTypeInput input;
            input.tmtype = "https://tm.test/member";
            Result<Inserted<TrustMarkType>> created = create_trust_mark_type(tx, input, {});
            if (!created) {
                return created.error();
            }
            AuditEntry written = entry(1000, "alice", "create", "trust_mark_type");
            written.after = to_json(created->row);
            if (Result<std::int64_t> audited = write_audit_entry(tx, written); !audited) {
                return audited.error();
            }
            if (fail_after) {
                return Error::server_error("publishing failed");
            }
            return {};
        });
    };

    EXPECT_FALSE(change(true).has_value());
    EXPECT_EQ(list_audit_entries(database(), {}, {})->count, 0);
    EXPECT_EQ(list_trust_mark_types(database(), {})->count, 0);
    EXPECT_TRUE(change(false).has_value());
    EXPECT_EQ(list_audit_entries(database(), {}, {})->count, 1);
    EXPECT_EQ(list_trust_mark_types(database(), {})->count, 1);
}

TEST_P(AuditLogTest, FiltersCombine) {
    write(entry(1000, "alice", "create", "subordinate"));
    write(entry(2000, "alice", "update", "subordinate"));
    write(entry(3000, "bob", "update", "subordinate"));
    write(entry(4000, "alice", "update", "trust_mark"));

    AuditFilter by_user;
    by_user.username = "alice";
    AuditFilter by_action_and_type;
    by_action_and_type.action = "update";
    by_action_and_type.resource_type = "subordinate";
    AuditFilter by_time;
    by_time.from = 2000;
    by_time.until = 4000;

    EXPECT_EQ(list_audit_entries(database(), by_user, {})->count, 3);
    EXPECT_EQ(list_audit_entries(database(), by_action_and_type, {})->count, 2);
    Result<Page<AuditEntry>> window = list_audit_entries(database(), by_time, {});
    ASSERT_TRUE(window.has_value());
    ASSERT_EQ(window->items.size(), 2u);
    EXPECT_EQ(window->items[0].at, 3000);
    EXPECT_EQ(window->items[1].at, 2000);
}

TEST_P(AuditLogTest, PagesNewestFirst) {
    for (int i = 0; i < 5; ++i) {
        write(entry(1000 + i, "alice", "update", "subordinate"));
    }

    Result<Page<AuditEntry>> page = list_audit_entries(database(), {}, {2, 1});

    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->count, 5);
    ASSERT_EQ(page->items.size(), 2u);
    EXPECT_EQ(page->items[0].at, 1003);
    EXPECT_EQ(page->items[1].at, 1002);
}

TEST_P(AuditLogTest, PruneKeepsRetentionWindow) {
    constexpr UnixSeconds kDay = 86400;
    UnixSeconds now = 400 * kDay;
    write(entry(now - 366 * kDay, "alice", "create", "subordinate"));
    write(entry(now - 364 * kDay, "alice", "update", "subordinate"));

    Result<std::int64_t> removed = prune_audit_log(database(), now, 365);

    ASSERT_TRUE(removed.has_value());
    EXPECT_EQ(*removed, 1);
    EXPECT_EQ(list_audit_entries(database(), {}, {})->count, 1);
    EXPECT_FALSE(prune_audit_log(database(), now, 0).has_value());
}

TEST_P(AuditLogTest, EntryNeedsActionAndResourceType) {
    Result<std::int64_t> written = write_audit_entry(database(), entry(1, "alice", "", "x"));

    ASSERT_FALSE(written.has_value());
    EXPECT_EQ(written.error().message(), "action: must not be empty");
}

INMOR_FOR_BOTH_ENGINES(AuditLogTest);

}  // namespace
}  // namespace inmor::admin
