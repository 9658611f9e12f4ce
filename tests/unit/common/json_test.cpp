#include "common/json.h"

#include <gtest/gtest.h>

namespace inmor {
namespace {

TEST(ParseJson, AcceptsNestedDocument) {
    const auto parsed = parse_json(R"({"a":[1,2,{"b":null}],"c":"d","e":1.5})");

    ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
    EXPECT_EQ(parsed->at("c").as_string(), "d");
    EXPECT_EQ(parsed->at("a").as_array().size(), 3u);
}

TEST(ParseJson, RejectsDuplicateMemberAtTopLevel) {
    const auto parsed = parse_json(R"({"kid":"a","kid":"b"})", "JWS header");

    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().message(), "JWS header: duplicate member name \"kid\"");
}

TEST(ParseJson, RejectsDuplicateMemberInNestedObject) {
    EXPECT_FALSE(parse_json(R"({"a":{"x":1,"y":2,"x":3}})").has_value());
}

TEST(ParseJson, AllowsSameNameInSiblingObjects) {
    EXPECT_TRUE(parse_json(R"([{"x":1},{"x":2}])").has_value());
    EXPECT_TRUE(parse_json(R"({"a":{"x":1},"b":{"x":2}})").has_value());
}

// Objects with more than 16 members keep their names in a hash set instead of
// a list, so duplicates must be found on both sides of that switch.
std::string object_with_members(int count, const std::string& extra) {
    std::string text = "{";
    for (int i = 0; i < count; ++i) {
        text += "\"m" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    }
    return text + extra + "}";
}

TEST(ParseJson, RejectsDuplicateInLargeObject) {
    for (const int count : {15, 16, 17, 40}) {
        const auto early = parse_json(object_with_members(count, R"("m0":"again")"), "doc");
        ASSERT_FALSE(early.has_value()) << count;
        EXPECT_EQ(early.error().message(), "doc: duplicate member name \"m0\"");
        const auto late = parse_json(object_with_members(count, R"("m14":"again")"), "doc");
        ASSERT_FALSE(late.has_value()) << count;
        EXPECT_EQ(late.error().message(), "doc: duplicate member name \"m14\"");
    }
}

TEST(ParseJson, AcceptsLargeObjectsWithNestedObjects) {
    const auto text = object_with_members(
        20, R"("inner":)" + object_with_members(20, R"("m0x":1)") + R"(,"last":{"m1":1})");
    const auto parsed = parse_json(text);

    ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
    EXPECT_EQ(parsed->as_object().size(), 22u);
    EXPECT_EQ(parsed->at("inner").as_object().size(), 21u);
    EXPECT_FALSE(parse_json(object_with_members(
                                20, R"("inner":{"a":1},"m19":2)"))
                     .has_value());
}

TEST(ParseJson, DetectsDuplicateWrittenWithEscapes) {
    EXPECT_FALSE(parse_json(R"({"kid":1,"k\u0069d":2})").has_value());
}

TEST(ParseJson, RejectsTrailingData) {
    EXPECT_FALSE(parse_json(R"({"a":1} x)").has_value());
    EXPECT_FALSE(parse_json(R"({"a":1}{})").has_value());
}

TEST(ParseJson, RejectsDeepNesting) {
    const std::string deep = std::string(kMaxJsonDepth + 1, '[') +
                             std::string(kMaxJsonDepth + 1, ']');
    EXPECT_FALSE(parse_json(deep).has_value());
}

TEST(ParseJson, RejectsInvalidUtf8) {
    EXPECT_FALSE(parse_json("\"\xff\"").has_value());
}

// Boost.JSON reads 1e400 as infinity, which no JSON text can carry back out.
TEST(ParseJson, RejectsNumbersBeyondDouble) {
    for (const char* text : {"1e400", "-1e400", R"({"exp":1e999})", "[0,1E+309]"}) {
        const auto parsed = parse_json(text, "payload");

        ASSERT_FALSE(parsed.has_value()) << text;
        EXPECT_EQ(parsed.error().message(), "payload: number out of range (beyond a double)");
    }
}

TEST(ParseJson, AcceptsLargeFiniteNumbers) {
    EXPECT_TRUE(parse_json("1.7976931348623157e308").has_value());
    EXPECT_TRUE(parse_json("18446744073709551616").has_value());
    EXPECT_TRUE(parse_json("1e-400").has_value());
}

TEST(ParseJson, RejectsExtensionsToJson) {
    for (const char* text : {R"({"a":1 /* c */})", R"({"a":1,})", "[1,]", "NaN", "Infinity",
                             "{'a':1}", "", " ", "\xef\xbb\xbf{}"}) {
        EXPECT_FALSE(parse_json(text).has_value()) << text;
    }
}

TEST(ParseJsonObject, RejectsNonObject) {
    const auto parsed = parse_json_object("[1]", "payload");

    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().message(), "payload: must be a JSON object");
}

}  // namespace
}  // namespace inmor
