// Config: taconfig.toml as one typed struct with every key, its default and
// the environment overrides, shared by every binary.
#pragma once

#include "common/error.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace inmor {

/// `[fetch]`: the guarded outbound HTTP client.
struct FetchConfig {
    std::int64_t connect_timeout = 5;  // seconds
    std::int64_t total_timeout = 10;   // seconds
    std::int64_t max_body_bytes = 2097152;
    std::int64_t max_redirects = 5;
    std::int64_t retries = 2;
    std::string ca_file;  // absolute path, or empty
    std::vector<std::string> allowed_networks;  // CIDRs
};

/// `[limits]`: requests per minute and client address; 0 disables a limit.
struct LimitsConfig {
    std::int64_t resolve_per_minute = 600;
    std::int64_t trust_mark_status_per_minute = 600;
    std::int64_t collection_per_minute = 600;
    std::vector<std::string> trusted_proxies;  // CIDRs whose X-Forwarded-For names the client
};

/// One entry of `federation.trust_marks`: a mark held by the anchor itself.
struct HeldTrustMark {
    std::string trust_mark_type;
    std::string trust_mark;
};

/// One entry of `federation.trust_mark_owners`.
struct TrustMarkOwnerConfig {
    std::string sub;
    std::string jwks_file;  // absolute path
};

/// `[federation.trust_mark_type_defaults]`.
struct TrustMarkTypeDefaults {
    bool autorenew = true;
    std::int64_t valid_for = 8760;   // hours
    std::int64_t renewal_time = 48;  // hours
    bool active = true;
};

/// `[federation]`: what inmor-admin signs and publishes.
struct FederationConfig {
    std::string organization_name = "Example Federation";
    std::string federation_entity_metadata_file;  // absolute path, or empty
    std::vector<std::string> authority_hints;
    std::int64_t entity_configuration_lifetime = 24;     // hours
    std::int64_t subordinate_statement_lifetime = 8760;  // hours
    std::string trust_mark_issuer;  // defaults to `domain` after loading
    std::vector<HeldTrustMark> trust_marks;
    std::string metadata_policy_file;  // absolute path, or empty
    std::map<std::string, std::vector<std::string>> trusted_trust_mark_issuers;
    std::map<std::string, TrustMarkOwnerConfig> trust_mark_owners;
    TrustMarkTypeDefaults trust_mark_type_defaults;
};

/// One entry of `[[resolve.trust_anchors]]`: another anchor with pinned keys.
struct ResolveTrustAnchor {
    std::string entity_id;
    std::string jwks_file;  // absolute path
};

/// `[resolve]`.
struct ResolveConfig {
    bool live_discovery = false;
    std::int64_t refresh_before_expiry = 3600;  // seconds
    std::vector<ResolveTrustAnchor> trust_anchors;
};

/// `[admin]`.
struct AdminConfig {
    std::string listen = "127.0.0.1:8000";
    std::string database_url;  // "sqlite:" + absolute path by default
    std::string metrics_listen = "127.0.0.1:9101";
    std::string secret_key;
    std::vector<std::string> allowed_hosts = {"localhost", "127.0.0.1"};
    std::vector<std::string> cors_origins;
    std::vector<std::string> csrf_trusted_origins;
    std::string login_redirect_url = "/";
    bool session_cookie_secure = true;
    std::string ui_dir;  // absolute path, or empty
    std::int64_t audit_retention_days = 365;
    /// Base URL of the federation server (`inmor`) whose /health and /status
    /// the dashboard shows, e.g. "http://127.0.0.1:8080". Empty means not configured.
    /// Environment override: FEDERATION_SERVER_URL.
    std::string federation_server_url;
};

/// `[scheduler]`: periods in seconds.
struct SchedulerConfig {
    bool enabled = false;
    std::int64_t regenerate_entity_every = 60;
    std::int64_t renew_subordinates_every = 300;
    std::int64_t renew_trust_marks_every = 300;
    std::int64_t collection_walk_every = 300;
};

/// The whole configuration. Paths are absolute after loading (relative ones
/// are resolved against the folder of the configuration file).
struct Config {
    std::string config_path;  // the file this was loaded from
    std::string domain;       // validated Entity Identifier
    std::string redis_uri;    // empty: embedded store under data_dir
    bool allow_http = false;
    std::string tls_cert;
    std::string tls_key;
    std::string data_dir;
    std::string private_key;
    std::string public_keys_dir;
    std::string historical_keys_dir;
    std::string log_level = "info";
    std::string log_format = "text";
    std::int64_t cache_ttl = 1;  // seconds
    std::string metrics_listen = "127.0.0.1:9100";

    // Keys of the federation server (`inmor`) beyond the shared layout:
    // listen: address and port of the public listener ("127.0.0.1:8080";
    //   "0.0.0.0:8080" when INSIDE_CONTAINER=true and the key is absent).
    // cache_control_max_age: cap in seconds on Cache-Control max-age of served JWTs.
    // max_header_bytes, max_body_bytes: request limits (413/431 beyond).
    // client_timeout: seconds a client has to send a whole request once it
    //   started, and to read the response.
    // idle_timeout: seconds a keep-alive connection may wait for its next request.
    // server_threads: worker threads; 0 uses the CPUs this process may run on.
    // trust_mark_status_cache_seconds: how long a signed status response is
    //   reused for the same mark and status; 0 signs every response.
    // shutdown_timeout: seconds SIGTERM waits for in-flight requests.
    std::string listen = "127.0.0.1:8080";
    std::int64_t cache_control_max_age = 3600;
    std::int64_t max_header_bytes = 16384;
    std::int64_t max_body_bytes = 65536;
    std::int64_t client_timeout = 10;
    std::int64_t idle_timeout = 30;
    std::int64_t server_threads = 0;
    std::int64_t trust_mark_status_cache_seconds = 10;
    std::int64_t shutdown_timeout = 10;

    FetchConfig fetch;
    LimitsConfig limits;
    FederationConfig federation;
    ResolveConfig resolve;
    AdminConfig admin;
    SchedulerConfig scheduler;

    /// Warnings found while loading (unknown keys), for the caller to log.
    std::vector<std::string> warnings;
};

/// Reads `path`, applies defaults and environment overrides, resolves paths
/// and validates every value. Errors are kInvalidRequest with a message that
/// names the key ("fetch.max_redirects: must be a non-negative integer").
Result<Config> load_config(const std::string& path);

/// As load_config, from TOML text; relative paths resolve against `base_dir`.
Result<Config> parse_config(std::string_view toml_text, const std::string& base_dir);

/// Reads the whole file at `path`, which the configuration names under `key`.
/// Returns kInvalidRequest "KEY: cannot read PATH" when it cannot be opened.
Result<std::string> read_configured_file(const std::string& path, std::string_view key);

/// Splits "host:port" (IPv6 as "[::1]:8080"). Errors name `key`.
struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;
};
Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view key);

}  // namespace inmor
