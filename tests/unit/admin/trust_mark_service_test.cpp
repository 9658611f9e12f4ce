// Trust mark types and trust marks through their route handlers, against
// both database engines and a real federation store.
#include "admin/admin_metrics.h"
#include "admin/trust_mark_service.h"
#include "federation/trust_mark.h"
#include "jose/jws.h"
#include "signing_test_fixture.h"

#include <boost/json/serialize.hpp>

namespace inmor::admin::testing {
namespace {

namespace json = boost::json;

class TrustMarkServiceTest : public SigningTest {
protected:
    void SetUp() override {
        SigningTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        // The routes keep a copy of the services, which refer to the fixture.
        types_ = api::trust_mark_type_routes(services());
        marks_ = api::trust_mark_routes(services());
    }

    std::int64_t create_type(const std::string& tmtype) {
        http::Response response = call(types_, "POST", "/trustmarktypes",
                                        json::serialize(json::object{{"tmtype", tmtype}}));
        EXPECT_EQ(response.status, 201u) << response.body;
        return body_of(response).at("id").as_int64();
    }

    json::object issue(std::int64_t type_id, const std::string& domain) {
        http::Response response =
            call(marks_, "POST", "/trustmarks",
                 json::serialize(json::object{{"tmt", type_id}, {"domain", domain}}));
        EXPECT_EQ(response.status, 201u) << response.body;
        return body_of(response);
    }

    std::vector<api::ApiRoute> types_;
    std::vector<api::ApiRoute> marks_;
};

constexpr const char* kType = "https://ta.test/trustmarks/member";
constexpr const char* kHolder = "https://rp.test";

TEST_P(TrustMarkServiceTest, CreatesTypeWithConfiguredDefaultsAndRepublishes) {
    http::Response response = call(types_, "POST", "/trustmarktypes",
                                   json::serialize(json::object{{"tmtype", kType}}));

    ASSERT_EQ(response.status, 201u) << response.body;
    json::object type = body_of(response);
    EXPECT_EQ(type.at("tmtype"), kType);
    EXPECT_EQ(type.at("valid_for"), 500);
    EXPECT_EQ(type.at("renewal_time"), 10);
    EXPECT_EQ(type.at("autorenew"), true);
    EXPECT_EQ(type.at("active"), true);

    // The entity configuration names this anchor as an issuer of the type.
    auto published = store().entity_configuration();
    ASSERT_TRUE(published.has_value());
    ASSERT_TRUE(published->has_value());
    json::object claims = payload_of(**published);
    const json::array& issuers = claims.at("trust_mark_issuers").at(kType).as_array();
    EXPECT_EQ(issuers, json::array{config_.domain});

    std::vector<AuditEntry> entries = audit_entries();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].action, "create");
    EXPECT_EQ(entries[0].resource_type, "trust_mark_type");
    EXPECT_EQ(entries[0].actor.username, "alice");
    EXPECT_EQ(entries[0].actor.auth_method, "api_key");
}

TEST_P(TrustMarkServiceTest, DuplicateTypeIs403WithTheExistingId) {
    std::int64_t id = create_type(kType);

    http::Response response = call(types_, "POST", "/trustmarktypes",
                                   json::serialize(json::object{{"tmtype", kType}}));

    EXPECT_EQ(response.status, 403u);
    EXPECT_EQ(body_of(response).at("id"), id);
    EXPECT_NE(body_of(response).at("message").as_string().find("tmtype"), json::string::npos);
}

TEST_P(TrustMarkServiceTest, BadTypeInputIs400NamingTheField) {
    struct Case {
        std::string body;
        std::string field;
    };
    std::vector<Case> cases = {
        {"{", "body"},
        {"[1]", "body"},
        {R"({"tmtype": 5})", "tmtype"},
        {R"({})", "tmtype"},
        {R"({"tmtype": "https://ta.test/t", "valid_for": "a"})", "valid_for"},
        {R"({"tmtype": "https://ta.test/t", "autorenew": 1})", "autorenew"},
        {R"({"tmtype": "https://ta.test/t", "valid_for": -3})", "valid_for"},
    };

    for (const Case& test : cases) {
        SCOPED_TRACE(test.body);
        http::Response response = call(types_, "POST", "/trustmarktypes", test.body);
        EXPECT_EQ(response.status, 400u) << response.body;
        EXPECT_NE(response.body.find(test.field), std::string::npos) << response.body;
    }
    EXPECT_TRUE(audit_entries().empty());
}

TEST_P(TrustMarkServiceTest, UnknownIdsAre404) {
    EXPECT_EQ(call(types_, "GET", "/trustmarktypes/{id}", "", {{"id", "999"}}).status, 404u);
    EXPECT_EQ(call(types_, "GET", "/trustmarktypes/{id}", "", {{"id", "abc"}}).status, 404u);
    EXPECT_EQ(call(types_, "PUT", "/trustmarktypes/{id}", R"({"active": false})",
                   {{"id", "999"}})
                  .status,
              404u);
    EXPECT_EQ(call(marks_, "POST", "/trustmarks", R"({"tmt": 999, "domain": "https://rp.test"})")
                  .status,
              404u);
    EXPECT_EQ(call(marks_, "PUT", "/trustmarks/{id}", R"({"active": false})", {{"id", "999"}})
                  .status,
              404u);
    EXPECT_EQ(call(marks_, "POST", "/trustmarks/{id}/renew", "", {{"id", "999"}}).status, 404u);
    EXPECT_EQ(call(marks_, "POST", "/trustmarks/{id}/renew", "", {{"id", "-1"}}).status, 404u);
}

TEST_P(TrustMarkServiceTest, UpdateChangesTypeAuditsAndLooksUpByIdentifier) {
    std::int64_t id = create_type(kType);

    http::Response response = call(types_, "PUT", "/trustmarktypes/{id}",
                                   R"({"valid_for": 24, "autorenew": false})",
                                   {{"id", std::to_string(id)}});

    ASSERT_EQ(response.status, 200u) << response.body;
    EXPECT_EQ(body_of(response).at("valid_for"), 24);
    EXPECT_EQ(body_of(response).at("autorenew"), false);
    http::Response found = call(types_, "GET", "/trustmarktypes", "", {},
                                "tmtype=https%3A%2F%2Fta.test%2Ftrustmarks%2Fmember");
    ASSERT_EQ(found.status, 200u) << found.body;
    EXPECT_EQ(body_of(found).at("id"), id);
    std::vector<AuditEntry> entries = audit_entries();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].action, "update");
    EXPECT_EQ(entries[0].before->at("valid_for"), 500);
    EXPECT_EQ(entries[0].after->at("valid_for"), 24);
}

TEST_P(TrustMarkServiceTest, IssuesASignedMarkInTheStoreLayout) {
    std::int64_t type_id = create_type(kType);

    json::object mark = issue(type_id, kHolder);

    // The mark verifies with the anchor's keys and carries the claims of a trust mark.
    std::string jwt(mark.at("mark").as_string());
    Result<jose::VerifiedJws> verified = jose::verify_jws(
        jwt, keys_->verification_keys, federation::kTrustMarkJwtType, clock_);
    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    EXPECT_EQ(verified->payload().at("iss"), json::value(config_.federation.trust_mark_issuer));
    EXPECT_EQ(verified->payload().at("sub"), kHolder);
    EXPECT_EQ(verified->payload().at("trust_mark_type"), kType);
    EXPECT_EQ(verified->payload().at("exp").as_int64(),
              verified->payload().at("iat").as_int64() + 500 * 3600);
    EXPECT_EQ(verified->header().at("typ"), "trust-mark+jwt");

    // What /trust_mark, /trust_mark_list and /trust_mark_status read.
    EXPECT_EQ(store().trust_mark(kHolder, kType).value(), jwt);
    EXPECT_EQ(store().trust_mark_holders(kType).value(), std::vector<std::string>{kHolder});
    EXPECT_EQ(store().trust_mark_types().value(), std::vector<std::string>{kType});
    EXPECT_TRUE(store().trust_mark_ever_issued(jwt).value());
    EXPECT_EQ(audit_entries()[0].resource_type, "trust_mark");
}

TEST_P(TrustMarkServiceTest, RejectsDuplicateAndOverlongMarks) {
    std::int64_t type_id = create_type(kType);
    std::int64_t mark_id = issue(type_id, kHolder).at("id").as_int64();

    http::Response duplicate =
        call(marks_, "POST", "/trustmarks",
             json::serialize(json::object{{"tmt_id", type_id}, {"domain", kHolder}}));
    http::Response overlong = call(
        marks_, "POST", "/trustmarks",
        json::serialize(json::object{{"tmt", type_id}, {"domain", "https://other.test"},
                                     {"valid_for", 501}}));
    http::Response reserved = call(
        marks_, "POST", "/trustmarks",
        json::serialize(json::object{{"tmt", type_id}, {"domain", "https://third.test"},
                                     {"additional_claims", json::object{{"sub", "x"}}}}));
    http::Response missing = call(marks_, "POST", "/trustmarks", R"({"domain": "https://a.test"})");

    EXPECT_EQ(duplicate.status, 403u);
    EXPECT_EQ(body_of(duplicate).at("id"), mark_id);
    EXPECT_EQ(overlong.status, 400u);
    EXPECT_NE(overlong.body.find("valid_for"), std::string::npos);
    EXPECT_EQ(reserved.status, 400u);
    EXPECT_NE(reserved.body.find("additional_claims.sub"), std::string::npos);
    EXPECT_EQ(missing.status, 400u);
    EXPECT_NE(missing.body.find("tmt"), std::string::npos);
    EXPECT_EQ(store().trust_mark("https://third.test", kType).value(), std::nullopt);
}

TEST_P(TrustMarkServiceTest, ListsMarksByDomain) {
    std::int64_t type_id = create_type(kType);
    issue(type_id, kHolder);
    issue(type_id, "https://other.test");

    http::Response all = call(marks_, "GET", "/trustmarks");
    http::Response one = call(marks_, "POST", "/trustmarks/list",
                              json::serialize(json::object{{"domain", kHolder}}));

    EXPECT_EQ(body_of(all).at("count"), 2);
    ASSERT_EQ(one.status, 200u) << one.body;
    EXPECT_EQ(body_of(one).at("count"), 1);
    EXPECT_EQ(body_of(one).at("items").as_array()[0].at("domain"), kHolder);
}

TEST_P(TrustMarkServiceTest, RevocationPublishesRevokedAndIsNeverRevived) {
    std::int64_t type_id = create_type(kType);
    json::object mark = issue(type_id, kHolder);
    std::string id = std::to_string(mark.at("id").as_int64());

    http::Response revoked =
        call(marks_, "PUT", "/trustmarks/{id}", R"({"active": false})", {{"id", id}});
    http::Response renewed = call(marks_, "POST", "/trustmarks/{id}/renew", "", {{"id", id}});
    http::Response revived =
        call(marks_, "PUT", "/trustmarks/{id}", R"({"active": true})", {{"id", id}});

    ASSERT_EQ(revoked.status, 200u) << revoked.body;
    EXPECT_EQ(body_of(revoked).at("active"), false);
    EXPECT_EQ(renewed.status, 422u) << renewed.body;
    EXPECT_EQ(revived.status, 400u) << revived.body;
    EXPECT_EQ(store().trust_mark(kHolder, kType).value(), std::string("revoked"));
    EXPECT_TRUE(store().trust_mark_holders(kType).value().empty());
    // Still recorded as issued, so /trust_mark_status returns "revoked", not 404.
    EXPECT_TRUE(store().trust_mark_ever_issued(std::string(mark.at("mark").as_string())).value());
    EXPECT_EQ(audit_entries()[0].action, "revoke");
}

TEST_P(TrustMarkServiceTest, RenewalSignsANewMarkWithALaterExpiry) {
    std::int64_t type_id = create_type(kType);
    json::object mark = issue(type_id, kHolder);
    clock_.advance(3600);
    std::uint64_t renewals = admin_metrics().renewal_count("trust_mark", "renewed");

    http::Response renewed = call(marks_, "POST", "/trustmarks/{id}/renew", "",
                                  {{"id", std::to_string(mark.at("id").as_int64())}});

    ASSERT_EQ(renewed.status, 200u) << renewed.body;
    std::string jwt(body_of(renewed).at("mark").as_string());
    EXPECT_NE(jwt, mark.at("mark").as_string());
    EXPECT_EQ(payload_of(jwt).at("exp").as_int64(), clock_.now() + 500 * 3600);
    EXPECT_EQ(store().trust_mark(kHolder, kType).value(), jwt);
    EXPECT_EQ(admin_metrics().renewal_count("trust_mark", "renewed"), renewals + 1);
    EXPECT_EQ(audit_entries()[0].action, "renew");
}

TEST_P(TrustMarkServiceTest, NewAdditionalClaimsReSignTheMark) {
    std::int64_t type_id = create_type(kType);
    json::object mark = issue(type_id, kHolder);

    http::Response changed =
        call(marks_, "PUT", "/trustmarks/{id}",
             R"({"additional_claims": {"ref": "https://ref.test/1"}})",
             {{"id", std::to_string(mark.at("id").as_int64())}});

    ASSERT_EQ(changed.status, 200u) << changed.body;
    std::string jwt(body_of(changed).at("mark").as_string());
    EXPECT_EQ(payload_of(jwt).at("ref"), "https://ref.test/1");
    EXPECT_EQ(store().trust_mark(kHolder, kType).value(), jwt);
}

TEST_P(TrustMarkServiceTest, MarksOfAnInactiveTypeAreNotIssuedOrRenewed) {
    std::int64_t type_id = create_type(kType);
    json::object mark = issue(type_id, kHolder);
    ASSERT_EQ(call(types_, "PUT", "/trustmarktypes/{id}", R"({"active": false})",
                   {{"id", std::to_string(type_id)}})
                  .status,
              200u);

    http::Response renewed = call(marks_, "POST", "/trustmarks/{id}/renew", "",
                                  {{"id", std::to_string(mark.at("id").as_int64())}});
    http::Response issued =
        call(marks_, "POST", "/trustmarks",
             json::serialize(json::object{{"tmt", type_id}, {"domain", "https://new.test"}}));

    EXPECT_EQ(renewed.status, 422u) << renewed.body;
    EXPECT_EQ(issued.status, 422u) << issued.body;
    EXPECT_NE(issued.body.find("not active"), std::string::npos) << issued.body;
    EXPECT_EQ(store().trust_mark("https://new.test", kType).value(), std::nullopt);
    // The entity configuration no longer names the anchor as issuer of the type.
    json::object claims = payload_of(*store().entity_configuration().value());
    EXPECT_FALSE(claims.contains("trust_mark_issuers") &&
                 claims.at("trust_mark_issuers").as_object().contains(kType));
}

INMOR_FOR_BOTH_ENGINES(TrustMarkServiceTest);

}  // namespace
}  // namespace inmor::admin::testing
