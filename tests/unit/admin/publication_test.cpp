#include "admin/publication.h"

#include "jose/jws.h"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace inmor::admin {
namespace {

namespace fs = std::filesystem;
namespace bj = boost::json;

constexpr UnixSeconds kNow = 1'800'000'000;

class PublicationTest : public ::testing::Test {
protected:
    void SetUp() override {
        directory_ = fs::temp_directory_path() /
                     ("inmor-publication-" + std::to_string(::getpid()) + "-" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(directory_);
        config_.domain = "https://ta.example.test";
        config_.federation.trust_mark_issuer = config_.domain;
        config_.historical_keys_dir = (directory_ / "historical_keys").string();

        signing_key_ = *jose::Jwk::generate("ES256");
        ASSERT_TRUE(public_keys_.add(signing_key_.public_key()).has_value());
    }

    void TearDown() override { fs::remove_all(directory_); }

    std::string write_file(const std::string& name, const std::string& text) {
        const fs::path path = directory_ / name;
        fs::create_directories(path.parent_path());
        std::ofstream(path) << text;
        return path.string();
    }

    fs::path directory_;
    Config config_;
    jose::Jwk signing_key_ = *jose::Jwk::generate("ES256");
    jose::JwkSet public_keys_;
};

TEST_F(PublicationTest, EntityConfigurationVerifiesWithPublishedKeys) {
    auto claims = build_entity_configuration(config_, public_keys_, {}, kNow);
    ASSERT_TRUE(claims.has_value()) << claims.error().message();

    auto jwt = sign_entity_configuration(signing_key_, *claims);
    ASSERT_TRUE(jwt.has_value());
    const FixedClock clock(kNow);
    auto verified = jose::verify_jws(*jwt, public_keys_, "entity-statement+jwt", clock);

    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    EXPECT_EQ(verified->payload().at("iss").as_string(), "https://ta.example.test");
    EXPECT_EQ(verified->payload().at("sub").as_string(), "https://ta.example.test");
    EXPECT_EQ(verified->payload().at("exp").as_int64(), kNow + 24 * 3600);
}

TEST_F(PublicationTest, EntityConfigurationPublishesEndpoints) {
    auto claims = build_entity_configuration(config_, public_keys_, {}, kNow);
    ASSERT_TRUE(claims.has_value());

    const auto& entity = claims->at("metadata").at("federation_entity").as_object();
    EXPECT_EQ(entity.at("federation_fetch_endpoint").as_string(),
              "https://ta.example.test/fetch");
    EXPECT_EQ(entity.at("federation_list_endpoint").as_string(), "https://ta.example.test/list");
    EXPECT_EQ(entity.at("federation_trust_mark_status_endpoint").as_string(),
              "https://ta.example.test/trust_mark_status");
    EXPECT_EQ(entity.at("organization_name").as_string(), "Example Federation");
}

TEST_F(PublicationTest, TopLevelAnchorHasNoAuthorityHints) {
    auto claims = build_entity_configuration(config_, public_keys_, {}, kNow);

    ASSERT_TRUE(claims.has_value());
    EXPECT_FALSE(claims->contains("authority_hints"));
    EXPECT_FALSE(claims->contains("trust_marks"));
}

TEST_F(PublicationTest, IntermediatePublishesAuthorityHints) {
    config_.federation.authority_hints = {"https://superior.example.test"};

    auto claims = build_entity_configuration(config_, public_keys_, {}, kNow);

    ASSERT_TRUE(claims.has_value());
    EXPECT_EQ(claims->at("authority_hints").as_array().size(), 1u);
}

TEST_F(PublicationTest, AnchorIsIssuerOfItsOwnTypes) {
    config_.federation.trusted_trust_mark_issuers["https://tm.example.test/other"] = {
        "https://other.example.test"};

    auto claims = build_entity_configuration(
        config_, public_keys_, {"https://tm.example.test/member"}, kNow);

    ASSERT_TRUE(claims.has_value());
    const auto& issuers = claims->at("trust_mark_issuers").as_object();
    EXPECT_EQ(issuers.at("https://tm.example.test/member").as_array().at(0).as_string(),
              "https://ta.example.test");
    EXPECT_EQ(issuers.at("https://tm.example.test/other").as_array().at(0).as_string(),
              "https://other.example.test");
}

TEST_F(PublicationTest, MetadataFileMembersAreMerged) {
    config_.federation.federation_entity_metadata_file =
        write_file("entity.json", R"({"contacts":["ops@example.test"]})");

    auto claims = build_entity_configuration(config_, public_keys_, {}, kNow);

    ASSERT_TRUE(claims.has_value()) << claims.error().message();
    EXPECT_TRUE(claims->at("metadata").at("federation_entity").as_object().contains("contacts"));
}

TEST_F(PublicationTest, MetadataFileWithJwksIsRejected) {
    config_.federation.federation_entity_metadata_file =
        write_file("entity.json", R"({"jwks":{"keys":[]}})");

    auto claims = build_entity_configuration(config_, public_keys_, {}, kNow);

    ASSERT_FALSE(claims.has_value());
    EXPECT_NE(claims.error().message().find("jwks is not allowed"), std::string::npos);
}

TEST_F(PublicationTest, TrustMarkOwnerWithBadKeysIsRejected) {
    config_.federation.trust_mark_owners["https://tm.example.test/owned"] = {
        "https://owner.example.test", write_file("owner.json", R"({"keys":[{"kty":"EC"}]})")};

    auto claims = build_entity_configuration(config_, public_keys_, {}, kNow);

    ASSERT_FALSE(claims.has_value());
    EXPECT_NE(claims.error().message().find("federation.trust_mark_owners"), std::string::npos);
}

TEST_F(PublicationTest, HistoricalKeysEmptyWithoutFolder) {
    auto claims = build_historical_keys(config_, kNow);

    ASSERT_TRUE(claims.has_value());
    EXPECT_TRUE(claims->at("keys").as_array().empty());
}

TEST_F(PublicationTest, HistoricalKeysListRetiredKeys) {
    bj::object retired = jose::Jwk::generate("ES256")->public_json();
    retired["exp"] = kNow - 10;
    write_file("historical_keys/old.json", bj::serialize(retired));

    auto claims = build_historical_keys(config_, kNow);
    ASSERT_TRUE(claims.has_value()) << claims.error().message();
    auto jwt = sign_historical_keys(signing_key_, *claims);
    ASSERT_TRUE(jwt.has_value());
    jose::VerifyOptions options;
    options.require_exp = false;
    auto verified =
        jose::verify_jws(*jwt, public_keys_, "jwk-set+jwt", FixedClock(kNow), options);

    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    EXPECT_EQ(verified->payload().at("keys").as_array().size(), 1u);
}

TEST_F(PublicationTest, HistoricalKeyWithoutExpIsRejected) {
    write_file("historical_keys/old.json",
               bj::serialize(jose::Jwk::generate("ES256")->public_json()));

    auto claims = build_historical_keys(config_, kNow);

    ASSERT_FALSE(claims.has_value());
    EXPECT_NE(claims.error().message().find("kid and exp"), std::string::npos);
}

}  // namespace
}  // namespace inmor::admin
