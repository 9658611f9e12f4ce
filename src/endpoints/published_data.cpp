// Cached reads of the federation data layout.
#include "endpoints/published_data.h"

#include "common/json.h"
#include "common/logging.h"
#include "federation/jwt_payload.h"

#include <algorithm>
#include <cctype>

namespace inmor::endpoints {
namespace {

namespace keys = storage::keys;
namespace fed = inmor::federation;

std::string collection_key(std::string_view suffix) {
    return std::string(keys::kCollectionPrefix) + std::string(suffix);
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// The entity id and every ui info name, lowercase, for `query`.
std::string search_text_of(std::string_view entity_id, const boost::json::object& info) {
    std::string text = lowercase(entity_id);
    const auto* ui_infos = info.if_contains("ui_infos");
    if (!ui_infos || !ui_infos->is_object()) return text;
    for (const auto& [type, ui] : ui_infos->as_object()) {
        if (!ui.is_object()) continue;
        for (const auto& [name, value] : ui.as_object()) {
            if (!value.is_string()) continue;
            if (name.starts_with("display_name") || name.starts_with("organization_name") ||
                name.starts_with("client_name")) {
                text += '\n';
                text += lowercase(value.as_string());
            }
        }
    }
    return text;
}

}  // namespace

StoredJwt stored_jwt(std::string jwt) {
    StoredJwt stored{std::move(jwt), std::nullopt};
    if (auto claims = fed::decode_unverified_payload(stored.jwt)) {
        if (auto exp = fed::numeric_date(*claims, "exp")) stored.exp = *exp;
    }
    return stored;
}

SubordinateProfile profile_of(std::string_view entity_configuration) {
    SubordinateProfile profile;
    auto claims = fed::decode_unverified_payload(entity_configuration);
    if (!claims) return profile;
    const auto* metadata = claims->if_contains("metadata");
    if (!metadata || !metadata->is_object()) return profile;

    for (const auto& [type, value] : metadata->as_object()) {
        profile.entity_types.emplace(type);
    }
    // An intermediate publishes where its own subordinates can be fetched.
    if (const auto* federation_entity = metadata->as_object().if_contains("federation_entity");
        federation_entity && federation_entity->is_object()) {
        const auto& endpoints = federation_entity->as_object();
        profile.intermediate = endpoints.contains("federation_fetch_endpoint") ||
                               endpoints.contains("federation_list_endpoint");
    }
    return profile;
}

Result<std::shared_ptr<const MaybeJwt>> PublishedData::cached_string(std::string_view key) {
    return cache_.get<MaybeJwt>(key, "", [&]() -> Result<MaybeJwt> {
        auto value = store_.get(key);
        if (!value) return value.error();
        if (!value->has_value()) return MaybeJwt();
        return MaybeJwt(stored_jwt(std::move(**value)));
    });
}

Result<std::shared_ptr<const MaybeJwt>> PublishedData::entity_configuration() {
    return cached_string(keys::kEntityConfiguration);
}

Result<std::shared_ptr<const MaybeJwt>> PublishedData::historical_keys() {
    return cached_string(keys::kHistoricalKeys);
}

Result<std::shared_ptr<const MaybeJwt>> PublishedData::subordinate_statement(
    std::string_view entity_id) {
    return cache_.get<MaybeJwt>(keys::kSubordinates, entity_id, [&]() -> Result<MaybeJwt> {
        auto value = store_.hash_get(keys::kSubordinates, entity_id);
        if (!value) return value.error();
        if (!value->has_value()) return MaybeJwt();
        return MaybeJwt(stored_jwt(std::move(**value)));
    });
}

Result<std::shared_ptr<const std::vector<std::string>>> PublishedData::subordinate_ids() {
    using Ids = std::vector<std::string>;
    return cache_.get<Ids>(keys::kSubordinates, "\n:fields", [&]() -> Result<Ids> {
        auto ids = store_.hash_fields(keys::kSubordinates);
        if (!ids) return ids.error();
        std::sort(ids->begin(), ids->end());
        return std::move(*ids);
    });
}

Result<std::shared_ptr<const SubordinateProfiles>> PublishedData::subordinate_profiles() {
    return cache_.get<SubordinateProfiles>(
        keys::kSubordinateConfigurations, "", [&]() -> Result<SubordinateProfiles> {
            auto all = store_.hash_get_all(keys::kSubordinateConfigurations);
            if (!all) return all.error();
            SubordinateProfiles profiles;
            for (const auto& [entity_id, configuration] : *all) {
                profiles.emplace(entity_id, profile_of(configuration));
            }
            return profiles;
        });
}

Result<std::shared_ptr<const IssuedTrustMarks>> PublishedData::trust_marks_of(
    std::string_view entity_id) {
    const std::string key = keys::trust_marks_of(entity_id);
    return cache_.get<IssuedTrustMarks>(key, "", [&]() -> Result<IssuedTrustMarks> {
        auto all = store_.hash_get_all(key);
        if (!all) return all.error();
        IssuedTrustMarks marks;
        for (auto& [type, value] : *all) {
            if (value == keys::kRevokedMark) {
                marks[type] = IssuedTrustMark{true, {}};
            } else {
                marks[type] = IssuedTrustMark{false, stored_jwt(std::move(value))};
            }
        }
        return marks;
    });
}

Result<std::shared_ptr<const std::vector<std::string>>> PublishedData::trust_mark_holders(
    std::string_view trust_mark_type) {
    using Ids = std::vector<std::string>;
    const std::string key = keys::holders_of_type(trust_mark_type);
    return cache_.get<Ids>(key, "", [&]() -> Result<Ids> {
        auto members = store_.set_members(key);
        if (!members) return members.error();
        std::sort(members->begin(), members->end());
        return std::move(*members);
    });
}

Result<std::shared_ptr<const std::vector<std::string>>> PublishedData::trust_mark_types() {
    using Types = std::vector<std::string>;
    return cache_.get<Types>(keys::kTrustMarkTypes, "", [&]() -> Result<Types> {
        auto members = store_.set_members(keys::kTrustMarkTypes);
        if (!members) return members.error();
        std::sort(members->begin(), members->end());
        return std::move(*members);
    });
}

Result<bool> PublishedData::trust_mark_ever_issued(std::string_view digest) {
    auto found = cache_.get<bool>(keys::kTrustMarksEverIssued, digest, [&]() -> Result<bool> {
        return store_.set_contains(keys::kTrustMarksEverIssued, digest);
    });
    if (!found) return found.error();
    return **found;
}

Result<std::size_t> PublishedData::trust_marks_ever_issued_count() {
    auto count = cache_.get<std::size_t>(keys::kTrustMarksEverIssued, "\n:size",
                                         [&]() { return store_.set_size(keys::kTrustMarksEverIssued); });
    if (!count) return count.error();
    return **count;
}

Result<std::optional<StoredJwt>> PublishedData::active_trust_mark(
    std::string_view entity_id, std::string_view trust_mark_type) {
    auto marks = trust_marks_of(entity_id);
    if (!marks) return marks.error();

    const auto found = (*marks)->find(std::string(trust_mark_type));
    if (found == (*marks)->end() || found->second.revoked) return std::optional<StoredJwt>();
    const StoredJwt& mark = found->second.mark;
    if (mark.exp && *mark.exp <= clock_.now()) return std::optional<StoredJwt>();
    return std::optional<StoredJwt>(mark);
}

Result<std::shared_ptr<const std::shared_ptr<const CollectionView>>> PublishedData::collection() {
    using View = std::shared_ptr<const CollectionView>;
    return cache_.get<View>(StoreCache::kCollectionGroup, "view", [&]() -> Result<View> {
        // Walks rewrite last_updated; an unchanged one means the data did not
        // change unannounced, so the decoded view is kept.
        auto last_updated = store_.get(collection_key("last_updated"));
        if (!last_updated) return last_updated.error();
        {
            std::lock_guard lock(collection_mutex_);
            if (last_collection_ && last_updated->has_value() &&
                last_collection_->last_updated &&
                std::to_string(*last_collection_->last_updated) == **last_updated) {
                return last_collection_;
            }
        }
        auto view = load_collection();
        if (!view) return view.error();
        std::lock_guard lock(collection_mutex_);
        last_collection_ = *view;
        return std::move(*view);
    });
}

Result<std::shared_ptr<const CollectionView>> PublishedData::load_collection() {
    auto view = std::make_shared<CollectionView>();

    auto entities = store_.hash_get_all(collection_key("entities"));
    if (!entities) return entities.error();
    std::unordered_map<std::string, std::string> json_by_id(entities->begin(), entities->end());

    // Order comes from the sorted set; entities missing from it go last.
    std::vector<std::string> order;
    for (std::string after;;) {
        auto page = store_.sorted_range_after(collection_key("all_sorted"), after, 1000);
        if (!page) return page.error();
        if (page->empty()) break;
        after = page->back();
        order.insert(order.end(), page->begin(), page->end());
    }
    std::sort(order.begin(), order.end());
    std::vector<std::string> unordered;
    for (const auto& [id, json] : json_by_id) {
        if (!std::binary_search(order.begin(), order.end(), id)) unordered.push_back(id);
    }
    std::sort(unordered.begin(), unordered.end());
    order.insert(order.end(), unordered.begin(), unordered.end());

    std::set<std::string> types;
    for (const auto& id : order) {
        const auto json = json_by_id.find(id);
        if (json == json_by_id.end()) continue;
        auto info = parse_json_object(json->second, "collection entity");
        if (!info) {
            logger("http")->warn("collection entity skipped entity_id={} error={}", id,
                                 info.error().message());
            continue;
        }
        if (const auto* listed = info->if_contains("entity_types"); listed && listed->is_array()) {
            for (const auto& type : listed->as_array()) {
                if (type.is_string()) types.emplace(type.as_string());
            }
        }
        view->position[id] = view->entities.size();
        std::string search = search_text_of(id, *info);
        view->entities.push_back({id, std::move(*info), std::move(search)});
    }

    for (const auto& type : types) {
        auto ids = store_.set_members(collection_key("by_type:" + type));
        if (!ids) return ids.error();
        view->by_type[type] = std::unordered_set<std::string>(ids->begin(), ids->end());
    }
    auto mark_types = store_.set_members(collection_key("trustmark_types"));
    if (!mark_types) return mark_types.error();
    for (const auto& type : *mark_types) {
        auto ids = store_.set_members(collection_key("by_trustmark:" + type));
        if (!ids) return ids.error();
        view->by_trust_mark[type] = std::unordered_set<std::string>(ids->begin(), ids->end());
    }

    auto anchor = store_.get(collection_key("trust_anchor"));
    if (!anchor) return anchor.error();
    if (anchor->has_value()) view->trust_anchor = **anchor;
    auto updated = store_.get(collection_key("last_updated"));
    if (!updated) return updated.error();
    if (updated->has_value()) {
        try {
            view->last_updated = std::stoll(**updated);
        } catch (const std::exception&) {
            logger("http")->warn("collection last_updated is not a number value={}", **updated);
        }
    }

    // Intermediates are the superiors entities were found under, other
    // than the anchor the walk started from.
    auto superiors = store_.hash_get_all(collection_key("superiors"));
    if (!superiors) return superiors.error();
    std::set<std::string> intermediates;
    for (const auto& [id, json] : *superiors) {
        auto list = parse_json(json, "collection superiors");
        if (!list || !list->is_array()) continue;
        for (const auto& superior : list->as_array()) {
            if (superior.is_string() && superior.as_string() != view->trust_anchor) {
                intermediates.emplace(superior.as_string());
            }
        }
    }
    view->intermediates = intermediates.size();
    return std::shared_ptr<const CollectionView>(std::move(view));
}

}  // namespace inmor::endpoints
