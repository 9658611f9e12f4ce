// Routing by path and method, limits, the handler boundary and the
// ErrorCode to status table.
#include "http/router.h"

#include "http/error_response.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace inmor::http {
namespace {

Request request(std::string method, std::string path) {
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.client_address = "192.0.2.1";
    return r;
}

Response ok(const Request&) { return json_response("{}"); }

TEST(Router, DispatchesByPath) {
    Metrics metrics;
    Router router(&metrics);
    router.add("/health", {"GET"}, ok);

    const Response response = router.dispatch(request("GET", "/health"));

    EXPECT_EQ(response.status, 200u);
    EXPECT_NE(metrics.render().find(R"(inmor_http_requests_total{route="/health",status="200"} 1)"),
              std::string::npos);
}

TEST(Router, UnknownPathIsNotFoundJson) {
    Router router;

    const Response response = router.dispatch(request("GET", "/nope"));

    EXPECT_EQ(response.status, 404u);
    EXPECT_EQ(response.content_type, "application/json");
    EXPECT_NE(response.body.find("\"error\":\"not_found\""), std::string::npos);
}

TEST(Router, WrongMethodIs405WithAllow) {
    Router router;
    router.add("/trust_mark_status", {"POST"}, ok);

    const Response response = router.dispatch(request("GET", "/trust_mark_status"));

    EXPECT_EQ(response.status, 405u);
    ASSERT_EQ(response.headers.size(), 1u);
    EXPECT_EQ(response.headers[0].first, "Allow");
    EXPECT_EQ(response.headers[0].second, "POST");
}

TEST(Router, GetImpliesHead) {
    Router router;
    router.add("/list", {"GET"}, ok);

    EXPECT_EQ(router.dispatch(request("HEAD", "/list")).status, 200u);
}

TEST(Router, ThrowingHandlerBecomesServerError) {
    Router router;
    router.add("/boom", {"GET"}, [](const Request&) -> Response {
        throw std::runtime_error("secret detail");
    });

    const Response response = router.dispatch(request("GET", "/boom"));

    EXPECT_EQ(response.status, 500u);
    EXPECT_NE(response.body.find("server_error"), std::string::npos);
    EXPECT_EQ(response.body.find("secret detail"), std::string::npos);
}

TEST(Router, RateLimitedRouteAnswers429WithRetryAfter) {
    Router router;
    router.add("/collection", {"GET"}, ok, std::make_shared<RateLimiter>(1));

    const Response first = router.dispatch(request("GET", "/collection"));
    const Response second = router.dispatch(request("GET", "/collection"));

    EXPECT_EQ(first.status, 200u);
    EXPECT_EQ(second.status, 429u);
    ASSERT_EQ(second.headers.size(), 1u);
    EXPECT_EQ(second.headers[0].first, "Retry-After");
    EXPECT_EQ(second.headers[0].second, "60");
}

TEST(ErrorResponse, StatusTableFollowsTheSpec) {
    EXPECT_EQ(http_status_of(ErrorCode::kInvalidRequest), 400u);
    EXPECT_EQ(http_status_of(ErrorCode::kInvalidClient), 401u);
    EXPECT_EQ(http_status_of(ErrorCode::kInvalidIssuer), 404u);
    EXPECT_EQ(http_status_of(ErrorCode::kInvalidSubject), 404u);
    EXPECT_EQ(http_status_of(ErrorCode::kInvalidTrustAnchor), 404u);
    EXPECT_EQ(http_status_of(ErrorCode::kInvalidTrustChain), 400u);
    EXPECT_EQ(http_status_of(ErrorCode::kInvalidMetadata), 400u);
    EXPECT_EQ(http_status_of(ErrorCode::kNotFound), 404u);
    EXPECT_EQ(http_status_of(ErrorCode::kServerError), 500u);
    EXPECT_EQ(http_status_of(ErrorCode::kTemporarilyUnavailable), 503u);
    EXPECT_EQ(http_status_of(ErrorCode::kUnsupportedParameter), 400u);
    EXPECT_EQ(http_status_of(ErrorCode::kPageNotFound), 404u);
    EXPECT_EQ(http_status_of(ErrorCode::kUnsupportedClaim), 400u);
}

TEST(ErrorResponse, BodyHasBothMembersAndNoDetail) {
    const Response response =
        error_response(Error::unavailable("redis unavailable", "connection refused fd=7"));

    EXPECT_EQ(response.status, 503u);
    EXPECT_EQ(response.body,
              R"({"error":"temporarily_unavailable","error_description":"redis unavailable"})");
    ASSERT_EQ(response.headers.size(), 1u);
    EXPECT_EQ(response.headers[0].first, "Retry-After");
}

}  // namespace
}  // namespace inmor::http
