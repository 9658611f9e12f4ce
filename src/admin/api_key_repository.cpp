// Creation, lookup and revocation of API keys.
#include "admin/api_key_repository.h"

#include "admin/secrets.h"

#include <charconv>

namespace inmor::admin {
namespace {

constexpr std::string_view kSelect =
    "SELECT k.id, k.user_id, u.username, k.name, k.prefix, k.created_at, k.expires_at, "
    "k.active, k.last_used_at FROM api_keys k JOIN users u ON u.id = k.user_id";

constexpr std::size_t kMaxKeyNameBytes = 100;

ApiKey read_key(const Row& row) {
    return ApiKey{row.integer(0), row.integer(1),          row.text(2),
                  row.text(3),    row.text(4),             row.integer(5),
                  row.optional_integer(6), row.boolean(7), row.optional_integer(8)};
}

Result<std::optional<ApiKey>> find_one(SqlExecutor& executor, std::string_view where,
                                       const SqlParams& params) {
    Result<std::optional<Row>> row =
        executor.query_one(std::string(kSelect) + " WHERE " + std::string(where), params);
    if (!row) {
        return row.error();
    }
    if (!row->has_value()) {
        return std::optional<ApiKey>();
    }
    return std::optional<ApiKey>(read_key(**row));
}

std::optional<std::int64_t> parse_id(std::string_view text) {
    std::int64_t id = 0;
    auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (failure != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return id;
}

}  // namespace

Result<NewApiKey> create_api_key(SqlExecutor& executor, std::int64_t user_id,
                                 std::string_view name, std::optional<UnixSeconds> expires_at,
                                 UnixSeconds now) {
    if (name.empty() || name.size() > kMaxKeyNameBytes) {
        return field_error("name", "must be 1 to 100 characters");
    }
    if (expires_at && *expires_at <= now) {
        return field_error("expires_at", "must be in the future");
    }

    Result<std::string> prefix = random_hex(kApiKeyPrefixBytes);
    Result<std::string> secret = random_token(kApiKeySecretBytes);
    if (!prefix || !secret) {
        return prefix ? secret.error() : prefix.error();
    }
    std::string full = "inmor_" + *prefix + "_" + *secret;

    Result<std::optional<Row>> inserted = executor.query_one(
        "INSERT INTO api_keys (user_id, name, prefix, key_hash, created_at, expires_at, active) "
        "VALUES (?, ?, ?, ?, ?, ?, 1) RETURNING id",
        {user_id, std::string(name), *prefix, sha256_hex(full), now, nullable(expires_at)});
    if (!inserted) {
        return inserted.error();
    }

    Result<std::optional<ApiKey>> created = find_one(executor, "k.id = ?", {(*inserted)->integer(0)});
    if (!created) {
        return created.error();
    }
    return NewApiKey{std::move(**created), std::move(full)};
}

Result<ApiKey> authenticate_api_key(SqlExecutor& executor, std::string_view presented,
                                    UnixSeconds now) {
    Error rejected(ErrorCode::kInvalidClient, "invalid API key");
    if (presented.empty() || presented.size() > 200) {
        return rejected;
    }

    // The lookup is by digest, so a timing difference reveals nothing of
    // the stored secret.
    Result<std::optional<ApiKey>> found = find_one(
        executor, "k.key_hash = ? AND u.is_active = 1", {sha256_hex(presented)});
    if (!found) {
        return found.error();
    }
    if (!found->has_value()) {
        return rejected;
    }
    ApiKey key = std::move(**found);
    if (!key.active) {
        return Error(ErrorCode::kInvalidClient, "invalid API key", "revoked prefix=" + key.prefix);
    }
    if (key.expires_at && *key.expires_at <= now) {
        return Error(ErrorCode::kInvalidClient, "invalid API key", "expired prefix=" + key.prefix);
    }

    Result<std::int64_t> used =
        executor.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", {now, key.id});
    if (!used) {
        return used.error();
    }
    key.last_used_at = now;
    return key;
}

Result<std::vector<ApiKey>> list_api_keys(SqlExecutor& executor,
                                          std::optional<std::int64_t> user_id) {
    std::string sql = std::string(kSelect);
    SqlParams params;
    if (user_id) {
        sql += " WHERE k.user_id = ?";
        params.emplace_back(*user_id);
    }
    Result<std::vector<Row>> rows = executor.query(sql + " ORDER BY k.id", params);
    if (!rows) {
        return rows.error();
    }
    std::vector<ApiKey> keys;
    for (const Row& row : *rows) {
        keys.push_back(read_key(row));
    }
    return keys;
}

Result<ApiKey> revoke_api_key(SqlExecutor& executor, std::string_view id_or_prefix) {
    // A prefix may be given bare or as the start of the key ("inmor_1a2b3c4d").
    std::string_view prefix = id_or_prefix;
    if (prefix.starts_with("inmor_")) {
        prefix = prefix.substr(6, 2 * kApiKeyPrefixBytes);
    }

    // An all-digit prefix reads as an id too; the id wins, then the prefix.
    Result<std::optional<ApiKey>> found = std::optional<ApiKey>();
    if (std::optional<std::int64_t> id = parse_id(id_or_prefix)) {
        found = find_one(executor, "k.id = ?", {*id});
    }
    if (found && !found->has_value()) {
        found = find_one(executor, "k.prefix = ?", {std::string(prefix)});
    }
    if (!found) {
        return found.error();
    }
    if (!found->has_value()) {
        return Error::not_found("API key not found: " + std::string(id_or_prefix));
    }

    ApiKey key = std::move(**found);
    Result<std::int64_t> changed =
        executor.execute("UPDATE api_keys SET active = 0 WHERE id = ?", {key.id});
    if (!changed) {
        return changed.error();
    }
    key.active = false;
    return key;
}

boost::json::object to_json(const ApiKey& key) {
    return boost::json::object{{"id", key.id},
                               {"username", key.username},
                               {"name", key.name},
                               {"prefix", key.prefix},
                               {"created_at", format_timestamp(key.created_at)},
                               {"expires_at", timestamp_json(key.expires_at)},
                               {"active", key.active},
                               {"last_used_at", timestamp_json(key.last_used_at)}};
}

}  // namespace inmor::admin
