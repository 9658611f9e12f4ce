// StoreCache: values read from the federation store, kept in memory per
// store key until a writer announces a change to that key, or re-read on
// first use after the time-to-live for writers that do not announce.
#pragma once

#include "common/error.h"
#include "http/metrics.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace inmor::endpoints {

class StoreCache {
public:
    using Clock = std::chrono::steady_clock;

    /// Entries older than `ttl` are re-read on their next use; entries whose
    /// reload fails with kTemporarilyUnavailable keep being served.
    StoreCache(std::chrono::milliseconds ttl, http::Metrics* metrics = nullptr)
        : ttl_(ttl), metrics_(metrics) {}

    /// The value cached for `subkey` under store key `group`, loading it with
    /// `load` (returning Result<T>) on a miss or after the time-to-live.
    template <class T, class Load>
    Result<std::shared_ptr<const T>> get(std::string_view group, std::string_view subkey,
                                         Load&& load) {
        const Clock::time_point now = Clock::now();
        std::shared_ptr<const void> stale;
        if (auto found = lookup(group, subkey, now, stale)) {
            return std::static_pointer_cast<const T>(found);
        }

        const std::uint64_t generation = generation_.load(std::memory_order_acquire);
        Result<T> loaded = load();
        if (!loaded) {
            if (metrics_) metrics_->count_store_error();
            if (stale && loaded.error().code() == ErrorCode::kTemporarilyUnavailable) {
                return std::static_pointer_cast<const T>(stale);
            }
            return loaded.error();
        }
        auto value = std::make_shared<const T>(std::move(*loaded));
        store(group, subkey, value, now, generation);
        return value;
    }

    /// Drops everything cached under store key `key`. Keys under
    /// "inmor:collection:" also drop the collection's derived group. With ""
    /// (changes may have been missed) every entry is re-read on its next use
    /// but kept for serving while the store is unavailable.
    void invalidate(std::string_view key);

    /// Entries held (tests).
    std::size_t size() const;

    /// The group name for values derived from several collection keys.
    static constexpr std::string_view kCollectionGroup = "inmor:collection:*";

private:
    struct Entry {
        std::shared_ptr<const void> value;
        Clock::time_point loaded_at;
        bool stale = false;  // re-read on next use
    };
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };
    using Subkeys = std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>;
    using Groups = std::unordered_map<std::string, Subkeys, StringHash, std::equal_to<>>;

    std::shared_ptr<const void> lookup(std::string_view group, std::string_view subkey,
                                       Clock::time_point now, std::shared_ptr<const void>& stale);
    void store(std::string_view group, std::string_view subkey, std::shared_ptr<const void> value,
               Clock::time_point loaded_at, std::uint64_t generation);

    const std::chrono::milliseconds ttl_;
    http::Metrics* metrics_;
    mutable std::shared_mutex mutex_;
    Groups groups_;
    std::size_t entries_ = 0;
    std::atomic<std::uint64_t> generation_{0};
};

}  // namespace inmor::endpoints
