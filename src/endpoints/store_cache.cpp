// The per-key cache behind every read of published data.
#include "endpoints/store_cache.h"

namespace inmor::endpoints {
namespace {

// Bounds memory when clients ask for many different absent entities: past
// this many entries the whole cache is dropped and refilled on demand.
constexpr std::size_t kMaxEntries = 200000;

constexpr std::string_view kCollectionPrefix = "inmor:collection:";

}  // namespace

std::shared_ptr<const void> StoreCache::lookup(std::string_view group, std::string_view subkey,
                                               Clock::time_point now,
                                               std::shared_ptr<const void>& stale) {
    std::shared_lock lock(mutex_);
    const auto by_group = groups_.find(group);
    if (by_group != groups_.end()) {
        const auto entry = by_group->second.find(subkey);
        if (entry != by_group->second.end()) {
            if (!entry->second.stale && now - entry->second.loaded_at < ttl_) {
                if (metrics_) metrics_->count_cache_hit();
                return entry->second.value;
            }
            stale = entry->second.value;
        }
    }
    if (metrics_) metrics_->count_cache_miss();
    return nullptr;
}

void StoreCache::store(std::string_view group, std::string_view subkey,
                       std::shared_ptr<const void> value, Clock::time_point loaded_at,
                       std::uint64_t generation) {
    std::unique_lock lock(mutex_);
    // A change announced while loading may have raced the read: keep the
    // value out of the cache so the next use reads again.
    if (generation_.load(std::memory_order_acquire) != generation) return;
    if (entries_ >= kMaxEntries) {
        groups_.clear();
        entries_ = 0;
    }

    auto by_group = groups_.find(group);
    if (by_group == groups_.end()) by_group = groups_.emplace(std::string(group), Subkeys{}).first;
    auto [entry, inserted] = by_group->second.try_emplace(std::string(subkey));
    entry->second = Entry{std::move(value), loaded_at, false};
    if (inserted) ++entries_;
}

void StoreCache::invalidate(std::string_view key) {
    std::unique_lock lock(mutex_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    if (key.empty()) {
        // Changes may have been missed (the store reconnected): everything is
        // re-read on next use, but stays available should the store be down.
        for (auto& [group, subkeys] : groups_) {
            for (auto& [subkey, entry] : subkeys) entry.stale = true;
        }
        return;
    }

    auto drop = [&](std::string_view group) {
        const auto found = groups_.find(group);
        if (found == groups_.end()) return;
        entries_ -= found->second.size();
        groups_.erase(found);
    };
    drop(key);
    if (key.starts_with(kCollectionPrefix)) drop(kCollectionGroup);
}

std::size_t StoreCache::size() const {
    std::shared_lock lock(mutex_);
    return entries_;
}

}  // namespace inmor::endpoints
