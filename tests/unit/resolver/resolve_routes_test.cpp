// The admin's resolve inspector, called directly: a federation on a loopback
// HTTP server, the anchor's own statements in a real embedded store.
#include "admin/api/resolve_routes.h"

#include "admin/database.h"
#include "common/json.h"
#include "fetch/http_fetcher.h"
#include "federation/signing_keys.h"
#include "storage/federation_store.h"
#include "storage/key_value_store.h"
#include "test_federation.h"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <filesystem>

namespace inmor::admin::api {
namespace {

namespace json = boost::json;
namespace fedtest = inmor::federation::testing;
using resolver::testing::FederationServer;
using resolver::testing::TestFederation;

fetch::FetchConfig loopback_fetch_config() {
    fetch::FetchConfig config;
    config.allow_http = true;
    config.retries = 0;
    config.total_timeout = std::chrono::seconds(5);
    return config;
}

class ResolveRoutesTest : public ::testing::Test {
protected:
    void SetUp() override {
        directory_ = std::filesystem::temp_directory_path() /
                     ("inmor-resolve-routes-" + std::to_string(::getpid()) + "-" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(directory_);

        federation_.add("ta");
        federation_.add("int");
        federation_.add("leaf");
        federation_.publish_configuration("int", {"ta"});
        federation_.publish_configuration(
            "leaf", {"int"},
            {{"metadata", json::object{{"openid_relying_party",
                                        json::object{{"client_name", "Leaf"},
                                                     {"scope", "openid"}}}}}});
        federation_.publish_subordinate(
            "int", "leaf",
            {{"metadata_policy",
              json::object{{"openid_relying_party",
                            json::object{{"client_name",
                                          json::object{{"value", "Named by int"}}}}}}}});

        config_.domain = id("ta").str();
        config_.allow_http = true;
        keys_ = std::make_unique<federation::SigningKeys>(federation::SigningKeys{
            federation_.entity("ta").key, federation_.entity("ta").jwks, 1, {}});

        kv_ = storage::open_key_value_store("", (directory_ / "federation.db").string()).value();
        store_ = std::make_unique<storage::FederationStore>(*kv_);
        database_ = Database::open("sqlite:" + (directory_ / "admin.db").string(), directory_)
                        .value();

        // The anchor's own configuration and statement about `int` live
        // only in its store, never on the HTTP server.
        const auto& ta = federation_.entity("ta");
        storage::WriteBatch batch;
        batch.set("inmor:entity_id", fedtest::sign(ta.key, federation_.configuration_claims(
                                                             "ta", {})));
        batch.hash_set("inmor:subordinates", id("int").str(),
                       fedtest::sign(ta.key, federation_.subordinate_claims("ta", "int")));
        kv_->apply(batch).value();

        services_ = std::make_unique<AdminServices>(
            AdminServices{config_, *database_, *store_, *keys_, fetcher_, clock_});
        routes_ = resolve_routes(*services_);
    }

    void TearDown() override { std::filesystem::remove_all(directory_); }

    const EntityId& id(const std::string& name) const { return federation_.entity(name).id; }

    http::Response call(const std::string& body) {
        http::Request request;
        request.method = "POST";
        request.path = "/api/v1/resolve";
        request.content_type = "application/json";
        request.body = body;
        ApiCall api_call{request, {}, AuditActor{}};
        return routes_.at(0).handler(api_call);
    }

    json::object call_json(const json::object& body, unsigned expected_status = 200) {
        const http::Response response = call(json::serialize(body));
        EXPECT_EQ(response.status, expected_status) << response.body;
        return parse_json_object(response.body).value();
    }

    std::filesystem::path directory_;
    FederationServer server_;
    TestFederation federation_{server_};
    FixedClock clock_{fedtest::kNow};
    fetch::HttpFetcher fetcher_{loopback_fetch_config()};
    Config config_;
    std::unique_ptr<federation::SigningKeys> keys_;
    std::unique_ptr<storage::KeyValueStore> kv_;
    std::unique_ptr<storage::FederationStore> store_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<AdminServices> services_;
    std::vector<ApiRoute> routes_;
};

TEST_F(ResolveRoutesTest, RegistersPostResolve) {
    ASSERT_EQ(routes_.size(), 1u);
    EXPECT_EQ(routes_[0].method, "POST");
    EXPECT_EQ(routes_[0].pattern, "/resolve");
}

TEST_F(ResolveRoutesTest, ShowsChainPolicyAndMetadata) {
    const json::object result = call_json({{"sub", id("leaf").str()}});
    ASSERT_TRUE(result.at("ok").as_bool()) << json::serialize(result);
    const json::array& chain = result.at("chain").as_array();
    ASSERT_EQ(chain.size(), 4u);
    EXPECT_EQ(chain[0].at("payload").at("sub").as_string(), id("leaf").str());
    EXPECT_EQ(chain[1].at("payload").at("iss").as_string(), id("int").str());
    EXPECT_EQ(chain[2].at("payload").at("iss").as_string(), id("ta").str());
    EXPECT_EQ(chain[3].at("header").at("typ").as_string(), "entity-statement+jwt");
    EXPECT_EQ(result.at("merged_policy")
                  .at("openid_relying_party")
                  .at("client_name")
                  .at("value")
                  .as_string(),
              "Named by int");
    EXPECT_EQ(result.at("metadata").at("openid_relying_party").at("client_name").as_string(),
              "Named by int");
    EXPECT_EQ(result.at("exp").as_int64(), fedtest::kNow + 3600);
    EXPECT_TRUE(result.at("trust_marks").as_array().empty());
    // The anchor's own statements came from its store.
    EXPECT_EQ(server_.hits(federation_.fetch_route("ta", "int")), 0);
    EXPECT_EQ(server_.hits(federation_.configuration_route("ta")), 0);
}

TEST_F(ResolveRoutesTest, FiltersEntityTypes) {
    const json::object result =
        call_json({{"sub", id("leaf").str()}, {"entity_type", json::array{"openid_provider"}}});
    ASSERT_TRUE(result.at("ok").as_bool());
    EXPECT_TRUE(result.at("metadata").as_object().empty());
}

TEST_F(ResolveRoutesTest, NamesTheFailure) {
    federation_.publish_subordinate_jwt("int", "leaf", "not.a.jwt");
    const json::object result = call_json({{"sub", id("leaf").str()}});
    EXPECT_FALSE(result.at("ok").as_bool());
    const std::string error(result.at("error").as_string());
    EXPECT_EQ(error.rfind("invalid_trust_chain: ", 0), 0u) << error;
    EXPECT_NE(error.find(id("int").str()), std::string::npos) << error;
    EXPECT_TRUE(result.at("chain").as_array().empty());
    EXPECT_TRUE(result.at("metadata").is_null());
}

TEST_F(ResolveRoutesTest, RejectsUnknownTrustAnchor) {
    const json::object result =
        call_json({{"sub", id("leaf").str()}, {"trust_anchor", "https://other.test"}});
    EXPECT_FALSE(result.at("ok").as_bool());
    EXPECT_EQ(std::string(result.at("error").as_string()).rfind("invalid_trust_anchor", 0), 0u);
}

TEST_F(ResolveRoutesTest, RejectsBadRequests) {
    EXPECT_EQ(call("{not json").status, 400u);
    EXPECT_NE(call_json({}, 422).at("message").as_string().find("sub"), std::string::npos);
    EXPECT_NE(call_json({{"sub", "ftp://x.test"}}, 422).at("message").as_string().find("sub"),
              std::string::npos);
    EXPECT_NE(call_json({{"sub", id("leaf").str()}, {"entity_type", "openid_provider"}}, 422)
                  .at("message")
                  .as_string()
                  .find("entity_type"),
              std::string::npos);
}

}  // namespace
}  // namespace inmor::admin::api
