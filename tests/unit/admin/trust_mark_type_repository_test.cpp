// Trust mark types: create with defaults, duplicates, validation, update,
// pagination and the JSON shape.
#include "database_test_fixture.h"

#include "admin/trust_mark_type_repository.h"
#include "common/json.h"

#include <gtest/gtest.h>

namespace inmor::admin {
namespace {

using TrustMarkTypeRepositoryTest = testing::DatabaseTest;

TrustMarkTypeInput input_for(std::string tmtype) {
    TrustMarkTypeInput input;
    input.tmtype = std::move(tmtype);
    return input;
}

TEST_P(TrustMarkTypeRepositoryTest, CreateFillsDefaults) {
    TrustMarkTypeDefaults defaults{false, 100, 5, true};

    Result<Inserted<TrustMarkType>> created =
        create_trust_mark_type(database(), input_for("https://tm.test/member"), defaults);

    ASSERT_TRUE(created.has_value()) << created.error().message();
    EXPECT_FALSE(created->duplicate);
    EXPECT_GT(created->row.id, 0);
    EXPECT_EQ(created->row.valid_for, 100);
    EXPECT_EQ(created->row.renewal_time, 5);
    EXPECT_FALSE(created->row.autorenew);
    Result<std::optional<TrustMarkType>> found = find_trust_mark_type(database(), created->row.id);
    ASSERT_TRUE(found.has_value());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->tmtype, "https://tm.test/member");
    EXPECT_EQ((*found)->valid_for, 100);
}

TEST_P(TrustMarkTypeRepositoryTest, DuplicateReturnsExistingRow) {
    TrustMarkTypeInput first = input_for("https://tm.test/member");
    first.valid_for = 50;
    ASSERT_TRUE(create_trust_mark_type(database(), first, {}).has_value());
    TrustMarkTypeInput second = input_for("https://tm.test/member");
    second.valid_for = 70;

    Result<Inserted<TrustMarkType>> again = create_trust_mark_type(database(), second, {});

    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->row.valid_for, 50);
    EXPECT_EQ(list_trust_mark_types(database(), {})->count, 1);
}

TEST_P(TrustMarkTypeRepositoryTest, ValidationNamesTheField) {
    struct Case {
        TrustMarkTypeInput input;
        std::string message;
    };
    std::vector<Case> cases;
    cases.push_back({input_for(""), "tmtype: must not be empty"});
    cases.push_back({input_for("https://tm.test/a b"),
                     "tmtype: must not contain spaces or control characters"});
    TrustMarkTypeInput zero = input_for("https://tm.test/z");
    zero.valid_for = 0;
    cases.push_back({zero, "valid_for: must be a positive integer"});
    TrustMarkTypeInput negative = input_for("https://tm.test/n");
    negative.renewal_time = -1;
    cases.push_back({negative, "renewal_time: must not be negative"});
    TrustMarkTypeInput late = input_for("https://tm.test/l");
    late.valid_for = 10;
    late.renewal_time = 10;
    cases.push_back({late, "renewal_time: must be less than valid_for"});

    for (const Case& c : cases) {
        Result<Inserted<TrustMarkType>> created = create_trust_mark_type(database(), c.input, {});
        ASSERT_FALSE(created.has_value()) << c.message;
        EXPECT_EQ(created.error().code(), ErrorCode::kInvalidRequest);
        EXPECT_EQ(created.error().message(), c.message);
    }
    EXPECT_EQ(list_trust_mark_types(database(), {})->count, 0);
}

TEST_P(TrustMarkTypeRepositoryTest, UpdateChangesOnlyGivenMembers) {
    Result<Inserted<TrustMarkType>> created =
        create_trust_mark_type(database(), input_for("https://tm.test/member"), {});
    ASSERT_TRUE(created.has_value());
    TrustMarkTypeUpdate update;
    update.active = false;
    update.valid_for = 100;

    Result<TrustMarkType> updated = update_trust_mark_type(database(), created->row.id, update);

    ASSERT_TRUE(updated.has_value());
    EXPECT_FALSE(updated->active);
    EXPECT_EQ(updated->valid_for, 100);
    EXPECT_EQ(updated->renewal_time, 48);
    Result<std::optional<TrustMarkType>> stored = find_trust_mark_type(database(), created->row.id);
    ASSERT_TRUE(stored.has_value());
    ASSERT_TRUE(stored->has_value());
    EXPECT_FALSE((*stored)->active);
    EXPECT_EQ((*stored)->valid_for, 100);
}

TEST_P(TrustMarkTypeRepositoryTest, UpdateRejectsRenewalBeyondValidity) {
    Result<Inserted<TrustMarkType>> created =
        create_trust_mark_type(database(), input_for("https://tm.test/member"), {});
    ASSERT_TRUE(created.has_value());
    TrustMarkTypeUpdate update;
    update.valid_for = 24;

    Result<TrustMarkType> updated = update_trust_mark_type(database(), created->row.id, update);

    ASSERT_FALSE(updated.has_value());
    EXPECT_EQ(updated.error().message(), "renewal_time: must be less than valid_for");
    EXPECT_EQ((*find_trust_mark_type(database(), created->row.id))->valid_for, 8760);
}

TEST_P(TrustMarkTypeRepositoryTest, UpdateOfUnknownIdIsNotFound) {
    Result<TrustMarkType> updated = update_trust_mark_type(database(), 42, {});

    ASSERT_FALSE(updated.has_value());
    EXPECT_EQ(updated.error().code(), ErrorCode::kNotFound);
}

TEST_P(TrustMarkTypeRepositoryTest, ListPaginatesWithTotalCount) {
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(create_trust_mark_type(
                        database(), input_for("https://tm.test/" + std::to_string(i)), {})
                        .has_value());
    }

    Result<Page<TrustMarkType>> page = list_trust_mark_types(database(), {2, 3});

    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->count, 5);
    ASSERT_EQ(page->items.size(), 2u);
    EXPECT_EQ(page->items[0].tmtype, "https://tm.test/3");
    EXPECT_EQ(page->items[1].tmtype, "https://tm.test/4");
}

TEST_P(TrustMarkTypeRepositoryTest, ListRejectsBadPage) {
    Result<Page<TrustMarkType>> zero = list_trust_mark_types(database(), {0, 0});
    Result<Page<TrustMarkType>> negative = list_trust_mark_types(database(), {10, -1});

    ASSERT_FALSE(zero.has_value());
    EXPECT_EQ(zero.error().message(), "limit: must be between 1 and 1000");
    ASSERT_FALSE(negative.has_value());
    EXPECT_EQ(negative.error().message(), "offset: must not be negative");
}

TEST_P(TrustMarkTypeRepositoryTest, JsonHasContractShape) {
    Result<Inserted<TrustMarkType>> created =
        create_trust_mark_type(database(), input_for("https://tm.test/member"), {});
    ASSERT_TRUE(created.has_value());

    std::string text = inmor::to_json(to_json(created->row));

    EXPECT_EQ(text, "{\"id\":" + std::to_string(created->row.id) +
                        ",\"tmtype\":\"https://tm.test/member\",\"autorenew\":true,"
                        "\"valid_for\":8760,\"renewal_time\":48,\"active\":true}");
}

INMOR_FOR_BOTH_ENGINES(TrustMarkTypeRepositoryTest);

}  // namespace
}  // namespace inmor::admin
