// PublishedData: every read the federation endpoints make, through the
// in-memory StoreCache, as values decoded once per cached entry.
#pragma once

#include "common/clock.h"
#include "common/error.h"
#include "endpoints/store_cache.h"
#include "storage/federation_store.h"
#include "storage/key_value_store.h"

#include <boost/json/object.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace inmor::endpoints {

/// A stored JWT and its `exp`, read once when cached.
struct StoredJwt {
    std::string jwt;
    std::optional<UnixSeconds> exp;
};
using MaybeJwt = std::optional<StoredJwt>;

/// The facts /list filters read from one subordinate's own entity configuration.
struct SubordinateProfile {
    std::set<std::string> entity_types;  // metadata member names
    bool intermediate = false;           // offers a fetch or list endpoint
};

/// `inmor:subordinates:jwt`, decoded.
using SubordinateProfiles = std::unordered_map<std::string, SubordinateProfile>;

/// One trust mark issued here, as `inmor:tm:{entity_id}` stores it.
struct IssuedTrustMark {
    bool revoked = false;
    StoredJwt mark;  // empty when revoked
};
/// trust mark type -> mark, for one entity.
using IssuedTrustMarks = std::unordered_map<std::string, IssuedTrustMark>;

/// The collection data, loaded as a whole (it changes once per walk).
struct CollectionView {
    struct Entity {
        std::string entity_id;
        boost::json::object info;  // {entity_id, entity_types, ui_infos?, trust_marks?}
        std::string search_text;   // lowercase entity id and ui info names
    };
    std::vector<Entity> entities;  // in `all_sorted` order
    std::unordered_map<std::string, std::size_t> position;
    std::unordered_map<std::string, std::unordered_set<std::string>> by_type;
    std::unordered_map<std::string, std::unordered_set<std::string>> by_trust_mark;
    std::string trust_anchor;
    std::optional<std::int64_t> last_updated;
    std::size_t intermediates = 0;
};

class PublishedData {
public:
    PublishedData(storage::KeyValueStore& store, StoreCache& cache, const Clock& clock)
        : store_(store), cache_(cache), clock_(clock) {}

    Result<std::shared_ptr<const MaybeJwt>> entity_configuration();
    Result<std::shared_ptr<const MaybeJwt>> historical_keys();
    Result<std::shared_ptr<const MaybeJwt>> subordinate_statement(std::string_view entity_id);

    /// Ids in `inmor:subordinates`, sorted.
    Result<std::shared_ptr<const std::vector<std::string>>> subordinate_ids();
    Result<std::shared_ptr<const SubordinateProfiles>> subordinate_profiles();
    /// The unfiltered /list body: the sorted ids as a JSON array.
    Result<std::shared_ptr<const std::string>> subordinate_list_json();

    Result<std::shared_ptr<const IssuedTrustMarks>> trust_marks_of(std::string_view entity_id);
    /// Members of `inmor:tmtype:{type}`, sorted.
    Result<std::shared_ptr<const std::vector<std::string>>> trust_mark_holders(
        std::string_view trust_mark_type);
    Result<std::shared_ptr<const std::vector<std::string>>> trust_mark_types();
    /// Whether `digest` (lowercase hex SHA-256 of a mark) is in `inmor:tm:alltime`.
    Result<bool> trust_mark_ever_issued(std::string_view digest);
    Result<std::size_t> trust_marks_ever_issued_count();

    /// The mark currently issued to `entity_id` of `type`, if active: stored,
    /// not revoked and not expired.
    Result<std::optional<StoredJwt>> active_trust_mark(std::string_view entity_id,
                                                       std::string_view trust_mark_type);

    Result<std::shared_ptr<const std::shared_ptr<const CollectionView>>> collection();

    /// One round trip to the store, uncached.
    Result<void> ping() { return store_.ping(); }
    std::string_view engine() const { return store_.engine(); }

    const Clock& clock() const { return clock_; }
    StoreCache& cache() { return cache_; }

private:
    Result<std::shared_ptr<const MaybeJwt>> cached_string(std::string_view key);
    Result<std::shared_ptr<const CollectionView>> load_collection();

    storage::KeyValueStore& store_;
    StoreCache& cache_;
    const Clock& clock_;
    std::mutex collection_mutex_;
    std::shared_ptr<const CollectionView> last_collection_;
};

/// A StoredJwt with its `exp` read from the (unverified) payload; an
/// unreadable payload leaves `exp` empty.
StoredJwt stored_jwt(std::string jwt);

/// The profile of an entity configuration for /list filters.
SubordinateProfile profile_of(std::string_view entity_configuration);

}  // namespace inmor::endpoints
