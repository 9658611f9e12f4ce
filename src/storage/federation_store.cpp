// The federation data layout as named reads and batched writes over a KeyValueStore.
#include "storage/federation_store.h"

#include "common/entity_id.h"
#include "common/hex.h"
#include "common/logging.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>
#include <stdexcept>

namespace inmor::storage {
namespace {

// Keys of the collection data, below kCollectionPrefix (live) or
// kCollectionStagingPrefix (during a walk).
constexpr std::string_view kEntities = "entities";
constexpr std::string_view kSuperiors = "superiors";
constexpr std::string_view kAllSorted = "all_sorted";
constexpr std::string_view kTrustMarkTypesIndex = "trustmark_types";
constexpr std::string_view kEntityTypesIndex = "entity_types";
constexpr std::string_view kTrustAnchor = "trust_anchor";
constexpr std::string_view kLastUpdated = "last_updated";
constexpr std::string_view kByType = "by_type:";
constexpr std::string_view kByTrustMark = "by_trustmark:";

// Entity types whose live `by_type:` sets are cleared on every swap even when
// the live `entity_types` index misses them (data written before the index).
constexpr std::array<std::string_view, 6> kKnownEntityTypes = {
    "federation_entity",      "openid_relying_party", "openid_provider",
    "oauth_authorization_server", "oauth_client",     "oauth_resource"};

constexpr std::chrono::seconds kJwksCacheLifetime{3600};
// Longer than any swap takes (writing 10 000 entities takes under a second),
// short enough that a walker that died holding it blocks the next walk only
// for a few minutes.
constexpr std::chrono::seconds kCollectionLockLifetime{300};

std::shared_ptr<spdlog::logger> log() {
    static const auto instance = inmor::logger("storage");
    return instance;
}

std::string concat(std::string_view a, std::string_view b) {
    std::string joined;
    joined.reserve(a.size() + b.size());
    joined.append(a);
    joined.append(b);
    return joined;
}

std::string live(std::string_view name) {
    return concat(keys::kCollectionPrefix, name);
}

std::string staging(std::string_view name) {
    return concat(keys::kCollectionStagingPrefix, name);
}

// Lowercase hex SHA-256, the form the layout uses for trust marks and URIs.
std::string sha256_hex(std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(),
                   nullptr) != 1) {
        // Only an allocation failure inside OpenSSL can get here.
        throw std::runtime_error("EVP_Digest(SHA-256) failed");
    }
    return to_hex({digest.data(), length});
}

// Rejects a caller-provided string before it becomes part of a key.
Result<void> check_key_part(std::string_view field, std::string_view value) {
    if (is_unsafe_key_part(value)) {
        return Error::invalid_request(
            std::string(field) +
            ": must be 1 to 2048 bytes without control characters");
    }
    return {};
}

std::string_view kind_set(EntityKind kind) {
    switch (kind) {
        case EntityKind::kRelyingParty: return keys::kRelyingParties;
        case EntityKind::kOpenidProvider: return keys::kOpenidProviders;
        case EntityKind::kAuthority: return keys::kAuthorities;
    }
    return keys::kAuthorities;
}

}  // namespace

namespace keys {

std::string trust_marks_of(std::string_view entity_id) {
    return concat("inmor:tm:", entity_id);
}

std::string holders_of_type(std::string_view trust_mark_type) {
    return concat("inmor:tmtype:", trust_mark_type);
}

std::string jwks_cache(std::string_view uri) {
    return concat("inmor:jwks_cache:", sha256_hex(uri));
}

std::string collection_of_type(std::string_view entity_type) {
    return live(concat(kByType, entity_type));
}

std::string collection_with_trust_mark(std::string_view trust_mark_type) {
    return live(concat(kByTrustMark, trust_mark_type));
}

std::string trust_mark_digest(std::string_view trust_mark_jwt) {
    return sha256_hex(trust_mark_jwt);
}

}  // namespace keys

// ---- Published by the admin -------------------------------------------------

Result<std::optional<std::string>> FederationStore::entity_configuration() {
    return store_.get(keys::kEntityConfiguration);
}

Result<std::optional<std::string>> FederationStore::historical_keys() {
    return store_.get(keys::kHistoricalKeys);
}

Result<std::optional<std::string>> FederationStore::subordinate_statement(
    std::string_view entity_id) {
    return store_.hash_get(keys::kSubordinates, entity_id);
}

Result<std::optional<std::string>> FederationStore::subordinate_configuration(
    std::string_view entity_id) {
    return store_.hash_get(keys::kSubordinateConfigurations, entity_id);
}

Result<std::vector<std::string>> FederationStore::subordinate_ids() {
    return store_.hash_fields(keys::kSubordinates);
}

Result<FieldValues> FederationStore::subordinate_configurations() {
    return store_.hash_get_all(keys::kSubordinateConfigurations);
}

Result<std::size_t> FederationStore::subordinate_count() {
    return store_.hash_length(keys::kSubordinates);
}

Result<std::optional<std::string>> FederationStore::trust_mark(
    std::string_view entity_id, std::string_view trust_mark_type) {
    if (auto checked = check_key_part("sub", entity_id); !checked) {
        return checked.error();
    }
    return store_.hash_get(keys::trust_marks_of(entity_id), trust_mark_type);
}

Result<std::vector<std::string>> FederationStore::trust_mark_holders(
    std::string_view trust_mark_type) {
    if (auto checked = check_key_part("trust_mark_type", trust_mark_type); !checked) {
        return checked.error();
    }
    return store_.set_members(keys::holders_of_type(trust_mark_type));
}

Result<std::vector<std::string>> FederationStore::trust_mark_types() {
    return store_.set_members(keys::kTrustMarkTypes);
}

Result<bool> FederationStore::trust_mark_ever_issued(std::string_view trust_mark_jwt) {
    return store_.set_contains(keys::kTrustMarksEverIssued, sha256_hex(trust_mark_jwt));
}

Result<std::size_t> FederationStore::trust_marks_ever_issued_count() {
    return store_.set_size(keys::kTrustMarksEverIssued);
}

Result<void> FederationStore::publish_entity_configuration(std::string_view jwt) {
    WriteBatch batch;
    batch.set(std::string(keys::kEntityConfiguration), std::string(jwt));
    return store_.apply(batch);
}

Result<void> FederationStore::publish_historical_keys(std::string_view jwt) {
    WriteBatch batch;
    batch.set(std::string(keys::kHistoricalKeys), std::string(jwt));
    return store_.apply(batch);
}

Result<void> FederationStore::publish_subordinate(std::string_view entity_id,
                                                  std::string_view statement,
                                                  std::string_view entity_configuration,
                                                  EntityKind kind) {
    // The id is a hash field here but becomes part of `inmor:tm:{id}` later.
    if (auto checked = check_key_part("entity_id", entity_id); !checked) {
        return checked.error();
    }

    WriteBatch batch;
    const std::string id(entity_id);
    batch.hash_set(std::string(keys::kSubordinates), id, std::string(statement));
    batch.hash_set(std::string(keys::kSubordinateConfigurations), id,
                   std::string(entity_configuration));

    // Filed under exactly one kind, so a changed kind leaves no stale entry.
    for (const auto set : {keys::kRelyingParties, keys::kOpenidProviders, keys::kAuthorities}) {
        if (set == kind_set(kind)) {
            batch.set_add(std::string(set), id);
        } else {
            batch.set_remove(std::string(set), id);
        }
    }
    return store_.apply(batch);
}

Result<void> FederationStore::remove_subordinate(std::string_view entity_id) {
    if (auto checked = check_key_part("entity_id", entity_id); !checked) {
        return checked.error();
    }

    WriteBatch batch;
    const std::string id(entity_id);
    batch.hash_erase(std::string(keys::kSubordinates), id);
    batch.hash_erase(std::string(keys::kSubordinateConfigurations), id);
    for (const auto set : {keys::kRelyingParties, keys::kOpenidProviders, keys::kAuthorities}) {
        batch.set_remove(std::string(set), id);
    }
    return store_.apply(batch);
}

Result<void> FederationStore::publish_trust_mark(std::string_view entity_id,
                                                 std::string_view trust_mark_type,
                                                 std::string_view jwt) {
    if (auto checked = check_key_part("entity_id", entity_id); !checked) {
        return checked.error();
    }
    if (auto checked = check_key_part("trust_mark_type", trust_mark_type); !checked) {
        return checked.error();
    }

    WriteBatch batch;
    const std::string id(entity_id);
    const std::string type(trust_mark_type);
    batch.hash_set(keys::trust_marks_of(id), type, std::string(jwt));
    batch.set_add(keys::holders_of_type(type), id);
    batch.set_add(std::string(keys::kTrustMarkTypes), type);
    batch.set_add(std::string(keys::kTrustMarksEverIssued), sha256_hex(jwt));
    return store_.apply(batch);
}

Result<void> FederationStore::revoke_trust_mark(std::string_view entity_id,
                                                std::string_view trust_mark_type) {
    if (auto checked = check_key_part("entity_id", entity_id); !checked) {
        return checked.error();
    }
    if (auto checked = check_key_part("trust_mark_type", trust_mark_type); !checked) {
        return checked.error();
    }

    // The digest stays in `inmor:tm:alltime`: a revoked mark was still issued here.
    WriteBatch batch;
    const std::string id(entity_id);
    const std::string type(trust_mark_type);
    batch.hash_set(keys::trust_marks_of(id), type, std::string(keys::kRevokedMark));
    batch.set_remove(keys::holders_of_type(type), id);
    return store_.apply(batch);
}

// ---- Collection data ----------------------------------------------------------

Result<std::optional<std::string>> FederationStore::collection_entity(
    std::string_view entity_id) {
    return store_.hash_get(live(kEntities), entity_id);
}

Result<std::vector<std::optional<std::string>>> FederationStore::collection_entities(
    const std::vector<std::string>& entity_ids) {
    return store_.hash_get_many(live(kEntities), entity_ids);
}

Result<std::vector<std::string>> FederationStore::collection_entity_ids_after(
    std::string_view after, std::size_t limit) {
    return store_.sorted_range_after(live(kAllSorted), after, limit);
}

Result<std::size_t> FederationStore::collection_entity_count() {
    return store_.sorted_size(live(kAllSorted));
}

Result<std::vector<std::string>> FederationStore::collection_ids_of_type(
    std::string_view entity_type) {
    if (auto checked = check_key_part("entity_type", entity_type); !checked) {
        return checked.error();
    }
    return store_.set_members(keys::collection_of_type(entity_type));
}

Result<std::vector<std::string>> FederationStore::collection_ids_with_trust_mark(
    std::string_view trust_mark_type) {
    if (auto checked = check_key_part("trust_mark_type", trust_mark_type); !checked) {
        return checked.error();
    }
    return store_.set_members(keys::collection_with_trust_mark(trust_mark_type));
}

Result<std::vector<std::string>> FederationStore::collection_trust_mark_types() {
    return store_.set_members(live(kTrustMarkTypesIndex));
}

Result<std::optional<std::string>> FederationStore::collection_superiors(
    std::string_view entity_id) {
    return store_.hash_get(live(kSuperiors), entity_id);
}

Result<std::optional<std::string>> FederationStore::collection_trust_anchor() {
    return store_.get(live(kTrustAnchor));
}

Result<std::optional<std::int64_t>> FederationStore::collection_last_updated() {
    auto text = store_.get(live(kLastUpdated));
    if (!text) {
        return text.error();
    }
    if (!text->has_value()) {
        return std::optional<std::int64_t>{};
    }

    const std::string& digits = **text;
    std::int64_t seconds = 0;
    const auto [end, errc] = std::from_chars(digits.data(), digits.data() + digits.size(),
                                             seconds);
    if (errc != std::errc() || end != digits.data() + digits.size()) {
        return Error::server_error("collection last_updated is not a unix time",
                                   "value=" + digits.substr(0, 32));
    }
    return std::optional<std::int64_t>{seconds};
}

namespace {

Result<void> check_snapshot(const CollectionSnapshot& snapshot) {
    for (const auto& [type, ids] : snapshot.by_type) {
        if (auto checked = check_key_part("entity_type", type); !checked) {
            return checked.error();
        }
    }
    for (const auto& [type, ids] : snapshot.by_trust_mark) {
        if (auto checked = check_key_part("trust_mark_type", type); !checked) {
            return checked.error();
        }
    }
    return {};
}

// Every staging key is cleared before it is filled: a walk that stopped
// half-way may have left members behind.
WriteBatch staging_batch(const CollectionSnapshot& snapshot) {
    WriteBatch batch;
    batch.announce = false;
    for (const auto name : {kEntities, kSuperiors, kAllSorted, kTrustMarkTypesIndex,
                            kEntityTypesIndex}) {
        batch.erase(staging(name));
    }

    for (const auto& entity : snapshot.entities) {
        batch.hash_set(staging(kEntities), entity.entity_id, entity.json);
        batch.sorted_add(staging(kAllSorted), 0, entity.entity_id);
    }
    for (const auto& [entity_id, superiors] : snapshot.superiors) {
        batch.hash_set(staging(kSuperiors), entity_id, superiors);
    }
    for (const auto& [type, ids] : snapshot.by_type) {
        batch.erase(staging(concat(kByType, type)));
    }
    for (const auto& [type, ids] : snapshot.by_trust_mark) {
        batch.erase(staging(concat(kByTrustMark, type)));
    }

    for (const auto& [type, ids] : snapshot.by_type) {
        const std::string key = staging(concat(kByType, type));
        batch.set_add(staging(kEntityTypesIndex), type);
        for (const auto& id : ids) batch.set_add(key, id);
    }
    for (const auto& [type, ids] : snapshot.by_trust_mark) {
        const std::string key = staging(concat(kByTrustMark, type));
        batch.set_add(staging(kTrustMarkTypesIndex), type);
        for (const auto& id : ids) batch.set_add(key, id);
    }

    batch.set(staging(kTrustAnchor), snapshot.trust_anchor);
    batch.set(staging(kLastUpdated), std::to_string(snapshot.last_updated));
    return batch;
}

// Renames every staging key over its live key, and deletes live per-type
// sets of types this walk no longer found.
WriteBatch swap_batch(const CollectionSnapshot& snapshot,
                      const std::vector<std::string>& live_entity_types,
                      const std::vector<std::string>& live_trust_mark_types) {
    WriteBatch batch;
    for (const auto name : {kEntities, kSuperiors, kAllSorted, kTrustMarkTypesIndex,
                            kEntityTypesIndex, kTrustAnchor, kLastUpdated}) {
        batch.rename(staging(name), live(name));
    }

    std::set<std::string, std::less<>> entity_types;
    for (const auto& [type, ids] : snapshot.by_type) {
        batch.rename(staging(concat(kByType, type)), live(concat(kByType, type)));
        entity_types.insert(type);
    }
    std::set<std::string, std::less<>> stale_entity_types(live_entity_types.begin(),
                                                          live_entity_types.end());
    stale_entity_types.insert(kKnownEntityTypes.begin(), kKnownEntityTypes.end());
    for (const auto& type : stale_entity_types) {
        if (!entity_types.contains(type)) batch.erase(live(concat(kByType, type)));
    }

    std::set<std::string, std::less<>> trust_mark_types;
    for (const auto& [type, ids] : snapshot.by_trust_mark) {
        batch.rename(staging(concat(kByTrustMark, type)), live(concat(kByTrustMark, type)));
        trust_mark_types.insert(type);
    }
    for (const auto& type : live_trust_mark_types) {
        if (!trust_mark_types.contains(type)) batch.erase(live(concat(kByTrustMark, type)));
    }
    return batch;
}

}  // namespace

// A lock owner's token: random, so a walk only ever releases its own lock.
std::string FederationStore::collection_lock_token() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    return sha256_hex(std::string_view(reinterpret_cast<const char*>(bytes.data()),
                                       bytes.size()));
}

Result<void> FederationStore::replace_collection(const CollectionSnapshot& snapshot) {
    if (auto checked = check_snapshot(snapshot); !checked) {
        return checked.error();
    }

    // Two walks publishing at once would share the staging keys and mix
    // their data, so a second one fails until the first has swapped.
    const std::string token = collection_lock_token();
    auto locked = store_.set_if_absent(keys::kCollectionLock, token, kCollectionLockLifetime);
    if (!locked) {
        return locked.error();
    }
    if (!*locked) {
        return Error::unavailable(
            "collection: another walk is being published; retry when it is done");
    }

    auto replaced = stage_and_swap(snapshot);
    release_collection_lock(token);
    if (!replaced) {
        return replaced.error();
    }
    log()->info("collection replaced trust_anchor={} entities={} entity_types={} "
                "trust_mark_types={}",
                snapshot.trust_anchor, snapshot.entities.size(), snapshot.by_type.size(),
                snapshot.by_trust_mark.size());
    return {};
}

Result<void> FederationStore::stage_and_swap(const CollectionSnapshot& snapshot) {
    if (auto written = store_.apply(staging_batch(snapshot)); !written) {
        return written.error();
    }

    // The live type indexes name the per-type sets the swap must remove.
    auto live_entity_types = store_.set_members(live(kEntityTypesIndex));
    if (!live_entity_types) {
        return live_entity_types.error();
    }
    auto live_trust_mark_types = store_.set_members(live(kTrustMarkTypesIndex));
    if (!live_trust_mark_types) {
        return live_trust_mark_types.error();
    }

    return store_.apply(swap_batch(snapshot, *live_entity_types, *live_trust_mark_types));
}

// NOTE: reading the owner and deleting are two calls, so a lock that expired
// in between and was taken by another walk could be deleted. The lifetime is
// far longer than a swap takes, which makes that window unlikely.
void FederationStore::release_collection_lock(const std::string& token) {
    auto owner = store_.get(keys::kCollectionLock);
    if (owner && owner->value_or("") != token) {
        log()->warn("collection lock expired before release key={}", keys::kCollectionLock);
        return;
    }

    WriteBatch batch;
    batch.announce = false;
    batch.erase(std::string(keys::kCollectionLock));
    if (auto released = store_.apply(batch); !released) {
        // The lock lapses with its lifetime; until then other walks fail.
        log()->warn("collection lock release failed key={} detail={}", keys::kCollectionLock,
                    released.error().detail());
    }
}

// ---- Caches -------------------------------------------------------------------

Result<std::optional<std::string>> FederationStore::cached_jwks(std::string_view uri) {
    return store_.get(keys::jwks_cache(uri));
}

Result<void> FederationStore::cache_jwks(std::string_view uri, std::string_view body) {
    // A cache entry: replicas find it by key, so no listener needs an announcement.
    WriteBatch batch;
    batch.announce = false;
    batch.set(keys::jwks_cache(uri), std::string(body), kJwksCacheLifetime);
    return store_.apply(batch);
}

}  // namespace inmor::storage
