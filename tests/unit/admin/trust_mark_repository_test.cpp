// Trust marks: inheritance from the type, limits, duplicates, revocation,
// recording signed marks, filtering by domain and the JSON shape.
#include "database_test_fixture.h"

#include "admin/trust_mark_repository.h"
#include "admin/trust_mark_type_repository.h"
#include "common/json.h"
#include "storage/federation_store.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace inmor::admin {
namespace {

class TrustMarkRepositoryTest : public testing::DatabaseTest {
protected:
    void SetUp() override {
        DatabaseTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        TrustMarkTypeInput type;
        type.tmtype = "https://tm.test/member";
        type.valid_for = 100;
        type.renewal_time = 10;
        Result<Inserted<TrustMarkType>> created = create_trust_mark_type(database(), type, {});
        ASSERT_TRUE(created.has_value());
        type_id_ = created->row.id;
    }

    TrustMarkInput input_for(std::string domain) {
        TrustMarkInput input;
        input.tmt_id = type_id_;
        input.domain = std::move(domain);
        return input;
    }

    std::int64_t type_id_ = 0;
};

TEST_P(TrustMarkRepositoryTest, CreateInheritsFromType) {
    Result<Inserted<TrustMark>> created =
        create_trust_mark(database(), input_for("https://rp.test"));

    ASSERT_TRUE(created.has_value()) << created.error().message();
    EXPECT_FALSE(created->duplicate);
    EXPECT_EQ(created->row.valid_for, 100);
    EXPECT_EQ(created->row.renewal_time, 10);
    EXPECT_TRUE(created->row.active);
    EXPECT_FALSE(created->row.mark.has_value());
}

TEST_P(TrustMarkRepositoryTest, ValidForBeyondTypeIsRejected) {
    TrustMarkInput input = input_for("https://rp.test");
    input.valid_for = 101;

    Result<Inserted<TrustMark>> created = create_trust_mark(database(), input);

    ASSERT_FALSE(created.has_value());
    EXPECT_EQ(created.error().message(),
              "valid_for: must not exceed the trust mark type's 100 hours");
}

TEST_P(TrustMarkRepositoryTest, DomainMustBeEntityIdentifier) {
    Result<Inserted<TrustMark>> created = create_trust_mark(database(), input_for("not a url"));

    ASSERT_FALSE(created.has_value());
    EXPECT_EQ(created.error().code(), ErrorCode::kInvalidRequest);
    EXPECT_TRUE(created.error().message().starts_with("domain: ")) << created.error().message();
}

TEST_P(TrustMarkRepositoryTest, UnknownTypeIsNotFound) {
    TrustMarkInput input = input_for("https://rp.test");
    input.tmt_id = 999;

    Result<Inserted<TrustMark>> created = create_trust_mark(database(), input);

    ASSERT_FALSE(created.has_value());
    EXPECT_EQ(created.error().code(), ErrorCode::kNotFound);
}

TEST_P(TrustMarkRepositoryTest, DuplicateReturnsExistingRow) {
    ASSERT_TRUE(create_trust_mark(database(), input_for("https://rp.test")).has_value());

    Result<Inserted<TrustMark>> again = create_trust_mark(database(), input_for("https://rp.test"));

    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(list_trust_marks(database(), {})->count, 1);
}

TEST_P(TrustMarkRepositoryTest, RevocationClearsMarkAndIsFinal) {
    Result<Inserted<TrustMark>> created =
        create_trust_mark(database(), input_for("https://rp.test"));
    ASSERT_TRUE(created.has_value());
    ASSERT_TRUE(record_issued_trust_mark(database(), created->row.id, "a.b.c", 5000).has_value());
    TrustMarkUpdate revoke;
    revoke.active = false;

    Result<TrustMark> revoked = update_trust_mark(database(), created->row.id, revoke, 1234);

    ASSERT_TRUE(revoked.has_value());
    EXPECT_FALSE(revoked->active);
    EXPECT_FALSE(revoked->mark.has_value());
    EXPECT_EQ(revoked->revoked_at, 1234);
    TrustMarkUpdate revive;
    revive.active = true;
    Result<TrustMark> revived = update_trust_mark(database(), created->row.id, revive, 2000);
    ASSERT_FALSE(revived.has_value());
    EXPECT_EQ(revived.error().message(), "active: a revoked trust mark cannot be reactivated");
    Result<TrustMark> reissued = record_issued_trust_mark(database(), created->row.id, "d.e.f", 9);
    ASSERT_FALSE(reissued.has_value());
}

TEST_P(TrustMarkRepositoryTest, IssuedDigestsOutliveRevocation) {
    Result<Inserted<TrustMark>> created =
        create_trust_mark(database(), input_for("https://rp.test"));
    ASSERT_TRUE(created.has_value());
    ASSERT_TRUE(record_issued_trust_mark(database(), created->row.id, "a.b.c", 5000).has_value());
    ASSERT_TRUE(record_issued_trust_mark(database(), created->row.id, "d.e.f", 6000).has_value());
    // Recording a digest twice keeps one row.
    ASSERT_TRUE(record_trust_mark_digest(database(), created->row.id, "a.b.c", 7).has_value());
    TrustMarkUpdate revoke;
    revoke.active = false;
    ASSERT_TRUE(update_trust_mark(database(), created->row.id, revoke, 1234).has_value());

    Result<std::vector<std::string>> digests = issued_trust_mark_digests(database());

    ASSERT_TRUE(digests.has_value()) << digests.error().message();
    std::vector<std::string> expected = {storage::keys::trust_mark_digest("a.b.c"),
                                         storage::keys::trust_mark_digest("d.e.f")};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(*digests, expected);
}

TEST_P(TrustMarkRepositoryTest, RecordIssuedStoresMarkAndExpiry) {
    Result<Inserted<TrustMark>> created =
        create_trust_mark(database(), input_for("https://rp.test"));
    ASSERT_TRUE(created.has_value());

    ASSERT_TRUE(record_issued_trust_mark(database(), created->row.id, "h.p.s", 1800000000)
                    .has_value());

    Result<std::optional<TrustMark>> stored = find_trust_mark(database(), created->row.id);
    ASSERT_TRUE(stored.has_value());
    ASSERT_TRUE(stored->has_value());
    EXPECT_EQ((*stored)->mark, "h.p.s");
    EXPECT_EQ((*stored)->expire_at, 1800000000);
}

TEST_P(TrustMarkRepositoryTest, ListFiltersByDomain) {
    ASSERT_TRUE(create_trust_mark(database(), input_for("https://a.test")).has_value());
    ASSERT_TRUE(create_trust_mark(database(), input_for("https://b.test")).has_value());

    Result<Page<TrustMark>> page =
        list_trust_marks(database(), {}, std::string("https://b.test"));

    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->count, 1);
    ASSERT_EQ(page->items.size(), 1u);
    EXPECT_EQ(page->items[0].domain, "https://b.test");
}

TEST_P(TrustMarkRepositoryTest, AdditionalClaimsRoundTrip) {
    TrustMarkInput input = input_for("https://rp.test");
    input.additional_claims = boost::json::object{{"ref", "https://docs.test"}};

    Result<Inserted<TrustMark>> created = create_trust_mark(database(), input);

    ASSERT_TRUE(created.has_value());
    Result<std::optional<TrustMark>> stored = find_trust_mark(database(), created->row.id);
    ASSERT_TRUE(stored.has_value());
    ASSERT_TRUE(stored->has_value());
    ASSERT_TRUE((*stored)->additional_claims.has_value());
    EXPECT_EQ((*stored)->additional_claims->at("ref").as_string(), "https://docs.test");
}

TEST_P(TrustMarkRepositoryTest, JsonHasContractShape) {
    Result<Inserted<TrustMark>> created =
        create_trust_mark(database(), input_for("https://rp.test"));
    ASSERT_TRUE(created.has_value());
    ASSERT_TRUE(record_issued_trust_mark(database(), created->row.id, "h.p.s", 1800000000)
                    .has_value());
    Result<std::optional<TrustMark>> stored = find_trust_mark(database(), created->row.id);
    ASSERT_TRUE(stored.has_value());
    ASSERT_TRUE(stored->has_value());

    std::string text = inmor::to_json(to_json(**stored));

    EXPECT_EQ(text, "{\"id\":" + std::to_string(created->row.id) + ",\"tmt_id\":" +
                        std::to_string(type_id_) +
                        ",\"domain\":\"https://rp.test\",\"expire_at\":\"2027-01-15T08:00:00Z\","
                        "\"autorenew\":true,\"valid_for\":100,\"renewal_time\":10,"
                        "\"active\":true,\"mark\":\"h.p.s\",\"additional_claims\":null}");
}

INMOR_FOR_BOTH_ENGINES(TrustMarkRepositoryTest);

}  // namespace
}  // namespace inmor::admin
