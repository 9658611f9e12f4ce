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

TEST(IsSubset, EmptyIsSubsetOfAnything) {
    EXPECT_TRUE(is_subset(boost::json::array(), json("[]").as_array()));
}

TEST(IsSubset, MissingElementIsNotSubset) {
    EXPECT_FALSE(is_subset(json(R"(["a", "b"])").as_array(), json(R"(["a"])").as_array()));
}

}  // namespace
}  // namespace inmor::policy
