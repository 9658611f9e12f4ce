// FederationStore: the federation data layout (key names and value formats
// of the original deployment's Redis data) as named operations over a
// KeyValueStore. The admin and the collection walk write through it; the
// federation server reads through it.
#pragma once

#include "storage/key_value_store.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inmor::storage {

/// Key names, exactly as published data is laid out in Redis.
namespace keys {
inline constexpr std::string_view kEntityConfiguration = "inmor:entity_id";
inline constexpr std::string_view kHistoricalKeys = "inmor:historical_keys";
inline constexpr std::string_view kSubordinates = "inmor:subordinates";
inline constexpr std::string_view kSubordinateConfigurations = "inmor:subordinates:jwt";
inline constexpr std::string_view kRelyingParties = "inmor:rp";
inline constexpr std::string_view kOpenidProviders = "inmor:op";
inline constexpr std::string_view kAuthorities = "inmor:taia";
inline constexpr std::string_view kTrustMarkTypes = "inmor:tmtypes";
inline constexpr std::string_view kTrustMarksEverIssued = "inmor:tm:alltime";
inline constexpr std::string_view kChangesChannel = "inmor:changes";
inline constexpr std::string_view kCollectionPrefix = "inmor:collection:";
inline constexpr std::string_view kCollectionStagingPrefix = "inmor:collection:staging:";
inline constexpr std::string_view kResolvePrefix = "inmor:resolve:";

/// The literal stored in place of a revoked trust mark.
inline constexpr std::string_view kRevokedMark = "revoked";

std::string trust_marks_of(std::string_view entity_id);       // inmor:tm:{entity_id}
std::string holders_of_type(std::string_view trust_mark_type);  // inmor:tmtype:{type}
std::string jwks_cache(std::string_view uri);                   // inmor:jwks_cache:{sha256hex}
/// inmor:collection:by_type:{type}
std::string collection_of_type(std::string_view entity_type);
/// inmor:collection:by_trustmark:{type}
std::string collection_with_trust_mark(std::string_view trust_mark_type);
/// The member of `inmor:tm:alltime` for a trust mark: lowercase hex SHA-256
/// of the exact JWT string.
std::string trust_mark_digest(std::string_view trust_mark_jwt);
/// This product's own index of the entity types that have a
/// `by_type:{type}` set, so a collection swap can delete the ones that
/// disappeared without scanning keys.
inline constexpr std::string_view kCollectionEntityTypes = "inmor:collection:entity_types";
}  // namespace keys

/// How a subordinate is filed in the legacy kind sets.
enum class EntityKind { kRelyingParty, kOpenidProvider, kAuthority };

/// One entity of the collection data, as JSON text
/// `{entity_id, entity_types, ui_infos?, trust_marks?}`.
struct CollectionEntity {
    std::string entity_id;
    std::string json;
};

/// A finished collection walk, written to staging keys and swapped in at once.
struct CollectionSnapshot {
    std::string trust_anchor;
    std::int64_t last_updated = 0;
    std::vector<CollectionEntity> entities;
    /// entity id -> JSON array of superiors it was found under.
    std::vector<std::pair<std::string, std::string>> superiors;
    /// entity type -> entity ids.
    std::vector<std::pair<std::string, std::vector<std::string>>> by_type;
    /// trust mark type -> entity ids holding a verified mark of it.
    std::vector<std::pair<std::string, std::vector<std::string>>> by_trust_mark;
};

class FederationStore {
public:
    explicit FederationStore(KeyValueStore& store) : store_(store) {}

    KeyValueStore& key_value_store() { return store_; }

    // Published by the admin, read by the federation server.
    Result<std::optional<std::string>> entity_configuration();
    Result<std::optional<std::string>> historical_keys();
    Result<std::optional<std::string>> subordinate_statement(std::string_view entity_id);
    Result<std::optional<std::string>> subordinate_configuration(std::string_view entity_id);
    Result<std::vector<std::string>> subordinate_ids();
    Result<FieldValues> subordinate_configurations();
    Result<std::size_t> subordinate_count();

    /// The stored mark, `kRevokedMark`, or nothing.
    Result<std::optional<std::string>> trust_mark(std::string_view entity_id,
                                                  std::string_view trust_mark_type);
    Result<std::vector<std::string>> trust_mark_holders(std::string_view trust_mark_type);
    Result<std::vector<std::string>> trust_mark_types();
    /// True when the exact JWT was ever issued here (`inmor:tm:alltime`).
    Result<bool> trust_mark_ever_issued(std::string_view trust_mark_jwt);
    Result<std::size_t> trust_marks_ever_issued_count();

    Result<void> publish_entity_configuration(std::string_view jwt);
    Result<void> publish_historical_keys(std::string_view jwt);
    Result<void> publish_subordinate(std::string_view entity_id, std::string_view statement,
                                     std::string_view entity_configuration, EntityKind kind);
    Result<void> remove_subordinate(std::string_view entity_id);
    Result<void> publish_trust_mark(std::string_view entity_id, std::string_view trust_mark_type,
                                    std::string_view jwt);
    Result<void> revoke_trust_mark(std::string_view entity_id, std::string_view trust_mark_type);

    // Collection data, written by the walk, read by /collection and /status.
    Result<std::optional<std::string>> collection_entity(std::string_view entity_id);
    /// The JSON of each entity in `entity_ids`, in the same order (nothing
    /// for ids not in the collection), read in one round trip.
    Result<std::vector<std::optional<std::string>>> collection_entities(
        const std::vector<std::string>& entity_ids);
    Result<std::vector<std::string>> collection_entity_ids_after(std::string_view after,
                                                                 std::size_t limit);
    Result<std::size_t> collection_entity_count();
    Result<std::vector<std::string>> collection_ids_of_type(std::string_view entity_type);
    Result<std::vector<std::string>> collection_ids_with_trust_mark(
        std::string_view trust_mark_type);
    Result<std::vector<std::string>> collection_trust_mark_types();
    Result<std::optional<std::string>> collection_superiors(std::string_view entity_id);
    Result<std::optional<std::string>> collection_trust_anchor();
    Result<std::optional<std::int64_t>> collection_last_updated();
    Result<void> replace_collection(const CollectionSnapshot& snapshot);

    // Caches shared by server replicas.
    Result<std::optional<std::string>> cached_jwks(std::string_view uri);
    Result<void> cache_jwks(std::string_view uri, std::string_view body);

private:
    KeyValueStore& store_;
};

}  // namespace inmor::storage
