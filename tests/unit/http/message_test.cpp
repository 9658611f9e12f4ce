// Request's header accessors.
#include "http/message.h"

#include <gtest/gtest.h>

namespace inmor::http {
namespace {

Request request_with_headers() {
    Request request;
    request.headers = {{"Host", "admin.test"}, {"X-CSRFToken", "abc"}, {"x-csrftoken", "later"},
                       {"X-Empty", ""}};
    return request;
}

TEST(RequestHeader, MatchesNamesIgnoringCase) {
    const Request request = request_with_headers();

    EXPECT_EQ(request.header("host"), "admin.test");
    EXPECT_EQ(request.header("HOST"), "admin.test");
    EXPECT_EQ(request.header("X-CsrfToken"), "abc");
}

TEST(RequestHeader, FirstOfRepeatedNamesWins) {
    EXPECT_EQ(request_with_headers().header("x-csrftoken"), "abc");
}

TEST(RequestHeader, AbsentHeaderIsEmpty) {
    const Request request = request_with_headers();

    EXPECT_TRUE(request.header("Cookie").empty());
    EXPECT_FALSE(request.has_header("Cookie"));
}

TEST(RequestHeader, EmptyValueIsPresent) {
    const Request request = request_with_headers();

    EXPECT_TRUE(request.has_header("x-empty"));
    EXPECT_TRUE(request.header("x-empty").empty());
}

TEST(RequestHeader, NamesOfOtherLengthsDoNotMatch) {
    EXPECT_FALSE(Request::equals_ignoring_case("Host", "Hos"));
    EXPECT_FALSE(Request::equals_ignoring_case("Host", "Hosts"));
    EXPECT_TRUE(Request::equals_ignoring_case("", ""));
}

}  // namespace
}  // namespace inmor::http
