// Conversion of the scope parameter between string and array of values.
#include "policy/scope.h"
#include "policy_test_support.h"

#include <gtest/gtest.h>

namespace inmor::policy {
namespace {

using testing::json;

TEST(SplitScope, SplitsOnSpaces) {
    EXPECT_EQ(boost::json::value(split_scope("openid email profile")),
              json(R"(["openid", "email", "profile"])"));
}

TEST(SplitScope, SkipsEmptyTokens) {
    EXPECT_EQ(boost::json::value(split_scope("  openid   email ")), json(R"(["openid", "email"])"));
}

TEST(SplitScope, EmptyStringGivesEmptyArray) {
    EXPECT_TRUE(split_scope("").empty());
}

TEST(JoinScope, JoinsWithSingleSpaces) {
    EXPECT_EQ(join_scope(json(R"(["openid", "email"])").as_array()), "openid email");
}

TEST(JoinScope, EmptyArrayGivesEmptyString) {
    EXPECT_EQ(join_scope(boost::json::array()), "");
}

TEST(IsSpaceSeparatedParameter, OnlyScope) {
    EXPECT_TRUE(is_space_separated_parameter("scope"));
    EXPECT_FALSE(is_space_separated_parameter("scopes_supported"));
    EXPECT_FALSE(is_space_separated_parameter("grant_types"));
}

}  // namespace
}  // namespace inmor::policy
