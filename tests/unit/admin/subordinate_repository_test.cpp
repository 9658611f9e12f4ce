// Subordinates: validation, duplicates, updates, recorded statements,
// approval holds, pagination and the JSON shape.
#include "database_test_fixture.h"

#include "admin/subordinate_repository.h"
#include "common/json.h"

#include <gtest/gtest.h>

namespace inmor::admin {
namespace {

namespace json = boost::json;

using SubordinateRepositoryTest = testing::DatabaseTest;

SubordinateInput input_for(std::string entityid) {
    SubordinateInput input;
    input.entityid = std::move(entityid);
    input.metadata = json::object{{"openid_relying_party", json::object{{"client_name", "RP"}}}};
    input.jwks = json::object{
        {"keys", json::array{json::object{{"kty", "EC"}, {"crv", "P-256"}, {"kid", "k1"}}}}};
    return input;
}

TEST_P(SubordinateRepositoryTest, CreateStoresEveryMember) {
    SubordinateInput input = input_for("https://rp.test");
    input.valid_for = 24;
    input.required_trustmarks = "https://tm.test/member";
    input.forced_metadata = json::object{{"federation_entity", json::object{}}};

    Result<Inserted<Subordinate>> created = create_subordinate(database(), input, {}, 1000);

    ASSERT_TRUE(created.has_value()) << created.error().message();
    EXPECT_FALSE(created->duplicate);
    Result<std::optional<Subordinate>> stored = find_subordinate(database(), created->row.id);
    ASSERT_TRUE(stored.has_value());
    ASSERT_TRUE(stored->has_value());
    const Subordinate& subordinate = **stored;
    EXPECT_EQ(subordinate.entityid, "https://rp.test");
    EXPECT_EQ(subordinate.metadata, input.metadata);
    EXPECT_EQ(subordinate.forced_metadata, input.forced_metadata);
    EXPECT_EQ(subordinate.jwks, input.jwks);
    EXPECT_EQ(subordinate.valid_for, 24);
    EXPECT_EQ(subordinate.required_trustmarks, "https://tm.test/member");
    EXPECT_EQ(subordinate.created_at, 1000);
    EXPECT_TRUE(subordinate.active);
    EXPECT_FALSE(subordinate.held_for_approval);
}

TEST_P(SubordinateRepositoryTest, DuplicateReturnsExistingRow) {
    ASSERT_TRUE(create_subordinate(database(), input_for("https://rp.test"), {}, 1).has_value());

    Result<Inserted<Subordinate>> again =
        create_subordinate(database(), input_for("https://rp.test"), {}, 2);

    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->row.created_at, 1);
}

TEST_P(SubordinateRepositoryTest, ValidationNamesTheField) {
    SubordinateLimits limits{100, false};
    struct Case {
        SubordinateInput input;
        std::string message_start;
    };
    std::vector<Case> cases;
    cases.push_back({input_for("http://rp.test"), "entityid: "});
    SubordinateInput no_keys = input_for("https://rp.test");
    no_keys.jwks = json::object{{"keys", json::array{}}};
    cases.push_back({no_keys, "jwks.keys: must hold at least one key"});
    SubordinateInput bad_key = input_for("https://rp.test");
    bad_key.jwks = json::object{{"keys", json::array{json::object{{"kid", "x"}}}}};
    cases.push_back({bad_key, "jwks.keys[0].kty: must be a string"});
    SubordinateInput too_long = input_for("https://rp.test");
    too_long.valid_for = 101;
    cases.push_back({too_long, "valid_for: must not exceed subordinate_statement_lifetime (100"});
    SubordinateInput zero = input_for("https://rp.test");
    zero.valid_for = 0;
    cases.push_back({zero, "valid_for: must be a positive integer"});
    SubordinateInput reserved = input_for("https://rp.test");
    reserved.additional_claims = json::object{{"iss", "https://evil.test"}};
    cases.push_back({reserved, "additional_claims.iss: "});
    SubordinateInput number_metadata = input_for("https://rp.test");
    number_metadata.metadata = json::object{{"openid_provider", 5}};
    cases.push_back({number_metadata, "metadata.openid_provider: must be a JSON object"});
    SubordinateInput array_forced = input_for("https://rp.test");
    array_forced.forced_metadata = json::object{{"federation_entity", json::array{}}};
    cases.push_back({array_forced, "forced_metadata.federation_entity: must be a JSON object"});

    for (const Case& c : cases) {
        Result<Inserted<Subordinate>> created = create_subordinate(database(), c.input, limits, 1);
        ASSERT_FALSE(created.has_value()) << c.message_start;
        EXPECT_EQ(created.error().code(), ErrorCode::kInvalidRequest);
        EXPECT_TRUE(created.error().message().starts_with(c.message_start))
            << created.error().message();
    }
    EXPECT_EQ(list_subordinates(database(), {})->count, 0);
}

TEST_P(SubordinateRepositoryTest, HttpEntityAllowedInDevelopment) {
    Result<Inserted<Subordinate>> created =
        create_subordinate(database(), input_for("http://rp.test"), {8760, true}, 1);

    ASSERT_TRUE(created.has_value()) << created.error().message();
}

TEST_P(SubordinateRepositoryTest, UpdateReplacesMembersButNotEntityId) {
    Result<Inserted<Subordinate>> created =
        create_subordinate(database(), input_for("https://rp.test"), {}, 1);
    ASSERT_TRUE(created.has_value());
    SubordinateInput change = input_for("");
    change.active = false;
    change.metadata = json::object{{"openid_provider", json::object{}}};

    Result<Subordinate> updated = update_subordinate(database(), created->row.id, change, {}, 5);
    SubordinateInput rename = input_for("https://other.test");
    Result<Subordinate> renamed = update_subordinate(database(), created->row.id, rename, {}, 6);

    ASSERT_TRUE(updated.has_value()) << updated.error().message();
    EXPECT_FALSE(updated->active);
    EXPECT_EQ(updated->entityid, "https://rp.test");
    EXPECT_EQ(updated->updated_at, 5);
    ASSERT_FALSE(renamed.has_value());
    EXPECT_TRUE(renamed.error().message().starts_with("entityid: cannot be changed"));
    Result<std::optional<Subordinate>> stored = find_subordinate(database(), created->row.id);
    ASSERT_TRUE(stored.has_value());
    ASSERT_TRUE(stored->has_value());
    EXPECT_TRUE((*stored)->metadata.contains("openid_provider"));
}

TEST_P(SubordinateRepositoryTest, RecordsStatementConfigurationAndHold) {
    Result<Inserted<Subordinate>> created =
        create_subordinate(database(), input_for("https://rp.test"), {}, 1);
    ASSERT_TRUE(created.has_value());
    std::int64_t id = created->row.id;

    ASSERT_TRUE(record_subordinate_statement(database(), id, "s.t.m", 9000, 2).has_value());
    ASSERT_TRUE(record_entity_configuration(database(), id, "e.c.f", 3).has_value());
    ASSERT_TRUE(set_held_for_approval(database(), id, std::string("new key"), 4).has_value());

    Result<std::optional<Subordinate>> stored = find_subordinate_by_entity_id(database(),
                                                                             "https://rp.test");
    ASSERT_TRUE(stored.has_value());
    ASSERT_TRUE(stored->has_value());
    EXPECT_EQ((*stored)->statement, "s.t.m");
    EXPECT_EQ((*stored)->expire_at, 9000);
    EXPECT_EQ((*stored)->entity_configuration, "e.c.f");
    EXPECT_TRUE((*stored)->held_for_approval);
    EXPECT_EQ((*stored)->held_reason, "new key");
    ASSERT_TRUE(set_held_for_approval(database(), id, std::nullopt, 5).has_value());
    EXPECT_FALSE((*find_subordinate(database(), id))->held_for_approval);
}

TEST_P(SubordinateRepositoryTest, ListPaginatesAndFiltersActive) {
    for (int i = 0; i < 4; ++i) {
        SubordinateInput input = input_for("https://rp" + std::to_string(i) + ".test");
        input.active = i % 2 == 0;
        ASSERT_TRUE(create_subordinate(database(), input, {}, 1).has_value());
    }

    Result<Page<Subordinate>> first = list_subordinates(database(), {1, 0});
    Result<Page<Subordinate>> active = list_subordinates(database(), {}, true);

    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->count, 4);
    ASSERT_EQ(first->items.size(), 1u);
    EXPECT_EQ(first->items[0].entityid, "https://rp0.test");
    ASSERT_TRUE(active.has_value());
    EXPECT_EQ(active->count, 2);
}

TEST_P(SubordinateRepositoryTest, JsonHasContractShape) {
    Result<Inserted<Subordinate>> created =
        create_subordinate(database(), input_for("https://rp.test"), {}, 1);
    ASSERT_TRUE(created.has_value());

    std::string text = inmor::to_json(to_json(created->row));

    EXPECT_EQ(text,
              "{\"id\":" + std::to_string(created->row.id) +
                  ",\"entityid\":\"https://rp.test\","
                  "\"metadata\":{\"openid_relying_party\":{\"client_name\":\"RP\"}},"
                  "\"forced_metadata\":{},"
                  "\"jwks\":{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k1\"}]},"
                  "\"required_trustmarks\":null,\"valid_for\":null,\"expire_at\":null,"
                  "\"autorenew\":true,\"active\":true,\"additional_claims\":null}");
}

INMOR_FOR_BOTH_ENGINES(SubordinateRepositoryTest);

}  // namespace
}  // namespace inmor::admin
