// PublishedData over a real embedded store: decoded values, active marks and
// the collection view.
#include "endpoints/published_data.h"

#include "common/base64url.h"
#include "storage/federation_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace inmor::endpoints {
namespace {

namespace fs = std::filesystem;

/// Builds an unsigned JWT-shaped string with `payload`, because PublishedData only decodes.
std::string token(std::string_view payload) {
    return base64url_encode(R"({"alg":"ES256"})") + "." + base64url_encode(payload) + ".c2ln";
}

class PublishedDataTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("inmor-published-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        store_ = storage::open_key_value_store("", (dir_ / "federation.db").string()).value();
        data_ = std::make_unique<PublishedData>(*store_, cache_, clock_);
    }
    void TearDown() override {
        data_.reset();
        store_.reset();
        fs::remove_all(dir_);
    }

    fs::path dir_;
    FixedClock clock_{1000000};
    StoreCache cache_{std::chrono::seconds(60)};
    std::unique_ptr<storage::KeyValueStore> store_;
    std::unique_ptr<PublishedData> data_;
};

TEST_F(PublishedDataTest, EntityConfigurationWithFractionalExp) {
    storage::FederationStore(*store_).publish_entity_configuration(token(R"({"exp":1003600.7})"));

    auto stored = data_->entity_configuration().value();

    ASSERT_TRUE(stored->has_value());
    EXPECT_EQ((*stored)->exp, 1003600);
}

TEST_F(PublishedDataTest, AbsentValuesAreEmpty) {
    EXPECT_FALSE(data_->entity_configuration().value()->has_value());
    EXPECT_FALSE(data_->subordinate_statement("https://x.test").value()->has_value());
    EXPECT_TRUE(data_->subordinate_ids().value()->empty());
}

TEST_F(PublishedDataTest, ProfilesReadMetadataAndIntermediates) {
    const auto leaf = profile_of(token(R"({"metadata":{"openid_relying_party":{}}})"));
    const auto intermediate = profile_of(token(
        R"({"metadata":{"federation_entity":{"federation_fetch_endpoint":"https://i.test/f"}}})"));
    const auto broken = profile_of("not a jwt");

    EXPECT_EQ(leaf.entity_types, std::set<std::string>{"openid_relying_party"});
    EXPECT_FALSE(leaf.intermediate);
    EXPECT_TRUE(intermediate.intermediate);
    EXPECT_TRUE(broken.entity_types.empty());
}

TEST_F(PublishedDataTest, ActiveTrustMarkExcludesRevokedAndExpired) {
    storage::FederationStore federation(*store_);
    federation.publish_trust_mark("https://a.test", "t", token(R"({"exp":1000100})"));
    federation.publish_trust_mark("https://b.test", "t", token(R"({"exp":999999})"));
    federation.publish_trust_mark("https://c.test", "t", token(R"({"exp":1000100})"));
    federation.revoke_trust_mark("https://c.test", "t");

    EXPECT_TRUE(data_->active_trust_mark("https://a.test", "t").value().has_value());
    EXPECT_FALSE(data_->active_trust_mark("https://b.test", "t").value().has_value());
    EXPECT_FALSE(data_->active_trust_mark("https://c.test", "t").value().has_value());
    EXPECT_FALSE(data_->active_trust_mark("https://a.test", "other").value().has_value());
}

TEST_F(PublishedDataTest, CollectionViewKeepsSortedOrderAndIndexes) {
    storage::CollectionSnapshot snapshot;
    snapshot.trust_anchor = "https://ta.test";
    snapshot.last_updated = 999000;
    snapshot.entities = {
        {"https://b.test", R"({"entity_id":"https://b.test","entity_types":["openid_provider"],)"
                           R"("ui_infos":{"openid_provider":{"display_name":"Bee Provider"}}})"},
        {"https://a.test", R"({"entity_id":"https://a.test","entity_types":["openid_provider"]})"},
    };
    snapshot.by_type = {{"openid_provider", {"https://a.test", "https://b.test"}}};
    snapshot.superiors = {{"https://a.test", R"(["https://ta.test","https://ia.test"])"}};
    storage::FederationStore(*store_).replace_collection(snapshot);

    const auto view = *data_->collection().value();

    ASSERT_EQ(view->entities.size(), 2u);
    EXPECT_EQ(view->entities[0].entity_id, "https://a.test");
    EXPECT_EQ(view->position.at("https://b.test"), 1u);
    EXPECT_NE(view->entities[1].search_text.find("bee provider"), std::string::npos);
    EXPECT_EQ(view->by_type.at("openid_provider").size(), 2u);
    EXPECT_EQ(view->last_updated, 999000);
    EXPECT_EQ(view->intermediates, 1u);
}

TEST_F(PublishedDataTest, AnnouncedChangeIsReadAgain) {
    storage::FederationStore federation(*store_);
    federation.publish_entity_configuration(token(R"({"exp":1})"));
    EXPECT_EQ((*data_->entity_configuration().value())->exp, 1);

    federation.publish_entity_configuration(token(R"({"exp":2})"));
    cache_.invalidate("inmor:entity_id");

    EXPECT_EQ((*data_->entity_configuration().value())->exp, 2);
}

}  // namespace
}  // namespace inmor::endpoints
