// Loading taconfig.toml: defaults, path resolution, environment overrides
// and an error naming the key for every invalid value.
#include "common/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace inmor {
namespace {

constexpr const char* kDomain = "domain = \"https://ta.test\"\n";

/// Sets an environment variable for the lifetime of the object.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
    ~ScopedEnv() { ::unsetenv(name_); }

private:
    const char* name_;
};

TEST(Config, DefaultsMatchTheDocumentedLayout) {
    auto config = parse_config(kDomain, "/etc/inmor");

    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->listen, "127.0.0.1:8080");
    EXPECT_EQ(config->metrics_listen, "127.0.0.1:9100");
    EXPECT_EQ(config->cache_ttl, 1);
    EXPECT_EQ(config->fetch.max_redirects, 5);
    EXPECT_EQ(config->fetch.max_body_bytes, 2097152);
    EXPECT_EQ(config->limits.collection_per_minute, 600);
    EXPECT_EQ(config->federation.entity_configuration_lifetime, 24);
    EXPECT_EQ(config->federation.trust_mark_issuer, "https://ta.test");
    EXPECT_TRUE(config->federation.trust_mark_type_defaults.autorenew);
    EXPECT_FALSE(config->resolve.live_discovery);
    EXPECT_EQ(config->admin.listen, "127.0.0.1:8000");
    EXPECT_EQ(config->admin.database_url, "sqlite:/etc/inmor/data/admin.db");
    EXPECT_FALSE(config->scheduler.enabled);
    EXPECT_EQ(config->scheduler.collection_walk_every, 300);
}

TEST(Config, RelativePathsResolveAgainstConfigFolder) {
    auto config = parse_config(std::string(kDomain) +
                                   "private_key = \"keys/private.json\"\n"
                                   "historical_keys_dir = \"/abs/hist\"\n",
                               "/srv/ta");

    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->private_key, "/srv/ta/keys/private.json");
    EXPECT_EQ(config->public_keys_dir, "/srv/ta/publickeys");
    EXPECT_EQ(config->historical_keys_dir, "/abs/hist");
    EXPECT_EQ(config->data_dir, "/srv/ta/data");
}

TEST(Config, ReadsNestedTables) {
    auto config = parse_config(std::string(kDomain) +
                                   "[federation]\n"
                                   "authority_hints = [\"https://up.test\"]\n"
                                   "trust_marks = [{trust_mark_type = \"t\", trust_mark = \"a.b.c\"}]\n"
                                   "[federation.trusted_trust_mark_issuers]\n"
                                   "\"https://tm.test/x\" = [\"https://issuer.test\"]\n"
                                   "[[resolve.trust_anchors]]\n"
                                   "entity_id = \"https://other.test\"\n"
                                   "jwks_file = \"other.json\"\n",
                               "/cfg");

    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->federation.authority_hints.size(), 1u);
    ASSERT_EQ(config->federation.trust_marks.size(), 1u);
    EXPECT_EQ(config->federation.trust_marks[0].trust_mark, "a.b.c");
    EXPECT_EQ(config->federation.trusted_trust_mark_issuers.at("https://tm.test/x").at(0),
              "https://issuer.test");
    ASSERT_EQ(config->resolve.trust_anchors.size(), 1u);
    EXPECT_EQ(config->resolve.trust_anchors[0].jwks_file, "/cfg/other.json");
}

TEST(Config, EveryInvalidValueNamesItsKey) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "domain: is required"},
        {"domain = \"http://ta.test\"\n", "domain: must be an https URL"},
        {"domain = \"https://ta.test/?q=1\"\n", "domain:"},
        {"domain = 5\n", "domain: must be a string"},
        {std::string(kDomain) + "allow_http = \"yes\"\n", "allow_http: must be true or false"},
        {std::string(kDomain) + "cache_ttl = -1\n", "cache_ttl: must be a non-negative integer"},
        {std::string(kDomain) + "redis_uri = \"http://r\"\n", "redis_uri: must start with"},
        {std::string(kDomain) + "tls_cert = \"c.pem\"\n", "tls_key: tls_cert and tls_key"},
        {std::string(kDomain) + "log_format = \"xml\"\n", "log_format:"},
        {std::string(kDomain) + "log_level = \"loud\"\n", "log_level:"},
        {std::string(kDomain) + "listen = \"nowhere\"\n", "listen:"},
        {std::string(kDomain) + "metrics_listen = \"1.2.3.4:99999\"\n", "metrics_listen:"},
        {std::string(kDomain) + "max_header_bytes = 10\n", "max_header_bytes:"},
        {std::string(kDomain) + "[fetch]\nmax_redirects = -1\n",
         "fetch.max_redirects: must be a non-negative integer"},
        {std::string(kDomain) + "[fetch]\nconnect_timeout = 0\n", "fetch.connect_timeout:"},
        {std::string(kDomain) + "[fetch]\nallowed_networks = [\"10.0.0.0/99\"]\n",
         "fetch.allowed_networks[0]: invalid CIDR"},
        {std::string(kDomain) + "[limits]\ntrusted_proxies = [\"x\"]\n",
         "limits.trusted_proxies[0]: invalid CIDR"},
        {std::string(kDomain) + "[limits]\nresolve_per_minute = 1.5\n",
         "limits.resolve_per_minute: must be a non-negative integer"},
        {std::string(kDomain) + "fetch = 3\n", "fetch: must be a table"},
        {std::string(kDomain) + "[federation]\nauthority_hints = [\"ftp://x\"]\n",
         "federation.authority_hints[0]:"},
        {std::string(kDomain) + "[federation]\nauthority_hints = \"https://x\"\n",
         "federation.authority_hints: must be an array of strings"},
        {std::string(kDomain) + "[federation]\ntrust_marks = [{trust_mark_type = \"t\"}]\n",
         "federation.trust_marks[0].trust_mark: must be a non-empty string"},
        {std::string(kDomain) + "[federation]\nentity_configuration_lifetime = 0\n",
         "federation.entity_configuration_lifetime:"},
        {std::string(kDomain) + "[federation.trust_mark_type_defaults]\nvalid_for = -3\n",
         "federation.trust_mark_type_defaults.valid_for:"},
        {std::string(kDomain) + "[federation.trust_mark_owners]\nt = {sub = \"s\"}\n",
         "federation.trust_mark_owners.t.jwks_file:"},
        {std::string(kDomain) + "[[resolve.trust_anchors]]\nentity_id = \"https://o.test\"\n",
         "resolve.trust_anchors[0].jwks_file:"},
        {std::string(kDomain) + "[resolve]\nlive_discovery = 1\n",
         "resolve.live_discovery: must be true or false"},
        {std::string(kDomain) + "[admin]\ndatabase_url = \"mysql://x\"\n",
         "admin.database_url:"},
        {std::string(kDomain) + "[admin]\nfederation_server_url = \"ftp://ta.test\"\n",
         "admin.federation_server_url: must be an http(s) URL"},
        {std::string(kDomain) + "[admin]\nfederation_server_url = \"127.0.0.1:8080\"\n",
         "admin.federation_server_url:"},
        {std::string(kDomain) + "[admin]\nfederation_server_url = \"http://ta:8080/?x=1\"\n",
         "admin.federation_server_url:"},
        {std::string(kDomain) + "[admin]\nfederation_server_url = 8080\n",
         "admin.federation_server_url: must be a string"},
        {std::string(kDomain) + "[admin]\nfederation_server_url = \"http://ta:65536\"\n",
         "admin.federation_server_url: must be an http(s) URL with a host, a port from 1"},
        {std::string(kDomain) + "[admin]\nfederation_server_url = \"http://ta:0\"\n",
         "admin.federation_server_url:"},
        {std::string(kDomain) +
             "[admin]\nfederation_server_url = \"http://ta:99999999999999999999\"\n",
         "admin.federation_server_url:"},
        {std::string(kDomain) + "[admin]\nfederation_server_url = \"http://u:p@ta:8080\"\n",
         "admin.federation_server_url:"},
        {std::string(kDomain) + "[admin]\nallowed_hosts = [1]\n",
         "admin.allowed_hosts: must be an array of strings"},
        {std::string(kDomain) + "[scheduler]\nenabled = \"on\"\n",
         "scheduler.enabled: must be true or false"},
        {"domain = \n", "invalid TOML at line 1"},
    };

    for (const auto& [text, expected] : cases) {
        auto config = parse_config(text, "/cfg");

        ASSERT_FALSE(config) << "accepted: " << text;
        EXPECT_NE(config.error().message().find(expected), std::string::npos)
            << "input: " << text << "message: " << config.error().message();
    }
}

TEST(Config, UnknownKeysAreWarnedNotRejected) {
    auto config = parse_config(std::string(kDomain) + "colour = \"red\"\n[fetch]\nspeed = 1\n",
                               "/cfg");

    ASSERT_TRUE(config) << config.error().message();
    ASSERT_EQ(config->warnings.size(), 2u);
    EXPECT_NE(config->warnings[0].find("fetch.speed"), std::string::npos);
    EXPECT_NE(config->warnings[1].find("colour"), std::string::npos);
}

TEST(Config, HttpDomainAllowedWithAllowHttp) {
    auto config = parse_config("domain = \"http://127.0.0.1:8080\"\nallow_http = true\n", "/cfg");

    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->domain, "http://127.0.0.1:8080");
}

TEST(Config, FederationServerUrlTakesHttpWithoutAllowHttp) {
    auto unset = parse_config(kDomain, "/cfg");
    auto set = parse_config(std::string(kDomain) +
                                "[admin]\nfederation_server_url = \"http://ta:8080\"\n",
                            "/cfg");

    ASSERT_TRUE(unset) << unset.error().message();
    ASSERT_TRUE(set) << set.error().message();
    EXPECT_EQ(unset->admin.federation_server_url, "");
    EXPECT_EQ(set->admin.federation_server_url, "http://ta:8080");
    EXPECT_FALSE(set->allow_http);
}

TEST(Config, EnvironmentOverridesFile) {
    ScopedEnv redis("REDIS_LOCATION", "redis://127.0.0.1:7000/2");
    ScopedEnv historical("HISTORICAL_KEYS_DIR", "/keys/old");
    ScopedEnv cors("CORS_ORIGINS", "https://a.test, https://b.test");
    ScopedEnv csrf("CSRF_TRUSTED_ORIGINS", "https://c.test");
    ScopedEnv login("LOGIN_REDIRECT_URL", "https://ui.test/");
    ScopedEnv server("FEDERATION_SERVER_URL", "http://ta:8080");
    ScopedEnv container("INSIDE_CONTAINER", "true");
    ScopedEnv level("RUST_LOG", "debug");

    auto config = parse_config(std::string(kDomain) + "redis_uri = \"redis://file:6379\"\n",
                               "/cfg");

    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->redis_uri, "redis://127.0.0.1:7000/2");
    EXPECT_EQ(config->historical_keys_dir, "/keys/old");
    EXPECT_EQ(config->admin.cors_origins, (std::vector<std::string>{"https://a.test",
                                                                    "https://b.test"}));
    EXPECT_EQ(config->admin.csrf_trusted_origins, std::vector<std::string>{"https://c.test"});
    EXPECT_EQ(config->admin.login_redirect_url, "https://ui.test/");
    EXPECT_EQ(config->admin.federation_server_url, "http://ta:8080");
    EXPECT_EQ(config->listen, "0.0.0.0:8080");
    EXPECT_EQ(config->admin.listen, "0.0.0.0:8000");
    EXPECT_EQ(config->log_level, "debug");
}

TEST(Config, InsideContainerKeepsExplicitListen) {
    ScopedEnv container("INSIDE_CONTAINER", "true");

    auto config = parse_config(std::string(kDomain) + "listen = \"127.0.0.1:9000\"\n", "/cfg");

    ASSERT_TRUE(config) << config.error().message();
    EXPECT_EQ(config->listen, "127.0.0.1:9000");
}

TEST(Config, DatabaseHostAndPortOverridePostgresOnly) {
    ScopedEnv host("DB_HOST", "db.internal");
    ScopedEnv port("DB_PORT", "6543");

    auto postgres = parse_config(std::string(kDomain) +
                                     "[admin]\ndatabase_url = \"postgresql://u:p@localhost:5432/inmor\"\n",
                                 "/cfg");
    auto sqlite = parse_config(std::string(kDomain) + "[admin]\ndatabase_url = \"sqlite:a.db\"\n",
                               "/cfg");

    ASSERT_TRUE(postgres) << postgres.error().message();
    EXPECT_EQ(postgres->admin.database_url, "postgresql://u:p@db.internal:6543/inmor");
    ASSERT_TRUE(sqlite) << sqlite.error().message();
    EXPECT_EQ(sqlite->admin.database_url, "sqlite:/cfg/a.db");
}

TEST(Config, ListenAddressParsing) {
    auto v4 = parse_listen_address("0.0.0.0:8080", "listen");
    auto v6 = parse_listen_address("[::1]:9000", "listen");
    auto bad = parse_listen_address("host:80", "listen");

    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->host, "0.0.0.0");
    EXPECT_EQ(v4->port, 8080);
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message().find("listen:"), std::string::npos);
}

TEST(Config, MissingFileNamesPath) {
    auto config = load_config("/nonexistent/taconfig.toml");

    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message().find("/nonexistent/taconfig.toml"), std::string::npos);
}

}  // namespace
}  // namespace inmor
