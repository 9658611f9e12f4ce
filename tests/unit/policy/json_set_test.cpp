// JSON equality and the set operations the array operators are built on.
#include "policy/json_set.h"
#include "policy_test_support.h"

#include <gtest/gtest.h>

namespace inmor::policy {
namespace {

using testing::json;

TEST(JsonEqual, IntegerEqualsSameDouble) {
    EXPECT_TRUE(json_equal(json("86400"), json("86400.0")));
}

TEST(JsonEqual, ExponentFormEqualsInteger) {
    EXPECT_TRUE(json_equal(json("1e3"), json("1000")));
}

TEST(JsonEqual, LargeIntegersCompareExactly) {
    EXPECT_FALSE(json_equal(json("9007199254740993"), json("9007199254740992")));
}

TEST(JsonEqual, NegativeZeroEqualsZero) {
    EXPECT_TRUE(json_equal(json("-0.0"), json("0")));
}

TEST(JsonEqual, FractionsCompareByValue) {
    EXPECT_TRUE(json_equal(json("0.5"), json("5e-1")));
}

TEST(JsonEqual, DifferentNumbersDiffer) {
    EXPECT_FALSE(json_equal(json("1"), json("1.5")));
}

TEST(JsonEqual, ObjectMemberOrderDoesNotMatter) {
    EXPECT_TRUE(json_equal(json(R"({"a": 1, "b": [2]})"), json(R"({"b": [2.0], "a": 1})")));
}

TEST(JsonEqual, ArrayOrderMatters) {
    EXPECT_FALSE(json_equal(json(R"(["a", "b"])"), json(R"(["b", "a"])")));
}

TEST(JsonEqual, StringDiffersFromNumber) {
    EXPECT_FALSE(json_equal(json(R"("1")"), json("1")));
}

TEST(SetIntersection, KeepsOrderOfFirst) {
    const auto result = set_intersection(json(R"(["c", "a", "b"])").as_array(),
                                         json(R"(["a", "c"])").as_array());

    EXPECT_EQ(boost::json::value(result), json(R"(["c", "a"])"));
}

TEST(SetUnion, AppendsOnlyNewElements) {
    const auto result = set_union(json(R"(["a", 1])").as_array(), json(R"([1.0, "b"])").as_array());

    EXPECT_EQ(boost::json::value(result), json(R"(["a", 1, "b"])"));
}

TEST(SetIntersection, MatchesObjectsRegardlessOfMemberOrder) {
    const auto result = set_intersection(json(R"([{"a": 1, "b": 2}, {"c": 3}])").as_array(),
                                         json(R"([{"b": 2.0, "a": 1}])").as_array());

    EXPECT_EQ(boost::json::value(result), json(R"([{"a": 1, "b": 2}])"));
}

TEST(SetUnion, SkipsDuplicatesWithinSecond) {
    const auto result =
        set_union(json(R"(["a"])").as_array(), json(R"(["b", "b", 2, 2.0])").as_array());

    EXPECT_EQ(boost::json::value(result), json(R"(["a", "b", 2])"));
}

TEST(IsSubset, EmptyIsSubsetOfAnything) {
    EXPECT_TRUE(is_subset(boost::json::array(), json("[]").as_array()));
}

TEST(IsSubset, MissingElementIsNotSubset) {
    EXPECT_FALSE(is_subset(json(R"(["a", "b"])").as_array(), json(R"(["a"])").as_array()));
}

}  // namespace
}  // namespace inmor::policy
