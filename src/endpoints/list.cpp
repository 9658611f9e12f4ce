// GET /list: the immediate subordinates, filtered by what their own entity
// configurations and the trust marks issued here contain.
#include "endpoints/endpoints.h"

#include "common/json.h"
#include "http/error_response.h"
#include "http/params.h"

#include <boost/json/array.hpp>

namespace inmor::endpoints {
namespace {

struct ListFilters {
    std::vector<std::string> entity_types;
    bool trust_marked = false;
    std::optional<std::string> trust_mark_type;
    std::optional<bool> intermediate;
};

Result<ListFilters> read_filters(const http::Params& params) {
    ListFilters filters;
    auto types = params.all("entity_type");
    if (!types) return types.error();
    filters.entity_types = std::move(*types);

    auto trust_marked = params.boolean("trust_marked");
    if (!trust_marked) return trust_marked.error();
    filters.trust_marked = trust_marked->value_or(false);

    auto trust_mark_type = params.optional("trust_mark_type");
    if (!trust_mark_type) return trust_mark_type.error();
    filters.trust_mark_type = std::move(*trust_mark_type);

    auto intermediate = params.boolean("intermediate");
    if (!intermediate) return intermediate.error();
    // intermediate=false lists leaf entities; trust_marked=false filters nothing.
    filters.intermediate = *intermediate;
    return filters;
}

/// Whether `entity_id` has an active mark issued here (of `type` when given).
Result<bool> holds_active_mark(PublishedData& data, const std::string& entity_id,
                               const std::optional<std::string>& type) {
    auto marks = data.trust_marks_of(entity_id);
    if (!marks) return marks.error();
    const UnixSeconds now = data.clock().now();
    for (const auto& [mark_type, mark] : **marks) {
        if (type && mark_type != *type) continue;
        if (mark.revoked || (mark.mark.exp && *mark.mark.exp <= now)) continue;
        return true;
    }
    return false;
}

Result<bool> matches(PublishedData& data, const ListFilters& filters,
                     const SubordinateProfiles& profiles, const std::string& entity_id) {
    const bool needs_profile = !filters.entity_types.empty() || filters.intermediate.has_value();
    if (needs_profile) {
        const auto profile = profiles.find(entity_id);
        if (profile == profiles.end()) return false;
        if (filters.intermediate && profile->second.intermediate != *filters.intermediate) {
            return false;
        }
        if (!filters.entity_types.empty()) {
            const bool any = std::any_of(
                filters.entity_types.begin(), filters.entity_types.end(),
                [&](const std::string& type) { return profile->second.entity_types.contains(type); });
            if (!any) return false;
        }
    }
    if (filters.trust_marked || filters.trust_mark_type) {
        return holds_active_mark(data, entity_id, filters.trust_mark_type);
    }
    return true;
}

}  // namespace

http::Response handle_list(const EndpointContext& context, const http::Request& request) {
    auto filters = read_filters(http::Params::parse(request.query));
    if (!filters) return http::error_response(filters.error());

    // Without filters the body is the same for every request, so it is cached whole.
    const bool unfiltered = filters->entity_types.empty() && !filters->trust_marked &&
                            !filters->trust_mark_type && !filters->intermediate;
    if (unfiltered) {
        auto body = context.data->subordinate_list_json();
        if (!body) return http::error_response(body.error());
        return http::json_response(**body);
    }

    auto ids = context.data->subordinate_ids();
    if (!ids) return http::error_response(ids.error());
    auto profiles = context.data->subordinate_profiles();
    if (!profiles) return http::error_response(profiles.error());

    boost::json::array listed;
    for (const auto& entity_id : **ids) {
        auto keep = matches(*context.data, *filters, **profiles, entity_id);
        if (!keep) return http::error_response(keep.error());
        if (*keep) listed.emplace_back(entity_id);
    }
    return http::json_response(to_json(listed));
}

}  // namespace inmor::endpoints
