// API keys: long random secrets for scripts, sent as `X-API-Key`, stored only
// as their SHA-256.
#pragma once

#include "admin/database.h"
#include "admin/repository_support.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inmor::admin {

/// Random bytes in the secret part of a key.
inline constexpr std::size_t kApiKeySecretBytes = 32;
/// Random bytes in the public prefix that names a key in lists and logs.
inline constexpr std::size_t kApiKeyPrefixBytes = 4;

/// A row of `api_keys`, with its owner's name.
struct ApiKey {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string username;
    std::string name;
    std::string prefix;  ///< 8 hex digits, shown in lists
    UnixSeconds created_at = 0;
    std::optional<UnixSeconds> expires_at;
    bool active = true;
    std::optional<UnixSeconds> last_used_at;
};

/// A new key and its secret form `inmor_<prefix>_<secret>`, shown once.
struct NewApiKey {
    ApiKey key;
    std::string secret;
};

/// Creates a key for `user_id`, optionally expiring at `expires_at`.
/// kInvalidRequest naming the field for an empty name or a past expiry.
Result<NewApiKey> create_api_key(SqlExecutor& executor, std::int64_t user_id,
                                 std::string_view name, std::optional<UnixSeconds> expires_at,
                                 UnixSeconds now);

/// Finds the key whose hash matches `presented`, checks it is active, not
/// expired and owned by an active user, and records `now` as its last use.
/// kInvalidClient "invalid API key" for any failure of those checks.
Result<ApiKey> authenticate_api_key(SqlExecutor& executor, std::string_view presented,
                                    UnixSeconds now);

/// Every key (active, revoked and expired), by id, optionally of one user.
Result<std::vector<ApiKey>> list_api_keys(SqlExecutor& executor,
                                          std::optional<std::int64_t> user_id = {});

/// Revokes the key with this numeric id or prefix and returns it. kNotFound
/// when neither matches.
Result<ApiKey> revoke_api_key(SqlExecutor& executor, std::string_view id_or_prefix);

/// `{id, username, name, prefix, created_at, expires_at, active,
/// last_used_at}`; never the hash.
boost::json::object to_json(const ApiKey& key);

}  // namespace inmor::admin
