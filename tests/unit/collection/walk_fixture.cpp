// Fixture of the walk tests.
#include "walk_fixture.h"

#include "common/json.h"

#include <algorithm>

namespace inmor::collection::testing {

namespace json = boost::json;

fetch::FetchConfig loopback_fetch_config() {
    fetch::FetchConfig config;
    config.allow_http = true;
    config.retries = 0;
    config.connect_timeout = std::chrono::seconds(2);
    config.total_timeout = std::chrono::seconds(5);
    return config;
}

WalkTest::WalkTest() = default;

Result<WalkResult> WalkTest::walk(WalkOptions options) {
    options.allow_http = true;
    auto anchor = EntityId::parse(federation_.id("ta"), true);
    EXPECT_TRUE(anchor.has_value());
    return walk_federation(fetcher_, *anchor, clock_, options);
}

void WalkTest::build_tree() {
    federation_.add("ta", true);
    federation_.add("ia", true);
    federation_.add("op");
    federation_.add("rp");
    federation_.add("leaf");
    federation_.link("ta", "ia");
    federation_.link("ia", "op");
    federation_.link("ia", "rp");
    federation_.link("ta", "leaf");

    federation_.entity("op").metadata["openid_provider"] =
        json::object{{"issuer", federation_.id("op")},
                     {"display_name", "Test Provider"},
                     {"display_name#fi", "Testipalvelu"},
                     {"logo_uri", "https://op.test/logo.png"},
                     {"policy_uri", "https://op.test/policy"},
                     {"information_uri", "https://op.test/about"},
                     {"keywords", json::array{"test", "provider"}},
                     {"token_endpoint", "https://op.test/token"}};
    federation_.entity("rp").metadata["openid_relying_party"] =
        json::object{{"client_name", "Test Client"}, {"client_name#sv", "Testklient"}};
    federation_.entity("ia").metadata["federation_entity"] =
        json::object{{"organization_name", "Intermediate Org"}};
}

std::vector<std::string> entity_ids(const WalkResult& result) {
    std::vector<std::string> ids;
    for (const auto& entity : result.snapshot.entities) ids.push_back(entity.entity_id);
    return ids;
}

json::object entity_info(const WalkResult& result, const std::string& entity_id) {
    for (const auto& entity : result.snapshot.entities) {
        if (entity.entity_id != entity_id) continue;
        auto parsed = parse_json_object(entity.json, "entity info");
        EXPECT_TRUE(parsed.has_value()) << entity.json;
        return parsed ? *parsed : json::object{};
    }
    ADD_FAILURE() << "entity not collected: " << entity_id;
    return {};
}

std::vector<std::string> superiors_of(const WalkResult& result, const std::string& entity_id) {
    std::vector<std::string> superiors;
    for (const auto& [id, text] : result.snapshot.superiors) {
        if (id != entity_id) continue;
        auto parsed = parse_json(text, "superiors");
        EXPECT_TRUE(parsed && parsed->is_array()) << text;
        if (!parsed || !parsed->is_array()) return superiors;
        for (const auto& superior : parsed->as_array()) {
            superiors.emplace_back(superior.as_string());
        }
    }
    return superiors;
}

namespace {

std::vector<std::string> members(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& index,
    const std::string& type) {
    for (const auto& [name, ids] : index) {
        if (name != type) continue;
        std::vector<std::string> sorted = ids;
        std::sort(sorted.begin(), sorted.end());
        return sorted;
    }
    return {};
}

}  // namespace

std::vector<std::string> ids_of_type(const WalkResult& result, const std::string& type) {
    return members(result.snapshot.by_type, type);
}

std::vector<std::string> ids_with_trust_mark(const WalkResult& result, const std::string& type) {
    return members(result.snapshot.by_trust_mark, type);
}

}  // namespace inmor::collection::testing
