// Loading taconfig.toml: defaults, environment overrides, path resolution
// and validation with messages that name the key.
#include "common/config.h"

#include "common/entity_id.h"
#include "common/logging.h"

#include <toml++/toml.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <boost/url/parse.hpp>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace inmor {
namespace {

namespace fs = std::filesystem;

/// Thrown inside this file only; load_config turns it into an Error.
struct ConfigError {
    std::string message;
};

[[noreturn]] void fail(const std::string& key, const std::string& problem) {
    throw ConfigError{key + ": " + problem};
}

/// Reads one TOML table, remembering which keys were consumed so the rest
/// can be reported as unknown.
class TableReader {
public:
    TableReader(const toml::table* table, std::string prefix)
        : table_(table), prefix_(std::move(prefix)) {}

    std::string key_name(std::string_view name) const { return prefix_ + std::string(name); }

    const toml::node* node(std::string_view name) {
        seen_.insert(std::string(name));
        return table_ ? table_->get(name) : nullptr;
    }

    void read(std::string_view name, std::string& out) {
        const toml::node* value = node(name);
        if (!value) return;
        if (!value->is_string()) fail(key_name(name), "must be a string");
        out = value->as_string()->get();
    }

    void read(std::string_view name, bool& out) {
        const toml::node* value = node(name);
        if (!value) return;
        if (!value->is_boolean()) fail(key_name(name), "must be true or false");
        out = value->as_boolean()->get();
    }

    void read(std::string_view name, std::int64_t& out) {
        const toml::node* value = node(name);
        if (!value) return;
        if (!value->is_integer() || value->as_integer()->get() < 0) {
            fail(key_name(name), "must be a non-negative integer");
        }
        out = value->as_integer()->get();
    }

    void read(std::string_view name, std::vector<std::string>& out) {
        const toml::node* value = node(name);
        if (!value) return;
        out = strings_of(*value, key_name(name));
    }

    /// A sub-table, or nullptr when absent; a non-table value is an error.
    const toml::table* table(std::string_view name) {
        const toml::node* value = node(name);
        if (!value) return nullptr;
        if (!value->is_table()) fail(key_name(name), "must be a table");
        return value->as_table();
    }

    void collect_unknown(std::vector<std::string>& warnings) const {
        if (!table_) return;
        for (const auto& [key, value] : *table_) {
            if (!seen_.contains(std::string(key.str()))) {
                warnings.push_back("unknown configuration key ignored key=" +
                                   key_name(key.str()));
            }
        }
    }

    static std::vector<std::string> strings_of(const toml::node& value, const std::string& key) {
        if (!value.is_array()) fail(key, "must be an array of strings");
        std::vector<std::string> result;
        for (const auto& item : *value.as_array()) {
            if (!item.is_string()) fail(key, "must be an array of strings");
            result.push_back(item.as_string()->get());
        }
        return result;
    }

private:
    const toml::table* table_;
    std::string prefix_;
    std::set<std::string> seen_;
};

std::string resolve_path(const std::string& path, const std::string& base_dir) {
    if (path.empty() || fs::path(path).is_absolute()) return path;
    return (fs::path(base_dir) / path).lexically_normal().string();
}

std::vector<std::string> split_commas(std::string_view text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string_view::npos) end = text.size();
        std::string part(text.substr(start, end - start));
        part.erase(0, part.find_first_not_of(" \t"));
        part.erase(part.find_last_not_of(" \t") + 1);
        if (!part.empty()) parts.push_back(part);
        start = end + 1;
    }
    return parts;
}

const char* env(const char* name) {
    const char* value = std::getenv(name);
    return (value && *value) ? value : nullptr;
}

void check_cidrs(const std::vector<std::string>& cidrs, const std::string& key) {
    for (std::size_t i = 0; i < cidrs.size(); ++i) {
        boost::system::error_code error;
        const std::string& text = cidrs[i];
        if (text.find(':') != std::string::npos) {
            (void)boost::asio::ip::make_network_v6(text, error);
        } else {
            (void)boost::asio::ip::make_network_v4(text, error);
        }
        if (error) {
            fail(key + "[" + std::to_string(i) + "]", "invalid CIDR \"" + text + "\"");
        }
    }
}

void read_fetch(TableReader& reader, FetchConfig& fetch, std::vector<std::string>& warnings) {
    TableReader table(reader.table("fetch"), "fetch.");
    table.read("connect_timeout", fetch.connect_timeout);
    table.read("total_timeout", fetch.total_timeout);
    table.read("max_body_bytes", fetch.max_body_bytes);
    table.read("max_redirects", fetch.max_redirects);
    table.read("retries", fetch.retries);
    table.read("ca_file", fetch.ca_file);
    table.read("allowed_networks", fetch.allowed_networks);
    check_cidrs(fetch.allowed_networks, "fetch.allowed_networks");
    if (fetch.connect_timeout == 0) fail("fetch.connect_timeout", "must be at least 1");
    if (fetch.total_timeout == 0) fail("fetch.total_timeout", "must be at least 1");
    table.collect_unknown(warnings);
}

void read_limits(TableReader& reader, LimitsConfig& limits, std::vector<std::string>& warnings) {
    TableReader table(reader.table("limits"), "limits.");
    table.read("resolve_per_minute", limits.resolve_per_minute);
    table.read("trust_mark_status_per_minute", limits.trust_mark_status_per_minute);
    table.read("collection_per_minute", limits.collection_per_minute);
    table.read("trusted_proxies", limits.trusted_proxies);
    check_cidrs(limits.trusted_proxies, "limits.trusted_proxies");
    table.collect_unknown(warnings);
}

void read_held_trust_marks(TableReader& table, FederationConfig& federation) {
    const toml::node* marks = table.node("trust_marks");
    if (!marks) return;
    if (!marks->is_array()) fail("federation.trust_marks", "must be an array of tables");

    std::size_t index = 0;
    for (const auto& item : *marks->as_array()) {
        const std::string key = "federation.trust_marks[" + std::to_string(index++) + "]";
        if (!item.is_table()) fail(key, "must be a table {trust_mark_type, trust_mark}");
        const toml::table& entry = *item.as_table();
        HeldTrustMark held;
        for (auto [name, out] : {std::pair{"trust_mark_type", &held.trust_mark_type},
                                 std::pair{"trust_mark", &held.trust_mark}}) {
            const toml::node* value = entry.get(name);
            if (!value || !value->is_string() || value->as_string()->get().empty()) {
                fail(key + "." + name, "must be a non-empty string");
            }
            *out = value->as_string()->get();
        }
        federation.trust_marks.push_back(std::move(held));
    }
}

void read_trust_mark_maps(TableReader& table, FederationConfig& federation,
                          const std::string& base_dir) {
    if (const toml::table* issuers = table.table("trusted_trust_mark_issuers")) {
        for (const auto& [type, value] : *issuers) {
            const std::string key =
                "federation.trusted_trust_mark_issuers." + std::string(type.str());
            federation.trusted_trust_mark_issuers[std::string(type.str())] =
                TableReader::strings_of(value, key);
        }
    }

    if (const toml::table* owners = table.table("trust_mark_owners")) {
        for (const auto& [type, value] : *owners) {
            const std::string key = "federation.trust_mark_owners." + std::string(type.str());
            if (!value.is_table()) fail(key, "must be a table {sub, jwks_file}");
            TrustMarkOwnerConfig owner;
            const auto* sub = value.as_table()->get("sub");
            const auto* jwks = value.as_table()->get("jwks_file");
            if (!sub || !sub->is_string()) fail(key + ".sub", "must be a string");
            if (!jwks || !jwks->is_string()) fail(key + ".jwks_file", "must be a string");
            owner.sub = sub->as_string()->get();
            owner.jwks_file = resolve_path(jwks->as_string()->get(), base_dir);
            federation.trust_mark_owners[std::string(type.str())] = std::move(owner);
        }
    }
}

void read_federation(TableReader& reader, FederationConfig& federation,
                     const std::string& base_dir, std::vector<std::string>& warnings) {
    TableReader table(reader.table("federation"), "federation.");
    table.read("organization_name", federation.organization_name);
    table.read("federation_entity_metadata_file", federation.federation_entity_metadata_file);
    table.read("authority_hints", federation.authority_hints);
    table.read("entity_configuration_lifetime", federation.entity_configuration_lifetime);
    table.read("subordinate_statement_lifetime", federation.subordinate_statement_lifetime);
    table.read("trust_mark_issuer", federation.trust_mark_issuer);
    table.read("metadata_policy_file", federation.metadata_policy_file);
    read_held_trust_marks(table, federation);
    read_trust_mark_maps(table, federation, base_dir);

    TableReader defaults(table.table("trust_mark_type_defaults"),
                         "federation.trust_mark_type_defaults.");
    defaults.read("autorenew", federation.trust_mark_type_defaults.autorenew);
    defaults.read("valid_for", federation.trust_mark_type_defaults.valid_for);
    defaults.read("renewal_time", federation.trust_mark_type_defaults.renewal_time);
    defaults.read("active", federation.trust_mark_type_defaults.active);
    defaults.collect_unknown(warnings);

    if (federation.entity_configuration_lifetime == 0) {
        fail("federation.entity_configuration_lifetime", "must be at least 1 hour");
    }
    if (federation.subordinate_statement_lifetime == 0) {
        fail("federation.subordinate_statement_lifetime", "must be at least 1 hour");
    }
    federation.federation_entity_metadata_file =
        resolve_path(federation.federation_entity_metadata_file, base_dir);
    federation.metadata_policy_file = resolve_path(federation.metadata_policy_file, base_dir);
    table.collect_unknown(warnings);
}

void read_resolve(TableReader& reader, ResolveConfig& resolve, const std::string& base_dir,
                  std::vector<std::string>& warnings) {
    TableReader table(reader.table("resolve"), "resolve.");
    table.read("live_discovery", resolve.live_discovery);
    table.read("refresh_before_expiry", resolve.refresh_before_expiry);

    if (const toml::node* anchors = table.node("trust_anchors")) {
        if (!anchors->is_array()) fail("resolve.trust_anchors", "must be an array of tables");
        std::size_t index = 0;
        for (const auto& item : *anchors->as_array()) {
            const std::string key = "resolve.trust_anchors[" + std::to_string(index++) + "]";
            if (!item.is_table()) fail(key, "must be a table {entity_id, jwks_file}");
            const auto* entity_id = item.as_table()->get("entity_id");
            const auto* jwks = item.as_table()->get("jwks_file");
            if (!entity_id || !entity_id->is_string()) fail(key + ".entity_id", "must be a string");
            if (!jwks || !jwks->is_string()) fail(key + ".jwks_file", "must be a string");
            if (!EntityId::parse(entity_id->as_string()->get(), true)) {
                fail(key + ".entity_id", "must be an https URL without query or fragment");
            }
            resolve.trust_anchors.push_back(
                {entity_id->as_string()->get(), resolve_path(jwks->as_string()->get(), base_dir)});
        }
    }
    table.collect_unknown(warnings);
}

void read_admin(TableReader& reader, AdminConfig& admin, const std::string& base_dir,
                std::vector<std::string>& warnings) {
    TableReader table(reader.table("admin"), "admin.");
    table.read("listen", admin.listen);
    table.read("database_url", admin.database_url);
    table.read("metrics_listen", admin.metrics_listen);
    table.read("secret_key", admin.secret_key);
    table.read("allowed_hosts", admin.allowed_hosts);
    table.read("cors_origins", admin.cors_origins);
    table.read("csrf_trusted_origins", admin.csrf_trusted_origins);
    table.read("login_redirect_url", admin.login_redirect_url);
    table.read("session_cookie_secure", admin.session_cookie_secure);
    table.read("ui_dir", admin.ui_dir);
    table.read("audit_retention_days", admin.audit_retention_days);
    table.read("federation_server_url", admin.federation_server_url);
    admin.ui_dir = resolve_path(admin.ui_dir, base_dir);
    table.collect_unknown(warnings);
}

void read_scheduler(TableReader& reader, SchedulerConfig& scheduler,
                    std::vector<std::string>& warnings) {
    TableReader table(reader.table("scheduler"), "scheduler.");
    table.read("enabled", scheduler.enabled);
    table.read("regenerate_entity_every", scheduler.regenerate_entity_every);
    table.read("renew_subordinates_every", scheduler.renew_subordinates_every);
    table.read("renew_trust_marks_every", scheduler.renew_trust_marks_every);
    table.read("collection_walk_every", scheduler.collection_walk_every);
    table.collect_unknown(warnings);
}

void read_top_level(TableReader& top, Config& config, bool& listen_given,
                    bool& admin_listen_given) {
    top.read("domain", config.domain);
    top.read("redis_uri", config.redis_uri);
    top.read("allow_http", config.allow_http);
    top.read("tls_cert", config.tls_cert);
    top.read("tls_key", config.tls_key);
    top.read("data_dir", config.data_dir);
    top.read("private_key", config.private_key);
    top.read("public_keys_dir", config.public_keys_dir);
    top.read("historical_keys_dir", config.historical_keys_dir);
    top.read("log_level", config.log_level);
    top.read("log_format", config.log_format);
    top.read("cache_ttl", config.cache_ttl);
    top.read("metrics_listen", config.metrics_listen);
    listen_given = top.node("listen") != nullptr;
    top.read("listen", config.listen);
    top.read("cache_control_max_age", config.cache_control_max_age);
    top.read("max_header_bytes", config.max_header_bytes);
    top.read("max_body_bytes", config.max_body_bytes);
    top.read("client_timeout", config.client_timeout);
    top.read("idle_timeout", config.idle_timeout);
    top.read("server_threads", config.server_threads);
    top.read("trust_mark_status_cache_seconds", config.trust_mark_status_cache_seconds);
    top.read("shutdown_timeout", config.shutdown_timeout);
    const toml::table* admin = top.table("admin");
    admin_listen_given = admin && admin->get("listen") != nullptr;
}

/// Replaces host and port of a postgresql:// URL with DB_HOST / DB_PORT.
std::string override_database_host(const std::string& url) {
    const char* host = env("DB_HOST");
    const char* port = env("DB_PORT");
    const std::string_view scheme = url.starts_with("postgresql://") ? "postgresql://"
                                    : url.starts_with("postgres://") ? "postgres://"
                                                                     : "";
    if (scheme.empty() || (!host && !port)) return url;

    const std::size_t authority_start = scheme.size();
    std::size_t authority_end = url.find('/', authority_start);
    if (authority_end == std::string::npos) authority_end = url.size();
    const std::string authority = url.substr(authority_start, authority_end - authority_start);
    const std::size_t at = authority.rfind('@');
    const std::string user_info = at == std::string::npos ? "" : authority.substr(0, at + 1);
    std::string host_port = at == std::string::npos ? authority : authority.substr(at + 1);

    std::string old_host = host_port;
    std::string old_port;
    if (const std::size_t colon = host_port.rfind(':');
        colon != std::string::npos && host_port.find(']', colon) == std::string::npos) {
        old_host = host_port.substr(0, colon);
        old_port = host_port.substr(colon + 1);
    }
    const std::string new_host = host ? host : old_host;
    const std::string new_port = port ? port : old_port;
    return std::string(scheme) + user_info + new_host + (new_port.empty() ? "" : ":" + new_port) +
           url.substr(authority_end);
}

void apply_environment(Config& config, bool listen_given, bool admin_listen_given) {
    if (const char* redis = env("REDIS_LOCATION")) config.redis_uri = redis;
    if (const char* dir = env("HISTORICAL_KEYS_DIR")) config.historical_keys_dir = dir;
    if (const char* origins = env("CORS_ORIGINS")) config.admin.cors_origins = split_commas(origins);
    if (const char* origins = env("CSRF_TRUSTED_ORIGINS")) {
        config.admin.csrf_trusted_origins = split_commas(origins);
    }
    if (const char* url = env("LOGIN_REDIRECT_URL")) config.admin.login_redirect_url = url;
    if (const char* url = env("FEDERATION_SERVER_URL")) config.admin.federation_server_url = url;
    if (const char* level = env("RUST_LOG")) {
        if (std::string word = parse_log_level(level); !word.empty()) {
            config.log_level = word;
        }
    }
    config.admin.database_url = override_database_host(config.admin.database_url);

    const char* container = env("INSIDE_CONTAINER");
    if (container && std::string_view(container) == "true") {
        if (!listen_given) config.listen = "0.0.0.0:8080";
        if (!admin_listen_given) config.admin.listen = "0.0.0.0:8000";
    }
}

void resolve_paths(Config& config, const std::string& base_dir) {
    if (config.data_dir.empty()) config.data_dir = "data";
    if (config.private_key.empty()) config.private_key = "private.json";
    if (config.public_keys_dir.empty()) config.public_keys_dir = "publickeys";
    if (config.historical_keys_dir.empty()) config.historical_keys_dir = "historical_keys";
    config.data_dir = resolve_path(config.data_dir, base_dir);
    config.private_key = resolve_path(config.private_key, base_dir);
    config.public_keys_dir = resolve_path(config.public_keys_dir, base_dir);
    config.historical_keys_dir = resolve_path(config.historical_keys_dir, base_dir);
    config.tls_cert = resolve_path(config.tls_cert, base_dir);
    config.tls_key = resolve_path(config.tls_key, base_dir);
    config.fetch.ca_file = resolve_path(config.fetch.ca_file, base_dir);

    if (config.admin.database_url.empty()) {
        config.admin.database_url = "sqlite:" + (fs::path(config.data_dir) / "admin.db").string();
    } else if (config.admin.database_url.starts_with("sqlite:")) {
        config.admin.database_url =
            "sqlite:" + resolve_path(config.admin.database_url.substr(7), base_dir);
    }
}

/// True when `url` (an absolute URL) names no port or a port from 1 to 65535.
bool has_usable_port(const std::string& url) {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) return false;
    // port_number() is 0 for port 0 and for a port that does not fit 16 bits.
    return !parsed->has_port() || parsed->port_number() != 0;
}

void validate(const Config& config) {
    if (config.domain.empty()) fail("domain", "is required (the trust anchor's entity id)");
    if (!EntityId::parse(config.domain, config.allow_http)) {
        fail("domain", config.allow_http
                           ? "must be an http(s) URL with a host and no query or fragment"
                           : "must be an https URL with a host and no query or fragment "
                             "(http only with allow_http = true)");
    }
    if (!config.redis_uri.empty() && !config.redis_uri.starts_with("redis://") &&
        !config.redis_uri.starts_with("rediss://")) {
        fail("redis_uri", "must start with redis:// or rediss://");
    }
    if (config.tls_cert.empty() != config.tls_key.empty()) {
        fail(config.tls_cert.empty() ? "tls_cert" : "tls_key",
             "tls_cert and tls_key must be set together");
    }
    if (config.log_format != "text" && config.log_format != "json") {
        fail("log_format", "must be \"text\" or \"json\"");
    }
    static const std::set<std::string> kLevels = {"error", "warn", "warning", "info",
                                                  "debug", "trace", "off"};
    if (!kLevels.contains(config.log_level)) {
        fail("log_level", "must be one of error, warn, info, debug, trace");
    }
    if (config.max_header_bytes < 1024) fail("max_header_bytes", "must be at least 1024");
    if (config.client_timeout == 0) fail("client_timeout", "must be at least 1");
    if (config.idle_timeout == 0) fail("idle_timeout", "must be at least 1");
    if (!parse_listen_address(config.listen, "listen")) {
        fail("listen", "must be HOST:PORT, e.g. 127.0.0.1:8080");
    }
    if (!config.metrics_listen.empty() && !parse_listen_address(config.metrics_listen, "")) {
        fail("metrics_listen", "must be HOST:PORT or empty");
    }
    if (!parse_listen_address(config.admin.listen, "admin.listen")) {
        fail("admin.listen", "must be HOST:PORT, e.g. 127.0.0.1:8000");
    }
    const auto& db = config.admin.database_url;
    if (!db.starts_with("sqlite:") && !db.starts_with("postgresql://") &&
        !db.starts_with("postgres://")) {
        fail("admin.database_url", "must be sqlite:PATH or postgresql://user:pass@host:port/db");
    }
    // The admin reaches its own federation server, often over plain http on a
    // private network (http://ta:8080), so http is valid even without allow_http.
    const auto& server_url = config.admin.federation_server_url;
    if (!server_url.empty() &&
        (!EntityId::parse(server_url, true) || !has_usable_port(server_url))) {
        fail("admin.federation_server_url",
             "must be an http(s) URL with a host, a port from 1 to 65535 if any, and no user "
             "info, query or fragment, e.g. http://127.0.0.1:8080, or empty");
    }
    for (std::size_t i = 0; i < config.federation.authority_hints.size(); ++i) {
        if (!EntityId::parse(config.federation.authority_hints[i], config.allow_http)) {
            fail("federation.authority_hints[" + std::to_string(i) + "]",
                 "must be an https URL without query or fragment");
        }
    }
}

Config parse_or_throw(std::string_view toml_text, const std::string& base_dir) {
    toml::table root;
    try {
        root = toml::parse(toml_text);
    } catch (const toml::parse_error& error) {
        std::ostringstream where;
        where << "line " << error.source().begin.line << ": " << error.description();
        throw ConfigError{"invalid TOML at " + where.str()};
    }

    Config config;
    TableReader top(&root, "");
    bool listen_given = false;
    bool admin_listen_given = false;
    read_top_level(top, config, listen_given, admin_listen_given);
    read_fetch(top, config.fetch, config.warnings);
    read_limits(top, config.limits, config.warnings);
    read_federation(top, config.federation, base_dir, config.warnings);
    read_resolve(top, config.resolve, base_dir, config.warnings);
    read_admin(top, config.admin, base_dir, config.warnings);
    read_scheduler(top, config.scheduler, config.warnings);
    top.collect_unknown(config.warnings);

    apply_environment(config, listen_given, admin_listen_given);
    resolve_paths(config, base_dir);
    if (config.federation.trust_mark_issuer.empty()) {
        config.federation.trust_mark_issuer = config.domain;
    }
    validate(config);
    return config;
}

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view key) {
    const std::string name = key.empty() ? "address" : std::string(key);
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        return Error::invalid_request(name + ": must be HOST:PORT");
    }
    std::string_view host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);
    if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);

    unsigned port = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
        return Error::invalid_request(name + ": port must be a number from 0 to 65535");
    }
    boost::system::error_code address_error;
    (void)boost::asio::ip::make_address(std::string(host), address_error);
    if (address_error && host != "localhost") {
        return Error::invalid_request(name + ": host must be an IP address");
    }
    return ListenAddress{std::string(host == "localhost" ? "127.0.0.1" : host),
                         static_cast<std::uint16_t>(port)};
}

Result<Config> parse_config(std::string_view toml_text, const std::string& base_dir) {
    try {
        return parse_or_throw(toml_text, base_dir);
    } catch (const ConfigError& error) {
        return Error::invalid_request(error.message);
    }
}

Result<Config> load_config(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return Error::invalid_request("configuration file cannot be read: " + path);
    }
    std::ostringstream text;
    text << file.rdbuf();

    const fs::path absolute = fs::absolute(path);
    auto config = parse_config(text.str(), absolute.parent_path().string());
    if (!config) {
        return Error::invalid_request(path + ": " + config.error().message());
    }
    config->config_path = absolute.string();
    return config;
}

Result<std::string> read_configured_file(const std::string& path, std::string_view key) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return Error::invalid_request(std::string(key) + ": cannot read " + path);
    }
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

}  // namespace inmor
