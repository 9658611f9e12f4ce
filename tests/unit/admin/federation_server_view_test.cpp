// What the federation server's own endpoint handlers serve after admin
// actions, read from the same federation store.
#include "admin/subordinate_service.h"
#include "admin/trust_mark_service.h"
#include "endpoints/endpoints.h"
#include "endpoints/store_cache.h"
#include "signing_test_fixture.h"

#include <boost/json/serialize.hpp>

#include <cctype>
#include <chrono>

namespace inmor::admin::testing {
namespace {

namespace json = boost::json;

constexpr const char* kType = "https://ta.test/trustmarks/member";

class FederationServerViewTest : public SigningTest {
protected:
    // A fresh cache per read, so every response comes from the store.
    http::Response get(http::Response (*handler)(const endpoints::EndpointContext&,
                                                 const http::Request&),
                       const std::string& query) {
        endpoints::StoreCache cache(std::chrono::milliseconds(0));
        endpoints::PublishedData data(*key_values_, cache, clock_);
        endpoints::EndpointContext context;
        context.config = &config_;
        context.data = &data;
        http::Request request;
        request.method = "GET";
        request.query = query;
        request.client_address = "127.0.0.1";
        return handler(context, request);
    }
};

std::string encoded(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            static constexpr char kHex[] = "0123456789ABCDEF";
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

TEST_P(FederationServerViewTest, FetchAndListFollowSubordinateChanges) {
    TestEntity entity = make_entity("rp1");
    serve_configuration(entity);
    SubordinateInput input;
    input.entityid = entity.entity_id;
    input.jwks = entity.jwks();
    ActionResult<Subordinate> created = add_subordinate(services(), input, actor_);
    ASSERT_TRUE(created.has_value()) << created.error().message;

    http::Response fetched = get(endpoints::handle_fetch, "sub=" + encoded(entity.entity_id));
    http::Response listed = get(endpoints::handle_list, "");

    EXPECT_EQ(fetched.status, 200u) << fetched.body;
    EXPECT_EQ(fetched.content_type, "application/entity-statement+jwt");
    EXPECT_EQ(fetched.body, *created->statement);
    EXPECT_EQ(listed.status, 200u) << listed.body;
    EXPECT_EQ(listed.body, json::serialize(json::array{entity.entity_id}));

    input.active = false;
    ASSERT_TRUE(change_subordinate(services(), created->id, input, actor_).has_value());

    EXPECT_EQ(get(endpoints::handle_fetch, "sub=" + encoded(entity.entity_id)).status, 404u);
    EXPECT_EQ(get(endpoints::handle_list, "").body, "[]");
}

TEST_P(FederationServerViewTest, TrustMarkEndpointsFollowIssueAndRevocation) {
    ActionResult<TrustMarkType> type =
        add_trust_mark_type(services(), TrustMarkTypeInput{kType, {}, {}, {}, {}}, actor_);
    ASSERT_TRUE(type.has_value()) << type.error().message;
    ActionResult<TrustMark> mark = issue_trust_mark(
        services(), TrustMarkInput{type->id, "https://rp.test", {}, {}, {}, {}, {}}, actor_);
    ASSERT_TRUE(mark.has_value()) << mark.error().message;
    std::string query = "trust_mark_type=" + encoded(kType) + "&sub=" + encoded("https://rp.test");

    http::Response served = get(endpoints::handle_trust_mark, query);
    http::Response holders =
        get(endpoints::handle_trust_mark_list, "trust_mark_type=" + encoded(kType));

    EXPECT_EQ(served.status, 200u) << served.body;
    EXPECT_EQ(served.content_type, "application/trust-mark+jwt");
    EXPECT_EQ(served.body, *mark->mark);
    EXPECT_EQ(holders.body, json::serialize(json::array{"https://rp.test"}));

    ASSERT_TRUE(change_trust_mark(services(), mark->id, TrustMarkUpdate{{}, false, {}}, actor_)
                    .has_value());
    ASSERT_FALSE(renew_trust_mark(services(), mark->id, actor_).has_value());

    EXPECT_EQ(get(endpoints::handle_trust_mark, query).status, 404u);
    EXPECT_EQ(get(endpoints::handle_trust_mark_list, "trust_mark_type=" + encoded(kType)).body,
              "[]");
}

INMOR_FOR_BOTH_ENGINES(FederationServerViewTest);

}  // namespace
}  // namespace inmor::admin::testing
