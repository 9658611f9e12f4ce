// AdminApi: authentication, CSRF, Host, routing and the handler boundary,
// with real databases (both engines) and an embedded federation store.
#include "database_test_fixture.h"

#include "admin/api/admin_api.h"
#include "admin/api/admin_routes.h"
#include "admin/api_key_repository.h"
#include "admin/session_store.h"
#include "admin/user_repository.h"
#include "common/json.h"
#include "fetch/http_fetcher.h"
#include "storage/federation_store.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace inmor::admin::api {
namespace {

constexpr UnixSeconds kNow = 1'800'000'000;

class AdminApiTest : public testing::DatabaseTest {
protected:
    void SetUp() override {
        DatabaseTest::SetUp();
        if (IsSkipped()) return;
        config_.domain = "https://ta.test";
        config_.admin.session_cookie_secure = false;

        auto key = jose::Jwk::generate("ES256");
        ASSERT_TRUE(key.has_value());
        jose::JwkSet public_keys;
        ASSERT_TRUE(public_keys.add(key->public_key()).has_value());
        keys_.emplace(federation::SigningKeys{*key, public_keys, 1, {}});

        auto store = storage::open_key_value_store("", (folder_ / "federation.db").string());
        ASSERT_TRUE(store.has_value()) << store.error().message();
        key_value_store_ = std::move(*store);
        store_ = std::make_unique<storage::FederationStore>(*key_value_store_);
        fetcher_ = std::make_unique<fetch::HttpFetcher>(fetch::FetchConfig{});
        services_.emplace(AdminServices{config_, database(), *store_, *keys_, *fetcher_, clock_});

        auto user = create_user(database(), "alice", "", "alice-password", true, kNow);
        ASSERT_TRUE(user.has_value());
        user_id_ = user->id;
    }

    AdminApi api(std::vector<ApiRoute> routes = {}) {
        if (routes.empty()) routes = admin_api_routes(*services_);
        return AdminApi(*services_, std::move(routes), &metrics_);
    }

    http::Request request(std::string method, std::string path,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
        http::Request built;
        built.method = std::move(method);
        built.path = std::move(path);
        built.client_address = "192.0.2.1";
        built.headers = std::move(headers);
        built.headers.emplace_back("Host", "127.0.0.1:8000");
        return built;
    }

    std::string new_api_key() {
        auto key = create_api_key(database(), user_id_, "test", std::nullopt, kNow);
        EXPECT_TRUE(key.has_value());
        return key ? key->secret : "";
    }

    NewSession new_session(bool mfa_pending) {
        auto session = create_session(database(), user_id_, 3600, mfa_pending, kNow);
        EXPECT_TRUE(session.has_value());
        return *session;
    }

    static std::string message_of(const http::Response& response) {
        auto body = parse_json_object(response.body);
        return body && body->contains("message") ? std::string(body->at("message").as_string())
                                                 : "";
    }

    Config config_;
    std::optional<federation::SigningKeys> keys_;
    std::unique_ptr<storage::KeyValueStore> key_value_store_;
    std::unique_ptr<storage::FederationStore> store_;
    std::unique_ptr<fetch::HttpFetcher> fetcher_;
    FixedClock clock_{kNow};
    http::Metrics metrics_;
    std::optional<AdminServices> services_;
    std::int64_t user_id_ = 0;
};

TEST_P(AdminApiTest, NoCredentialsIsUnauthorized) {
    const http::Response response = api().handle(request("GET", "/api/v1/users"));

    EXPECT_EQ(response.status, 401u);
    EXPECT_NE(message_of(response).find("authentication required"), std::string::npos);
}

TEST_P(AdminApiTest, BadApiKeyIsUnauthorized) {
    const http::Response response =
        api().handle(request("GET", "/api/v1/users", {{"X-API-Key", "inmor_1234_nope"}}));

    EXPECT_EQ(response.status, 401u);
}

TEST_P(AdminApiTest, ApiKeyAuthenticatesAndRecordsUse) {
    const std::string key = new_api_key();

    const http::Response response =
        api().handle(request("GET", "/api/v1/auth/me", {{"x-api-key", key}}));
    auto keys = list_api_keys(database());

    EXPECT_EQ(response.status, 200u) << response.body;
    ASSERT_TRUE(keys.has_value());
    EXPECT_EQ(keys->front().last_used_at, kNow);
}

TEST_P(AdminApiTest, SessionReadNeedsNoCsrf) {
    const NewSession session = new_session(false);

    const http::Response response = api().handle(
        request("GET", "/api/v1/users", {{"Cookie", "sessionid=" + session.token}}));

    EXPECT_EQ(response.status, 200u) << response.body;
}

TEST_P(AdminApiTest, SessionWriteNeedsCsrfAndOrigin) {
    const NewSession session = new_session(false);
    const std::string cookies =
        "sessionid=" + session.token + "; csrftoken=" + session.session.csrf_token;
    http::Request missing = request("POST", "/api/v1/apikeys", {{"Cookie", cookies}});
    http::Request complete =
        request("POST", "/api/v1/apikeys",
                {{"Cookie", cookies},
                 {"X-CSRFToken", session.session.csrf_token},
                 {"Origin", "http://127.0.0.1:8000"}});
    complete.content_type = "application/json";
    complete.body = R"({"name": "from session"})";

    EXPECT_EQ(api().handle(missing).status, 403u);
    EXPECT_EQ(api().handle(complete).status, 201u);
}

TEST_P(AdminApiTest, PendingMfaSessionIsUnauthorized) {
    const NewSession session = new_session(true);

    const http::Response response = api().handle(
        request("GET", "/api/v1/auth/me", {{"Cookie", "sessionid=" + session.token}}));

    EXPECT_EQ(response.status, 401u);
    EXPECT_NE(message_of(response).find("second factor"), std::string::npos);
}

TEST_P(AdminApiTest, AuthRoutesNeedNoAuthentication) {
    const http::Response response = api().handle(request("GET", "/api/v1/auth/csrf"));

    EXPECT_EQ(response.status, 200u);
}

TEST_P(AdminApiTest, HostOutsideAllowedHostsIsRejected) {
    http::Request evil = request("GET", "/api/v1/auth/csrf");
    evil.headers.back().second = "evil.test";

    EXPECT_EQ(api().handle(evil).status, 400u);
}

TEST_P(AdminApiTest, UnknownRouteAndWrongMethod) {
    const std::string key = new_api_key();
    AdminApi admin = api();

    const http::Response missing =
        admin.handle(request("GET", "/api/v1/nothing", {{"X-API-Key", key}}));
    const http::Response wrong =
        admin.handle(request("DELETE", "/api/v1/users", {{"X-API-Key", key}}));

    EXPECT_EQ(missing.status, 404u);
    EXPECT_EQ(wrong.status, 405u);
    EXPECT_EQ(wrong.headers.front(), (std::pair<std::string, std::string>{"Allow", "GET, HEAD, POST"}));
}

TEST_P(AdminApiTest, ThrowingHandlerAnswers500) {
    const std::string key = new_api_key();
    AdminApi admin = api({ApiRoute{"GET", "/boom",
                                   [](const ApiCall&) -> http::Response {
                                       throw std::runtime_error("boom");
                                   },
                                   "fails"}});

    const http::Response response =
        admin.handle(request("GET", "/api/v1/boom", {{"X-API-Key", key}}));

    EXPECT_EQ(response.status, 500u);
    EXPECT_EQ(message_of(response), "internal error");
}

TEST_P(AdminApiTest, CountsRequestsByRoutePattern) {
    const std::string key = new_api_key();

    api().handle(request("GET", "/api/v1/users/1", {{"X-API-Key", key}}));

    EXPECT_NE(metrics_.render().find(
                  "inmor_http_requests_total{route=\"/api/v1/users/{id}\",status=\"200\"} 1"),
              std::string::npos);
}

TEST_P(AdminApiTest, NoUiConfiguredAnswers404) {
    EXPECT_EQ(api().handle(request("GET", "/")).status, 404u);
}

INMOR_FOR_BOTH_ENGINES(AdminApiTest);

}  // namespace
}  // namespace inmor::admin::api
