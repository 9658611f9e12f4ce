// ApiRouter: pattern matching, specificity, 404 and 405.
#include "admin/api/api_router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace inmor::admin::api {
namespace {

ApiRoute route(std::string method, std::string pattern) {
    return ApiRoute{std::move(method), std::move(pattern),
                    [](const ApiCall&) { return http::Response{}; }, "summary"};
}

// One router for all tests: lookups point into its route table.
const ApiRouter& sample_router() {
    static const ApiRouter router({route("GET", "/subordinates"), route("POST", "/subordinates"),
                      route("GET", "/subordinates/{id}"), route("POST", "/subordinates/{id}"),
                      route("POST", "/subordinates/fetch-config"),
                      route("POST", "/trustmarks/{id}/renew"), route("DELETE", "/apikeys/{id}")});
    return router;
}

TEST(ApiRouter, MatchesLiteralPath) {
    const RouteLookup lookup = sample_router().find("GET", "/subordinates");

    ASSERT_NE(lookup.route, nullptr);
    EXPECT_EQ(lookup.route->pattern, "/subordinates");
    EXPECT_TRUE(lookup.path_params.empty());
}

TEST(ApiRouter, FillsPlaceholders) {
    const RouteLookup lookup = sample_router().find("POST", "/trustmarks/42/renew");

    ASSERT_NE(lookup.route, nullptr);
    EXPECT_EQ(lookup.route->pattern, "/trustmarks/{id}/renew");
    EXPECT_EQ(lookup.path_params.at("id"), "42");
}

TEST(ApiRouter, PrefersLiteralSegmentOverPlaceholder) {
    const RouteLookup lookup = sample_router().find("POST", "/subordinates/fetch-config");

    ASSERT_NE(lookup.route, nullptr);
    EXPECT_EQ(lookup.route->pattern, "/subordinates/fetch-config");
}

TEST(ApiRouter, PlaceholderTakesOtherSegments) {
    const RouteLookup lookup = sample_router().find("POST", "/subordinates/7");

    ASSERT_NE(lookup.route, nullptr);
    EXPECT_EQ(lookup.route->pattern, "/subordinates/{id}");
}

TEST(ApiRouter, UnknownPathHasNoRouteAndNoAllow) {
    const RouteLookup lookup = sample_router().find("GET", "/nothing/here");

    EXPECT_EQ(lookup.route, nullptr);
    EXPECT_TRUE(lookup.allow.empty());
}

TEST(ApiRouter, WrongMethodListsAllowedMethods) {
    const RouteLookup lookup = sample_router().find("DELETE", "/subordinates");

    EXPECT_EQ(lookup.route, nullptr);
    EXPECT_EQ(lookup.allow, "GET, HEAD, POST");
}

TEST(ApiRouter, HeadFindsGetRoute) {
    const RouteLookup lookup = sample_router().find("HEAD", "/subordinates/3");

    ASSERT_NE(lookup.route, nullptr);
    EXPECT_EQ(lookup.route->method, "GET");
}

TEST(ApiRouter, IgnoresOneTrailingSlash) {
    EXPECT_NE(sample_router().find("GET", "/subordinates/").route, nullptr);
    EXPECT_EQ(sample_router().find("GET", "/subordinates//").route, nullptr);
}

TEST(ApiRouter, EmptySegmentDoesNotFillPlaceholder) {
    EXPECT_EQ(sample_router().find("POST", "/trustmarks//renew").route, nullptr);
}

TEST(ApiRouter, DecodesPlaceholderValues) {
    const RouteLookup lookup = sample_router().find("DELETE", "/apikeys/a%2Fb%20c");

    ASSERT_NE(lookup.route, nullptr);
    EXPECT_EQ(lookup.path_params.at("id"), "a/b c");
}

TEST(ApiRouter, RejectsDuplicateRoute) {
    EXPECT_THROW(ApiRouter({route("GET", "/users"), route("GET", "/users")}),
                 std::invalid_argument);
}

TEST(ApiRouter, RejectsMalformedPatterns) {
    EXPECT_THROW(ApiRouter({route("GET", "users")}), std::invalid_argument);
    EXPECT_THROW(ApiRouter({route("GET", "/users//x")}), std::invalid_argument);
    EXPECT_THROW(ApiRouter({route("GET", "/users/{}")}), std::invalid_argument);
}

TEST(DecodePathSegment, KeepsInvalidEscapes) {
    EXPECT_EQ(decode_path_segment("100%"), "100%");
    EXPECT_EQ(decode_path_segment("%zz"), "%zz");
    EXPECT_EQ(decode_path_segment("a+b"), "a+b");
    EXPECT_EQ(decode_path_segment("%2e%2E"), "..");
}

}  // namespace
}  // namespace inmor::admin::api
