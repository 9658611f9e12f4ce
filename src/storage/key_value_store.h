// KeyValueStore: the Redis data model (strings, hashes, sets, sorted sets)
// behind one interface, so the federation data layout is written once and
// served from Redis or from the embedded SQLite engine alike.
#pragma once

#include "common/error.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace inmor::storage {

using FieldValues = std::vector<std::pair<std::string, std::string>>;

/// Writes applied together: MULTI/EXEC on Redis, one transaction on SQLite.
/// Every key a batch touches is announced to change listeners after commit,
/// unless `announce` is false.
class WriteBatch {
public:
    struct Set { std::string key, value; std::optional<std::chrono::seconds> ttl; };
    struct Delete { std::string key; };
    struct HashSet { std::string key, field, value; };
    struct HashDelete { std::string key, field; };
    struct SetAdd { std::string key, member; };
    struct SetRemove { std::string key, member; };
    struct SortedAdd { std::string key; double score; std::string member; };
    /// Replaces `to` with `from`; when `from` does not exist, `to` is deleted
    /// (so swapping in an empty staging set is not an error).
    struct Rename { std::string from, to; };
    using Operation =
        std::variant<Set, Delete, HashSet, HashDelete, SetAdd, SetRemove, SortedAdd, Rename>;

    WriteBatch& set(std::string key, std::string value,
                    std::optional<std::chrono::seconds> ttl = std::nullopt);
    WriteBatch& erase(std::string key);
    WriteBatch& hash_set(std::string key, std::string field, std::string value);
    WriteBatch& hash_erase(std::string key, std::string field);
    WriteBatch& set_add(std::string key, std::string member);
    WriteBatch& set_remove(std::string key, std::string member);
    WriteBatch& sorted_add(std::string key, double score, std::string member);
    WriteBatch& rename(std::string from, std::string to);

    bool announce = true;
    const std::vector<Operation>& operations() const { return operations_; }
    bool empty() const { return operations_.empty(); }
    /// Every key the batch writes (both names of a rename), once each, in
    /// order of first appearance: what is announced after commit.
    std::vector<std::string> touched_keys() const;

private:
    std::vector<Operation> operations_;
};

/// A running subscription to change announcements; destroying it stops the
/// listener thread.
class ChangeSubscription {
public:
    virtual ~ChangeSubscription() = default;
};

/// Called with the changed key, or with an empty string when changes may
/// have been missed (reconnect, flush): the listener must then drop all.
using ChangeCallback = std::function<void(const std::string& key)>;

/// Errors: ErrorCode::kTemporarilyUnavailable when the store cannot be
/// reached (callers serve what they safely can), kServerError otherwise.
/// Implementations are safe to call from many threads at once.
class KeyValueStore {
public:
    virtual ~KeyValueStore() = default;

    virtual Result<std::optional<std::string>> get(std::string_view key) = 0;

    virtual Result<std::optional<std::string>> hash_get(std::string_view key,
                                                        std::string_view field) = 0;
    /// The values of `fields`, in the same order, nothing for absent ones:
    /// one round trip on Redis (HMGET).
    virtual Result<std::vector<std::optional<std::string>>> hash_get_many(
        std::string_view key, const std::vector<std::string>& fields) = 0;
    virtual Result<FieldValues> hash_get_all(std::string_view key) = 0;
    virtual Result<std::vector<std::string>> hash_fields(std::string_view key) = 0;
    virtual Result<std::size_t> hash_length(std::string_view key) = 0;

    virtual Result<std::vector<std::string>> set_members(std::string_view key) = 0;
    virtual Result<bool> set_contains(std::string_view key, std::string_view member) = 0;
    virtual Result<std::size_t> set_size(std::string_view key) = 0;

    /// Members of a sorted set whose scores are all equal, in byte order,
    /// strictly after `after` (from the start when empty), at most `limit`.
    virtual Result<std::vector<std::string>> sorted_range_after(std::string_view key,
                                                                std::string_view after,
                                                                std::size_t limit) = 0;
    virtual Result<std::size_t> sorted_size(std::string_view key) = 0;

    /// Sets `key` only when it does not exist (a short lock); true when set.
    virtual Result<bool> set_if_absent(std::string_view key, std::string_view value,
                                       std::chrono::seconds ttl) = 0;

    virtual Result<void> apply(const WriteBatch& batch) = 0;

    /// Round trip to the store, for health checks.
    virtual Result<void> ping() = 0;

    /// Starts listening for keys announced by writers (Redis: channel
    /// `inmor:changes`; embedded: a change log the listener polls).
    virtual std::unique_ptr<ChangeSubscription> subscribe_changes(ChangeCallback callback) = 0;

    /// Human-readable engine name for logs and /status ("redis", "sqlite").
    virtual std::string_view engine() const = 0;
};

/// Opens the store a configuration names: a `redis://` URI, or the embedded
/// engine at `sqlite_path` when `redis_uri` is empty.
Result<std::unique_ptr<KeyValueStore>> open_key_value_store(const std::string& redis_uri,
                                                           const std::string& sqlite_path);

}  // namespace inmor::storage
