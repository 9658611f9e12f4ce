// Entity types and UI information read from metadata.
#include "collection/entity_info.h"

#include "common/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace inmor::collection {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;

json::object metadata(std::string_view text) {
    auto parsed = parse_json_object(text, "metadata");
    EXPECT_TRUE(parsed.has_value());
    return parsed ? *parsed : json::object{};
}

TEST(EntityInfo, EntityTypesInOrder) {
    const auto types = entity_types_of(metadata(
        R"({"openid_relying_party": {}, "federation_entity": {}, "oauth_client": {}})"));
    EXPECT_THAT(types, ElementsAre("openid_relying_party", "federation_entity", "oauth_client"));
}

TEST(EntityInfo, CopiesUiClaimsWithLanguageTags) {
    const auto ui = ui_infos_of(metadata(R"({"openid_provider": {
        "display_name": "P", "display_name#de": "P-de", "description#en": "D",
        "organization_name": "Org", "issuer": "https://p.test", "logo_uri": "https://l.test"}})"));
    const auto& provider = ui.at("openid_provider").as_object();
    EXPECT_EQ(provider.size(), 5u);
    EXPECT_EQ(provider.at("display_name#de"), "P-de");
    EXPECT_EQ(provider.at("description#en"), "D");
    EXPECT_FALSE(provider.contains("issuer"));
}

TEST(EntityInfo, DropsWrongValueTypes) {
    const auto ui = ui_infos_of(metadata(R"({"federation_entity": {
        "display_name": 5, "logo_uri": ["x"], "keywords": ["a", 1], "policy_uri": "https://p"}})"));
    EXPECT_EQ(to_json(ui), R"({"federation_entity":{"policy_uri":"https://p"}})");
}

TEST(EntityInfo, KeywordsArrayKept) {
    const auto ui = ui_infos_of(metadata(R"({"federation_entity": {"keywords": ["a", "b"]}})"));
    EXPECT_EQ(to_json(ui), R"({"federation_entity":{"keywords":["a","b"]}})");
}

TEST(EntityInfo, ClientNameBecomesDisplayName) {
    const auto ui = ui_infos_of(metadata(R"({"openid_relying_party": {
        "client_name": "C", "client_name#fi": "C-fi", "display_name#fi": "Given"}})"));
    const auto& client = ui.at("openid_relying_party").as_object();
    EXPECT_EQ(client.at("display_name"), "C");
    EXPECT_EQ(client.at("display_name#fi"), "Given");
}

TEST(EntityInfo, ClientNameIgnoredForProviders) {
    const auto ui = ui_infos_of(metadata(R"({"openid_provider": {"client_name": "C"}})"));
    EXPECT_TRUE(ui.empty());
}

TEST(EntityInfo, NonObjectTypeSkipped) {
    const auto ui = ui_infos_of(metadata(R"({"openid_provider": "oops"})"));
    EXPECT_TRUE(ui.empty());
}

}  // namespace
}  // namespace inmor::collection
