// Trust Marks in the collection walk: verified with the anchor's rules and
// the keys of issuers found in the walk, then indexed by type.
#include "walk_fixture.h"

#include <gmock/gmock.h>

namespace inmor::collection::testing {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kMember = "https://tm.test/member";
constexpr const char* kCertified = "https://tm.test/certified";
constexpr const char* kOutside = "https://tm.test/outside";
constexpr const char* kUnlisted = "https://tm.test/unlisted";
constexpr const char* kDelegated = "https://tm.test/delegated";

class TrustMarkWalkTest : public WalkTest {
protected:
    void SetUp() override {
        build_tree();
        federation_.add("outsider");  // never listed, so never walked
        federation_.entity("ta").extra_claims["trust_mark_issuers"] =
            json::object{{kMember, json::array{federation_.id("ta")}},
                         {kCertified, json::array{federation_.id("ia")}},
                         {kOutside, json::array{federation_.id("outsider")}},
                         {kDelegated, json::array{federation_.id("ia")}}};
        federation_.add("owner");  // owns kDelegated; not part of the tree
        federation_.entity("ta").extra_claims["trust_mark_owners"] = json::object{
            {kDelegated, json::object{{"sub", federation_.id("owner")},
                                      {"jwks", federation_.entity("owner").jwks.public_json()}}}};
    }

    /// A kDelegated mark ia issues for op, carrying a delegation signed by `signer`.
    std::string delegated_mark(const std::string& signer) {
        json::object delegation{{"iss", federation_.id("owner")},
                                {"sub", federation_.id("ia")},
                                {"trust_mark_type", kDelegated},
                                {"iat", kNow - 60}};
        json::object claims{{"iss", federation_.id("ia")},
                            {"sub", federation_.id("op")},
                            {"trust_mark_type", kDelegated},
                            {"iat", kNow - 60},
                            {"exp", kNow + 600},
                            {"delegation", sign(federation_.entity(signer).key, delegation,
                                                "trust-mark-delegation+jwt")}};
        return sign(federation_.entity("ia").key, claims, "trust-mark+jwt");
    }

    json::object entry(const std::string& type, const std::string& jwt) {
        return json::object{{"trust_mark_type", type}, {"trust_mark", jwt}};
    }

    void give_marks(const std::string& name, json::array marks) {
        federation_.entity(name).extra_claims["trust_marks"] = std::move(marks);
    }
};

TEST_F(TrustMarkWalkTest, IndexesVerifiedMarks) {
    give_marks("op", {entry(kMember, federation_.trust_mark("ta", "op", kMember, kNow + 600)),
                      entry(kCertified,
                            federation_.trust_mark("ia", "op", kCertified, kNow + 600))});
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(ids_with_trust_mark(*result, kMember), ElementsAre(federation_.id("op")));
    EXPECT_THAT(ids_with_trust_mark(*result, kCertified), ElementsAre(federation_.id("op")));
    EXPECT_EQ(result->stats.trust_marks_verified, 2u);
    EXPECT_EQ(result->stats.trust_marks_rejected, 0u);

    const auto op = entity_info(*result, federation_.id("op"));
    const auto& marks = op.at("trust_marks").as_array();
    ASSERT_EQ(marks.size(), 2u);
    EXPECT_EQ(marks[0].at("trust_mark_type"), kMember);
    EXPECT_FALSE(entity_info(*result, federation_.id("rp")).contains("trust_marks"));
}

TEST_F(TrustMarkWalkTest, RejectsExpiredMark) {
    give_marks("op", {entry(kMember, federation_.trust_mark("ta", "op", kMember, kNow - 600))});
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(ids_with_trust_mark(*result, kMember), IsEmpty());
    EXPECT_EQ(result->stats.trust_marks_rejected, 1u);
    EXPECT_FALSE(entity_info(*result, federation_.id("op")).contains("trust_marks"));
}

TEST_F(TrustMarkWalkTest, RejectsIssuerTheAnchorDoesNotAccept) {
    // leaf is no accepted issuer of kCertified; kUnlisted is accepted only
    // from the anchor itself.
    give_marks("op",
               {entry(kCertified, federation_.trust_mark("leaf", "op", kCertified, kNow + 600)),
                entry(kUnlisted, federation_.trust_mark("ia", "op", kUnlisted, kNow + 600))});
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(result->snapshot.by_trust_mark, IsEmpty());
    EXPECT_EQ(result->stats.trust_marks_rejected, 2u);
}

TEST_F(TrustMarkWalkTest, RejectsIssuerOutsideFederation) {
    give_marks("op",
               {entry(kOutside, federation_.trust_mark("outsider", "op", kOutside, kNow + 600))});
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(ids_with_trust_mark(*result, kOutside), IsEmpty());
    EXPECT_EQ(result->stats.trust_marks_rejected, 1u);
}

TEST_F(TrustMarkWalkTest, RejectsBadMarkSignature) {
    // Claims ia as issuer but signed with op's own key.
    json::object claims{{"iss", federation_.id("ia")},
                        {"sub", federation_.id("op")},
                        {"trust_mark_type", kCertified},
                        {"iat", kNow - 60},
                        {"exp", kNow + 600}};
    give_marks("op",
               {entry(kCertified, sign(federation_.entity("op").key, claims, "trust-mark+jwt"))});
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(ids_with_trust_mark(*result, kCertified), IsEmpty());
    EXPECT_EQ(result->stats.trust_marks_rejected, 1u);
}

TEST_F(TrustMarkWalkTest, RejectsMarkForAnotherSubject) {
    give_marks("op", {entry(kMember, federation_.trust_mark("ta", "rp", kMember, kNow + 600))});
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(ids_with_trust_mark(*result, kMember), IsEmpty());
    EXPECT_EQ(result->stats.trust_marks_rejected, 1u);
}

TEST_F(TrustMarkWalkTest, AcceptsDelegatedMark) {
    give_marks("op", {entry(kDelegated, delegated_mark("owner"))});
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(ids_with_trust_mark(*result, kDelegated), ElementsAre(federation_.id("op")));
    EXPECT_EQ(result->stats.trust_marks_verified, 1u);
}

TEST_F(TrustMarkWalkTest, RejectsBadDelegation) {
    // The delegation is signed by the issuer itself, not by the owner.
    give_marks("op", {entry(kDelegated, delegated_mark("ia"))});
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(ids_with_trust_mark(*result, kDelegated), IsEmpty());
    EXPECT_EQ(result->stats.trust_marks_rejected, 1u);
}

TEST_F(TrustMarkWalkTest, RejectsMissingDelegation) {
    give_marks("op",
               {entry(kDelegated, federation_.trust_mark("ia", "op", kDelegated, kNow + 600))});
    federation_.publish();

    auto result = walk();

    ASSERT_TRUE(result) << result.error().message();
    EXPECT_THAT(ids_with_trust_mark(*result, kDelegated), IsEmpty());
    EXPECT_EQ(result->stats.trust_marks_rejected, 1u);
}

}  // namespace
}  // namespace inmor::collection::testing
