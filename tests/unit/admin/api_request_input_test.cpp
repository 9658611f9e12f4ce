// Body, query and time parsing of the admin API.
#include "admin/api/admin_routes.h"
#include "admin/api/request_input.h"

#include <gtest/gtest.h>

namespace inmor::admin::api {
namespace {

http::Request json_request(std::string body) {
    http::Request request;
    request.content_type = "application/json";
    request.body = std::move(body);
    return request;
}

TEST(ParseFilterTime, ReadsIsoAndUnixTimes) {
    EXPECT_EQ(parse_filter_time("2026-01-02T03:04:05.000Z"), 1767323045);
    EXPECT_EQ(parse_filter_time("2026-01-02T03:04:05Z"), 1767323045);
    EXPECT_EQ(parse_filter_time("2026-01-02T04:04:05+01:00"), 1767323045);
    EXPECT_EQ(parse_filter_time("2026-01-02T02:04:05-01:00"), 1767323045);
    EXPECT_EQ(parse_filter_time("2026-01-02"), 1767312000);
    EXPECT_EQ(parse_filter_time("1767323045"), 1767323045);
}

TEST(ParseFilterTime, RejectsOtherText) {
    for (const char* text : {"", "yesterday", "2026-13-01", "2026-01-02T25:00:00Z",
                             "2026-01-02T03:04:05+0100", "2026-01-02T03:04", "-5",
                             "99999999999999999999999"}) {
        EXPECT_EQ(parse_filter_time(text), std::nullopt) << text;
    }
}

TEST(BodyObject, ParsesObject) {
    auto body = body_object(json_request(R"({"name": "x"})"));

    ASSERT_TRUE(body.has_value());
    EXPECT_EQ(body->at("name").as_string(), "x");
}

TEST(BodyObject, RejectsNonObjectsAndDuplicates) {
    for (const char* text : {"[1]", "{bad", R"({"a": 1, "a": 2})", "\"text\""}) {
        auto body = body_object(json_request(text));
        ASSERT_FALSE(body.has_value()) << text;
        EXPECT_EQ(body.error().status, 400u);
    }
}

TEST(BodyObject, EmptyBodyOnlyWhenAllowed) {
    EXPECT_FALSE(body_object(json_request("")).has_value());
    EXPECT_TRUE(body_object(json_request("  "), true).has_value());
}

TEST(BodyObject, RejectsOtherContentTypes) {
    http::Request request = json_request(R"({"a": 1})");
    request.content_type = "text/plain";

    auto body = body_object(request);

    ASSERT_FALSE(body.has_value());
    EXPECT_NE(body.error().message.find("Content-Type"), std::string::npos);
}

TEST(IntegerMember, ChecksTypeAndRange) {
    const boost::json::object body{{"n", 5}, {"big", 1000}, {"text", "5"}, {"real", 1.5},
                                   {"huge", 18446744073709551615ull}};

    EXPECT_EQ(*integer_member(body, "n", 1, 10), 5);
    EXPECT_EQ(*integer_member(body, "absent", 1, 10), std::nullopt);
    for (const char* field : {"big", "text", "real", "huge"}) {
        auto value = integer_member(body, field, 1, 10);
        ASSERT_FALSE(value.has_value()) << field;
        EXPECT_EQ(value.error().message.rfind(field, 0), 0u) << value.error().message;
    }
}

TEST(StringMember, NamesTheField) {
    const boost::json::object body{{"name", 3}};

    auto wrong = string_member(body, "name", true);
    auto missing = string_member(body, "other", true);

    EXPECT_EQ(wrong.error().message, "name: must be a string");
    EXPECT_EQ(missing.error().message, "other: missing");
}

TEST(RejectUnknownMembers, NamesTheFirstUnknown) {
    const boost::json::object body{{"name", "x"}, {"colour", "red"}};

    auto checked = reject_unknown_members(body, {"name"});

    ASSERT_FALSE(checked.has_value());
    EXPECT_EQ(checked.error().message, "colour: unknown member");
}

TEST(PageRequest, DefaultsAndLimits) {
    http::Request request;
    EXPECT_EQ(page_request(request)->limit, kDefaultPageLimit);

    request.query = "limit=5&offset=10";
    EXPECT_EQ(page_request(request)->limit, 5);
    EXPECT_EQ(page_request(request)->offset, 10);

    for (const char* query : {"limit=0", "limit=1001", "limit=x", "offset=-1", "limit=1e3"}) {
        request.query = query;
        EXPECT_FALSE(page_request(request).has_value()) << query;
    }
}

TEST(PathId, NonNumericIdIsNotFound) {
    http::Request request;
    ApiCall call{request, {{"id", "abc"}}, {}};

    auto id = path_id(call, "user");

    ASSERT_FALSE(id.has_value());
    EXPECT_EQ(id.error().status, 404u);
    EXPECT_EQ(id.error().message, "user not found: abc");
}

}  // namespace
}  // namespace inmor::admin::api
