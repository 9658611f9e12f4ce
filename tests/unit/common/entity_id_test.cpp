#include "common/entity_id.h"

#include <gtest/gtest.h>

namespace inmor {
namespace {

TEST(EntityId, AcceptsHttpsWithPortAndPath) {
    const auto id = EntityId::parse("https://ta.example.test:8443/fed");

    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(id->str(), "https://ta.example.test:8443/fed");
}

TEST(EntityId, RejectsHttpUnlessAllowed) {
    EXPECT_FALSE(EntityId::parse("http://ta.example.test").has_value());
    EXPECT_TRUE(EntityId::parse("http://127.0.0.1:8080", true).has_value());
}

TEST(EntityId, RejectsQueryFragmentAndUserInfo) {
    EXPECT_FALSE(EntityId::parse("https://ta.example.test/?a=b").has_value());
    EXPECT_FALSE(EntityId::parse("https://ta.example.test/#x").has_value());
    EXPECT_FALSE(EntityId::parse("https://user@ta.example.test").has_value());
}

TEST(EntityId, RejectsOtherSchemesAndRelativeText) {
    EXPECT_FALSE(EntityId::parse("ftp://ta.example.test").has_value());
    EXPECT_FALSE(EntityId::parse("ta.example.test").has_value());
    EXPECT_FALSE(EntityId::parse("https://").has_value());
}

TEST(EntityId, RejectsControlCharactersAndOversize) {
    EXPECT_FALSE(EntityId::parse(std::string("https://a.test/\x01", 16)).has_value());
    EXPECT_FALSE(EntityId::parse("https://a.test/" + std::string(2048, 'a')).has_value());
    EXPECT_FALSE(EntityId::parse("").has_value());
}

TEST(EntityId, BuildsConfigurationUrlAfterPath) {
    EXPECT_EQ(EntityId::parse("https://ex.test/fed/")->configuration_url(),
              "https://ex.test/fed/.well-known/openid-federation");
    EXPECT_EQ(EntityId::parse("https://ex.test")->configuration_url(),
              "https://ex.test/.well-known/openid-federation");
}

}  // namespace
}  // namespace inmor
