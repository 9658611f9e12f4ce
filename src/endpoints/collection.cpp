// GET /collection: the Entity Collection endpoint over the data of the last
// collection walk, with opaque cursor pagination.
#include "endpoints/endpoints.h"

#include "common/base64url.h"
#include "common/json.h"
#include "http/error_response.h"
#include "http/params.h"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

namespace inmor::endpoints {
namespace {

/// Largest page served, also the page size when `limit` is absent.
constexpr std::size_t kMaxPageSize = 500;

const std::set<std::string, std::less<>> kEntityClaims = {"entity_id", "entity_types",
                                                          "ui_infos", "trust_marks"};

struct CollectionQuery {
    std::optional<std::string> from;
    std::size_t limit = kMaxPageSize;
    std::vector<std::string> entity_types;
    std::vector<std::string> trust_mark_types;
    std::string trust_anchor;
    std::optional<std::string> query;  // lowercase
    std::vector<std::string> entity_claims;
    std::vector<std::string> ui_claims;
};

Result<std::size_t> read_limit(const http::Params& params) {
    auto limit = params.optional("limit");
    if (!limit) return limit.error();
    if (!limit->has_value()) return kMaxPageSize;

    const std::string& text = **limit;
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc::result_out_of_range) return kMaxPageSize;
    if (error != std::errc{} || end != text.data() + text.size() || value == 0) {
        return Error::invalid_request("limit: must be a positive integer");
    }
    return std::min(value, kMaxPageSize);
}

Result<CollectionQuery> read_query(const http::Params& params, const Config& config) {
    CollectionQuery query;
    auto from = params.optional("from");
    if (!from) return from.error();
    query.from = std::move(*from);
    auto limit = read_limit(params);
    if (!limit) return limit.error();
    query.limit = *limit;

    for (auto [name, out] : {std::pair{"entity_type", &query.entity_types},
                             std::pair{"trust_mark_type", &query.trust_mark_types},
                             std::pair{"entity_claims", &query.entity_claims},
                             std::pair{"ui_claims", &query.ui_claims}}) {
        auto values = params.all(name);
        if (!values) return values.error();
        *out = std::move(*values);
    }
    for (const auto& claim : query.entity_claims) {
        if (!kEntityClaims.contains(claim)) {
            return Error(ErrorCode::kUnsupportedClaim,
                         "entity_claims: unsupported claim " + claim);
        }
    }

    auto anchor = params.optional("trust_anchor");
    if (!anchor) return anchor.error();
    query.trust_anchor = anchor->value_or(config.domain);

    auto text = params.optional("query");
    if (!text) return text.error();
    if (*text) {
        std::string lower = **text;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        query.query = std::move(lower);
    }
    return query;
}

bool matches(const CollectionView& view, const CollectionView::Entity& entity,
             const CollectionQuery& query) {
    if (!query.entity_types.empty()) {
        const bool any = std::any_of(
            query.entity_types.begin(), query.entity_types.end(), [&](const std::string& type) {
                const auto ids = view.by_type.find(type);
                return ids != view.by_type.end() && ids->second.contains(entity.entity_id);
            });
        if (!any) return false;
    }
    for (const auto& type : query.trust_mark_types) {
        const auto ids = view.by_trust_mark.find(type);
        if (ids == view.by_trust_mark.end() || !ids->second.contains(entity.entity_id)) {
            return false;
        }
    }
    return !query.query || entity.search_text.find(*query.query) != std::string::npos;
}

bool wanted(const std::vector<std::string>& requested, std::string_view name) {
    return requested.empty() ||
           std::find(requested.begin(), requested.end(), name) != requested.end();
}

/// `ui_infos` narrowed to requested entity types (plus federation_entity)
/// and requested ui claims.
boost::json::object narrow_ui_infos(const boost::json::object& ui_infos,
                                    const CollectionQuery& query) {
    boost::json::object narrowed;
    for (const auto& [type, ui] : ui_infos) {
        if (!query.entity_types.empty() && type != "federation_entity" &&
            !wanted(query.entity_types, type)) {
            continue;
        }
        if (!ui.is_object()) continue;
        boost::json::object kept;
        for (const auto& [name, value] : ui.as_object()) {
            if (wanted(query.ui_claims, name)) kept[name] = value;
        }
        if (!kept.empty()) narrowed[type] = std::move(kept);
    }
    return narrowed;
}

boost::json::object entity_info(const CollectionView::Entity& entity,
                                const CollectionQuery& query) {
    boost::json::object out;
    out["entity_id"] = entity.entity_id;
    for (const auto& [name, value] : entity.info) {
        if (name == "entity_id" || !wanted(query.entity_claims, name)) continue;
        if (name == "ui_infos" && value.is_object()) {
            auto narrowed = narrow_ui_infos(value.as_object(), query);
            if (!narrowed.empty()) out["ui_infos"] = std::move(narrowed);
            continue;
        }
        out[name] = value;
    }
    return out;
}

/// Index of the first entity after the cursor; page_not_found when the
/// cursor does not name an entity of the current collection.
Result<std::size_t> start_position(const CollectionView& view, const CollectionQuery& query) {
    if (!query.from) return std::size_t{0};
    auto entity_id = base64url_decode(*query.from);
    if (entity_id) {
        const auto found = view.position.find(*entity_id);
        if (found != view.position.end()) return found->second + 1;
    }
    return Error(ErrorCode::kPageNotFound, "from: unknown or expired cursor");
}

}  // namespace

http::Response handle_collection(const EndpointContext& context, const http::Request& request) {
    auto query = read_query(http::Params::parse(request.query), *context.config);
    if (!query) return http::error_response(query.error());

    auto loaded = context.data->collection();
    if (!loaded) return http::error_response(loaded.error());
    const CollectionView& view = ***loaded;

    if (query->trust_anchor != context.config->domain &&
        query->trust_anchor != view.trust_anchor) {
        return http::error_response(Error(ErrorCode::kInvalidTrustAnchor,
                                          "trust_anchor: no collection for this trust anchor"));
    }
    auto position = start_position(view, *query);
    if (!position) return http::error_response(position.error());

    boost::json::array entities;
    std::optional<std::string> next;
    for (std::size_t i = *position; i < view.entities.size(); ++i) {
        const auto& entity = view.entities[i];
        if (!matches(view, entity, *query)) continue;
        if (entities.size() == query->limit) {
            next = base64url_encode(view.entities[i - 1].entity_id);
            break;
        }
        entities.push_back(entity_info(entity, *query));
    }

    boost::json::object body;
    body["entities"] = std::move(entities);
    if (next) body["next"] = *next;
    if (view.last_updated) body["last_updated"] = *view.last_updated;
    return http::json_response(to_json(body));
}

}  // namespace inmor::endpoints
