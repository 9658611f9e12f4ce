// /collection: the collection walk's entities, with their superiors, for
// the web UI's list and tree picture.
#include "admin/api/admin_routes.h"
#include "admin/api/request_input.h"
#include "common/json.h"
#include "storage/federation_store.h"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cctype>

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

/// Largest number of entity ids one request reads from the store.
// NOTE: this route cuts a larger collection at this many entities, in id
// order. The federation server's /collection pages through any size with its
// cursor.
constexpr std::size_t kMaxCollectionIds = 200000;
/// Entities read from the store per round trip while matching `query`.
constexpr std::size_t kQueryBatch = 500;

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

// Entity ids in byte order, all of them or those of one entity type.
Result<std::vector<std::string>> candidate_ids(storage::FederationStore& store,
                                               const std::optional<std::string>& entity_type) {
    if (entity_type) return store.collection_ids_of_type(*entity_type);
    return store.collection_entity_ids_after("", kMaxCollectionIds);
}

// Keeps the ids whose entity id or entity JSON (display names, organization
// names, descriptions inside ui_infos) contains `query`, ignoring case.
Result<std::vector<std::string>> matching_ids(storage::FederationStore& store,
                                              const std::vector<std::string>& ids,
                                              const std::string& query) {
    const std::string needle = lowercase(query);
    std::vector<std::string> matched;
    for (std::size_t start = 0; start < ids.size(); start += kQueryBatch) {
        const std::vector<std::string> batch(
            ids.begin() + static_cast<std::ptrdiff_t>(start),
            ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), start + kQueryBatch)));
        auto entities = store.collection_entities(batch);
        if (!entities) return entities.error();
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const bool hit = lowercase(batch[i]).find(needle) != std::string::npos ||
                             ((*entities)[i] &&
                              lowercase(*(*entities)[i]).find(needle) != std::string::npos);
            if (hit) matched.push_back(batch[i]);
        }
    }
    return matched;
}

json::value entity_json(const std::string& entity_id, const std::optional<std::string>& stored,
                        const std::optional<std::string>& superiors) {
    json::object entity{{"entity_id", entity_id}, {"entity_types", json::array{}}};
    if (stored) {
        if (auto parsed = parse_json_object(*stored, "collection entity")) entity = *parsed;
    }
    entity["superiors"] = json::array{};
    if (superiors) {
        if (auto parsed = parse_json(*superiors, "collection superiors");
            parsed && parsed->is_array()) {
            entity["superiors"] = std::move(*parsed);
        }
    }
    return entity;
}

http::Response list(const AdminServices& services, const ApiCall& call) {
    auto page = page_request(call.request);
    if (!page) return api_error_response(page.error());
    auto entity_type = query_parameter(call.request, "entity_type");
    if (!entity_type) return api_error_response(entity_type.error());
    auto query = query_parameter(call.request, "query");
    if (!query) return api_error_response(query.error());

    storage::FederationStore& store = services.store;
    auto ids = candidate_ids(store, *entity_type);
    if (!ids) return api_error_response(api_error_from(ids.error()));
    if (*query) {
        auto matched = matching_ids(store, *ids, **query);
        if (!matched) return api_error_response(api_error_from(matched.error()));
        *ids = std::move(*matched);
    }

    const auto total = static_cast<std::int64_t>(ids->size());
    const auto first = static_cast<std::size_t>(std::min(page->offset, total));
    const auto last = static_cast<std::size_t>(std::min<std::int64_t>(
        static_cast<std::int64_t>(first) + page->limit, total));
    const std::vector<std::string> shown(ids->begin() + static_cast<std::ptrdiff_t>(first),
                                         ids->begin() + static_cast<std::ptrdiff_t>(last));
    auto entities = store.collection_entities(shown);
    if (!entities) return api_error_response(api_error_from(entities.error()));
    auto superiors = store.key_value_store().hash_get_many(
        std::string(storage::keys::kCollectionPrefix) + "superiors", shown);
    if (!superiors) return api_error_response(api_error_from(superiors.error()));

    json::array items;
    for (std::size_t i = 0; i < shown.size(); ++i) {
        items.push_back(entity_json(shown[i], (*entities)[i], (*superiors)[i]));
    }
    auto anchor = store.collection_trust_anchor();
    if (!anchor) return api_error_response(api_error_from(anchor.error()));
    auto last_updated = store.collection_last_updated();
    if (!last_updated) return api_error_response(api_error_from(last_updated.error()));

    json::object body{{"count", total}, {"items", std::move(items)}};
    body["last_updated"] = *last_updated ? json::value(**last_updated) : json::value(nullptr);
    body["trust_anchor"] = *anchor ? json::value(**anchor) : json::value(nullptr);
    return api_json_response(body);
}

}  // namespace

std::vector<ApiRoute> collection_routes(const AdminServices& services) {
    return {
        {"GET", "/collection",
         [services](const ApiCall& call) { return list(services, call); },
         "Entities of the last collection walk with their superiors: {count, items, "
         "last_updated, trust_anchor}; filters entity_type and query (substring of the entity "
         "id or its UI names); paging with limit and offset"},
    };
}

}  // namespace inmor::admin::api
