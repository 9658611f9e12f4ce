// Trust chain constraints, table-driven from the rules of section "Constraints".
#include "federation/chain_constraints.h"

#include "federation/test_statements.h"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <optional>

namespace inmor::federation {
namespace {

namespace json = boost::json;
using testing::entity_id;

ChainConstraints parse_constraints(std::string_view text) {
    auto constraints = ChainConstraints::from_json(json::parse(text));
    EXPECT_TRUE(constraints.has_value()) << constraints.error().message();
    return constraints ? *constraints : ChainConstraints{};
}

TEST(ChainConstraints, MaxPathLengthBoundaries) {
    struct Case {
        std::optional<int> max_path_length;
        std::size_t intermediates;
        bool permitted;
    };
    const Case cases[] = {
        {std::nullopt, 0, true}, {std::nullopt, 40, true}, {0, 0, true}, {0, 1, false},
        {1, 0, true},            {1, 1, true},             {1, 2, false}, {2, 2, true},
        {2, 3, false},
    };
    for (const Case& c : cases) {
        ChainConstraints constraints;
        if (c.max_path_length) {
            constraints.max_path_length = *c.max_path_length;
        }

        const bool permitted = constraints.permits_path_length(c.intermediates);

        EXPECT_EQ(permitted, c.permitted)
            << "max_path_length=" << c.max_path_length.value_or(-1)
            << " intermediates=" << c.intermediates;
    }
}

TEST(ChainConstraints, RejectsMalformedMembers) {
    const std::pair<const char*, const char*> cases[] = {
        {R"({"max_path_length": -1})", "constraints.max_path_length"},
        {R"({"max_path_length": 1.5})", "constraints.max_path_length"},
        {R"({"max_path_length": "1"})", "constraints.max_path_length"},
        {R"({"naming_constraints": []})", "constraints.naming_constraints"},
        {R"({"naming_constraints": {"permitted": "x"}})",
         "constraints.naming_constraints.permitted"},
        {R"({"naming_constraints": {"excluded": [1]}})",
         "constraints.naming_constraints.excluded"},
        {R"({"allowed_entity_types": "openid_provider"})", "constraints.allowed_entity_types"},
        {R"([])", "constraints: must be an object"},
    };
    for (const auto& [text, fragment] : cases) {
        auto constraints = ChainConstraints::from_json(json::parse(text));

        ASSERT_FALSE(constraints.has_value()) << text;
        EXPECT_NE(constraints.error().message().find(fragment), std::string::npos)
            << text << ": " << constraints.error().message();
    }
}

TEST(ChainConstraints, IgnoresUnknownMembers) {
    auto constraints = ChainConstraints::from_json(json::parse(R"({"future_rule": 1})"));

    ASSERT_TRUE(constraints.has_value());
    EXPECT_FALSE(constraints->max_path_length.has_value());
}

TEST(ChainConstraints, HostMatchesNameConstraint) {
    struct Case {
        const char* host;
        const char* constraint;
        bool matches;
    };
    const Case cases[] = {
        {"host.example.com", "host.example.com", true},
        {"HOST.Example.com", "host.example.COM", true},
        {"other.example.com", "host.example.com", false},
        {"sub.host.example.com", "host.example.com", false},
        {"example.com", ".example.com", false},
        {"a.example.com", ".example.com", true},
        {"a.b.example.com", ".example.com", true},
        {"badexample.com", ".example.com", false},
        {"example.com.evil.test", ".example.com", false},
        {"127.0.0.1", "127.0.0.1", true},
        {"a.example.com", "", false},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(host_matches_name_constraint(c.host, c.constraint), c.matches)
            << c.host << " vs " << c.constraint;
    }
}

TEST(ChainConstraints, NamingConstraintsPermittedAndExcluded) {
    struct Case {
        const char* constraints;
        const char* entity;
        bool passes;
    };
    const Case cases[] = {
        {R"({})", "https://anything.test", true},
        {R"({"naming_constraints": {"permitted": [".example.test"]}})",
         "https://rp.example.test", true},
        {R"({"naming_constraints": {"permitted": [".example.test"]}})",
         "https://example.test", false},
        {R"({"naming_constraints": {"permitted": [".example.test", "example.test"]}})",
         "https://example.test/path", true},
        {R"({"naming_constraints": {"permitted": []}})", "https://rp.example.test", false},
        {R"({"naming_constraints": {"excluded": ["bad.example.test"]}})",
         "https://bad.example.test:8443", false},
        {R"({"naming_constraints": {"excluded": ["bad.example.test"]}})",
         "https://good.example.test", true},
        {R"({"naming_constraints": {"permitted": [".example.test"],
                                    "excluded": [".bad.example.test"]}})",
         "https://x.bad.example.test", false},
        {R"({"naming_constraints": {"permitted": [".example.test"],
                                    "excluded": [".bad.example.test"]}})",
         "https://bad.example.test", true},
    };
    for (const Case& c : cases) {
        const ChainConstraints constraints = parse_constraints(c.constraints);

        auto checked = constraints.check_naming(entity_id(c.entity));

        EXPECT_EQ(checked.has_value(), c.passes) << c.constraints << " " << c.entity;
        if (!checked) {
            EXPECT_EQ(checked.error().code(), ErrorCode::kInvalidTrustChain);
            EXPECT_NE(checked.error().message().find(c.entity), std::string::npos);
        }
    }
}

TEST(ChainConstraints, AllowedEntityTypes) {
    struct Case {
        const char* constraints;
        const char* entity_type;
        bool allowed;
    };
    const Case cases[] = {
        {R"({})", "openid_provider", true},
        {R"({"allowed_entity_types": []})", "openid_provider", false},
        {R"({"allowed_entity_types": []})", "federation_entity", true},
        {R"({"allowed_entity_types": ["openid_provider"]})", "openid_provider", true},
        {R"({"allowed_entity_types": ["openid_provider"]})", "openid_relying_party", false},
        {R"({"allowed_entity_types": ["openid_provider"]})", "federation_entity", true},
    };
    for (const Case& c : cases) {
        const ChainConstraints constraints = parse_constraints(c.constraints);

        EXPECT_EQ(constraints.allows_entity_type(c.entity_type), c.allowed)
            << c.constraints << " " << c.entity_type;
    }
}

TEST(ChainConstraints, RemovesDisallowedEntityTypes) {
    json::object metadata{{"federation_entity", json::object{}},
                          {"openid_provider", json::object{}},
                          {"openid_relying_party", json::object{}}};
    const ChainConstraints constraints =
        parse_constraints(R"({"allowed_entity_types": ["openid_relying_party"]})");

    auto removed = remove_disallowed_entity_types(metadata, constraints);

    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0], "openid_provider");
    EXPECT_TRUE(metadata.contains("federation_entity"));
    EXPECT_TRUE(metadata.contains("openid_relying_party"));
    EXPECT_FALSE(metadata.contains("openid_provider"));
}

TEST(ChainConstraints, EntityHostDropsPortPathAndCase) {
    EXPECT_EQ(entity_host(entity_id("https://RP.Example.test:8443/a/b")), "rp.example.test");
    EXPECT_EQ(entity_host(entity_id("http://127.0.0.1:9000/ta")), "127.0.0.1");
}

}  // namespace
}  // namespace inmor::federation
