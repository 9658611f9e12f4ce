// Cookies, Host, origins and CSRF token checks of the admin API.
#include "admin/api/authentication.h"
#include "admin/api/web_security.h"

#include <gtest/gtest.h>

namespace inmor::admin::api {
namespace {

http::Request request_from(std::string host,
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request request;
    request.method = "POST";
    request.headers = std::move(headers);
    request.headers.emplace_back("Host", std::move(host));
    return request;
}

TEST(CookieValue, FindsNamedCookie) {
    const std::string header = "theme=dark; csrftoken=abc123; sessionid=\"s1\"";

    EXPECT_EQ(cookie_value(header, "csrftoken"), "abc123");
    EXPECT_EQ(cookie_value(header, "sessionid"), "s1");
    EXPECT_EQ(cookie_value(header, "missing"), std::nullopt);
}

TEST(CookieValue, NameMustMatchWhole) {
    EXPECT_EQ(cookie_value("xcsrftoken=evil; csrftoken=good", "csrftoken"), "good");
    EXPECT_EQ(cookie_value("csrftoken", "csrftoken"), std::nullopt);
}

TEST(CookieValue, FirstOfRepeatedNamesWins) {
    EXPECT_EQ(cookie_value("csrftoken=first; csrftoken=second", "csrftoken"), "first");
}

TEST(SetCookieValue, SessionCookieAttributes) {
    const std::string cookie = set_cookie_value("sessionid", "token", {true, true, 3600});

    EXPECT_EQ(cookie, "sessionid=token; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax");
}

TEST(SetCookieValue, CsrfCookieIsReadableByScripts) {
    const std::string cookie = set_cookie_value("csrftoken", "t", {false, false, 60});

    EXPECT_EQ(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_EQ(cookie.find("Secure"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
}

TEST(HostOf, StripsPortAndLowercases) {
    EXPECT_EQ(host_of("Admin.Example.ORG:8000"), "admin.example.org");
    EXPECT_EQ(host_of("127.0.0.1"), "127.0.0.1");
    EXPECT_EQ(host_of("[::1]:8000"), "[::1]");
}

TEST(HostOf, RejectsMalformedHosts) {
    EXPECT_EQ(host_of(""), std::nullopt);
    EXPECT_EQ(host_of("evil.test/path"), std::nullopt);
    EXPECT_EQ(host_of("host:port"), std::nullopt);
    EXPECT_EQ(host_of("host:"), std::nullopt);
    EXPECT_EQ(host_of("[::1"), std::nullopt);
    EXPECT_EQ(host_of("a b"), std::nullopt);
}

TEST(HostAllowed, ExactEntries) {
    const std::vector<std::string> allowed = {"localhost", "127.0.0.1"};

    EXPECT_TRUE(host_allowed("localhost:8000", allowed));
    EXPECT_TRUE(host_allowed("127.0.0.1", allowed));
    EXPECT_FALSE(host_allowed("evil.test", allowed));
    EXPECT_FALSE(host_allowed("localhost.evil.test", allowed));
    EXPECT_FALSE(host_allowed("", allowed));
}

TEST(HostAllowed, DomainEntryCoversSubdomains) {
    const std::vector<std::string> allowed = {".example.org"};

    EXPECT_TRUE(host_allowed("example.org", allowed));
    EXPECT_TRUE(host_allowed("admin.example.org", allowed));
    EXPECT_FALSE(host_allowed("badexample.org", allowed));
}

TEST(HostAllowed, WildcardAllowsAnyWellFormedHost) {
    EXPECT_TRUE(host_allowed("anything.test", {"*"}));
    EXPECT_FALSE(host_allowed("bad host", {"*"}));
}

TEST(OriginOf, KeepsSchemeHostAndPort) {
    EXPECT_EQ(origin_of("https://Admin.Example.org:8443/login?next=/"),
              "https://admin.example.org:8443");
    EXPECT_EQ(origin_of("http://127.0.0.1:8000"), "http://127.0.0.1:8000");
}

TEST(OriginOf, RejectsOtherSchemesAndUserinfo) {
    EXPECT_EQ(origin_of("null"), std::nullopt);
    EXPECT_EQ(origin_of("ftp://example.org"), std::nullopt);
    EXPECT_EQ(origin_of("https://user@example.org"), std::nullopt);
    EXPECT_EQ(origin_of("https://"), std::nullopt);
}

TEST(RequestScheme, TlsConnectionIsHttps) {
    http::Request request = request_from("admin.test");
    request.tls = true;

    EXPECT_EQ(request_scheme(request), "https");
}

TEST(RequestScheme, ForwardedProtoOnlyFromTrustedProxy) {
    http::Request request = request_from("admin.test", {{"X-Forwarded-Proto", "https"}});
    EXPECT_EQ(request_scheme(request), "http");

    request.from_trusted_proxy = true;
    EXPECT_EQ(request_scheme(request), "https");
}

TEST(CheckRequestOrigin, AcceptsOwnOrigin) {
    const http::Request request =
        request_from("admin.test:8000", {{"Origin", "http://admin.test:8000"}});

    EXPECT_EQ(check_request_origin(request, {}), std::nullopt);
}

TEST(CheckRequestOrigin, AcceptsTrustedOrigin) {
    const http::Request request = request_from("admin.test", {{"Origin", "https://ui.test"}});

    EXPECT_EQ(check_request_origin(request, {"https://ui.test/"}), std::nullopt);
}

TEST(CheckRequestOrigin, RejectsForeignOrigin) {
    const http::Request request = request_from("admin.test", {{"Origin", "https://evil.test"}});

    const auto problem = check_request_origin(request, {"https://ui.test"});

    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->find("https://evil.test"), std::string::npos);
}

TEST(CheckRequestOrigin, SchemeMustMatch) {
    const http::Request request = request_from("admin.test", {{"Origin", "https://admin.test"}});

    EXPECT_TRUE(check_request_origin(request, {}).has_value());
}

TEST(CheckRequestOrigin, FallsBackToReferer) {
    const http::Request own = request_from("admin.test", {{"Referer", "http://admin.test/x"}});
    const http::Request foreign = request_from("admin.test", {{"Referer", "http://evil.test/"}});

    EXPECT_EQ(check_request_origin(own, {}), std::nullopt);
    EXPECT_TRUE(check_request_origin(foreign, {}).has_value());
}

TEST(CheckRequestOrigin, OriginWinsOverReferer) {
    const http::Request request = request_from(
        "admin.test", {{"Origin", "http://evil.test"}, {"Referer", "http://admin.test/"}});

    EXPECT_TRUE(check_request_origin(request, {}).has_value());
}

TEST(CheckRequestOrigin, RejectsMissingOriginAndReferer) {
    const auto problem = check_request_origin(request_from("admin.test"), {});

    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->find("Origin"), std::string::npos);
}

TEST(CheckRequestOrigin, RejectsOpaqueOrigin) {
    EXPECT_TRUE(check_request_origin(request_from("admin.test", {{"Origin", "null"}}), {})
                    .has_value());
}

TEST(CsrfTokensMatch, NeedsBothAndEqual) {
    EXPECT_TRUE(csrf_tokens_match("token", "token"));
    EXPECT_FALSE(csrf_tokens_match("token", "other"));
    EXPECT_FALSE(csrf_tokens_match("", ""));
    EXPECT_FALSE(csrf_tokens_match("token", ""));
}

TEST(IsWriteMethod, UnsafeMethodsOnly) {
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) EXPECT_TRUE(is_write_method(method));
    for (const char* method : {"GET", "HEAD", "OPTIONS"}) EXPECT_FALSE(is_write_method(method));
}

TEST(CheckCsrf, RejectsWrongTokenOrOrigin) {
    Config config;
    const auto request = [](std::string cookie, std::string header, std::string origin) {
        return request_from("admin.test", {{"Cookie", "csrftoken=" + cookie},
                                           {"X-CSRFToken", header},
                                           {"Origin", origin}});
    };

    EXPECT_EQ(check_csrf(config, request("t1", "t1", "http://admin.test"), std::nullopt),
              std::nullopt);
    EXPECT_TRUE(check_csrf(config, request("t1", "t2", "http://admin.test"), std::nullopt));
    EXPECT_TRUE(check_csrf(config, request("t1", "t1", "http://evil.test"), std::nullopt));
}

TEST(CheckCsrf, SessionWriteNeedsTheSessionToken) {
    Config config;
    Session session;
    session.csrf_token = "session-token";
    const http::Request stale = request_from(
        "admin.test",
        {{"Cookie", "csrftoken=old"}, {"X-CSRFToken", "old"}, {"Origin", "http://admin.test"}});
    const http::Request current = request_from("admin.test", {{"Cookie", "csrftoken=session-token"},
                                                              {"X-CSRFToken", "session-token"},
                                                              {"Origin", "http://admin.test"}});

    EXPECT_TRUE(check_csrf(config, stale, session).has_value());
    EXPECT_EQ(check_csrf(config, current, session), std::nullopt);
}

}  // namespace
}  // namespace inmor::admin::api
