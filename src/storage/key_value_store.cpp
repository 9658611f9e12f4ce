// WriteBatch builders and the choice of engine from the configuration.
#include "storage/key_value_store.h"

#include "storage/redis/redis_store.h"
#include "storage/sqlite/sqlite_store.h"

#include <type_traits>
#include <unordered_set>

namespace inmor::storage {

WriteBatch& WriteBatch::set(std::string key, std::string value,
                            std::optional<std::chrono::seconds> ttl) {
    operations_.emplace_back(Set{std::move(key), std::move(value), ttl});
    return *this;
}

WriteBatch& WriteBatch::erase(std::string key) {
    operations_.emplace_back(Delete{std::move(key)});
    return *this;
}

WriteBatch& WriteBatch::hash_set(std::string key, std::string field, std::string value) {
    operations_.emplace_back(HashSet{std::move(key), std::move(field), std::move(value)});
    return *this;
}

WriteBatch& WriteBatch::hash_erase(std::string key, std::string field) {
    operations_.emplace_back(HashDelete{std::move(key), std::move(field)});
    return *this;
}

WriteBatch& WriteBatch::set_add(std::string key, std::string member) {
    operations_.emplace_back(SetAdd{std::move(key), std::move(member)});
    return *this;
}

WriteBatch& WriteBatch::set_remove(std::string key, std::string member) {
    operations_.emplace_back(SetRemove{std::move(key), std::move(member)});
    return *this;
}

WriteBatch& WriteBatch::sorted_add(std::string key, double score, std::string member) {
    operations_.emplace_back(SortedAdd{std::move(key), score, std::move(member)});
    return *this;
}

WriteBatch& WriteBatch::rename(std::string from, std::string to) {
    operations_.emplace_back(Rename{std::move(from), std::move(to)});
    return *this;
}

std::vector<std::string> WriteBatch::touched_keys() const {
    // A collection swap touches few keys in many operations, so keep order of
    // first appearance and skip repeats through a set of views into the batch.
    std::vector<std::string> keys;
    std::unordered_set<std::string_view> seen;
    auto note = [&keys, &seen](const std::string& key) {
        if (seen.insert(key).second) {
            keys.push_back(key);
        }
    };

    for (const auto& operation : operations_) {
        if (const auto* rename = std::get_if<Rename>(&operation)) {
            note(rename->from);
            note(rename->to);
            continue;
        }
        std::visit([&note](const auto& step) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(step)>, Rename>) {
                note(step.key);
            }
        }, operation);
    }
    return keys;
}

Result<std::unique_ptr<KeyValueStore>> open_key_value_store(const std::string& redis_uri,
                                                           const std::string& sqlite_path) {
    if (!redis_uri.empty()) {
        return open_redis_store(redis_uri);
    }
    if (sqlite_path.empty()) {
        return Error::invalid_request(
            "federation store: set redis_uri or a data_dir for the embedded store");
    }
    return open_sqlite_store(sqlite_path);
}

}  // namespace inmor::storage
