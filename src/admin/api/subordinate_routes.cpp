// /subordinates: create, list, get, update, renew and the fetch-config preview.
#include "admin/api/api_route.h"
#include "admin/api/request_body.h"
#include "admin/subordinate_service.h"

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

constexpr std::string_view kResource = "subordinate";

// The contract's shape plus the hold, so an operator sees what waits for
// approval. Clients that do not know the two members ignore them.
json::object subordinate_json(const Subordinate& subordinate) {
    json::object object = to_json(subordinate);
    object["held_for_approval"] = subordinate.held_for_approval;
    object["held_reason"] = subordinate.held_reason ? json::value(*subordinate.held_reason)
                                                    : json::value(nullptr);
    return object;
}

// `required_trustmarks` is a string in the original; the web UI may send an
// array of type identifiers, kept as one space-separated string.
ActionResult<std::optional<std::string>> required_trustmarks(const json::object& body) {
    const json::value* value = body.if_contains("required_trustmarks");
    if (value == nullptr || !value->is_array()) {
        return optional_string(body, "required_trustmarks");
    }
    std::string joined;
    for (const json::value& item : value->as_array()) {
        if (!item.is_string()) {
            return ActionError{400, "required_trustmarks: must be a string or an array of strings",
                               std::nullopt};
        }
        joined += (joined.empty() ? "" : " ") + std::string(item.as_string());
    }
    return joined.empty() ? std::optional<std::string>() : std::optional<std::string>(joined);
}

// The members of a create or update body. `entityid` is required on create.
ActionResult<SubordinateInput> read_input(const json::object& body, bool creating) {
    SubordinateInput input;
    ActionResult<std::optional<std::string>> entityid = optional_string(body, "entityid");
    if (!entityid) return entityid.error();
    if (creating && !*entityid) {
        return ActionError{400, "entityid: is required", std::nullopt};
    }
    input.entityid = entityid->value_or("");

    ActionResult<std::optional<json::object>> jwks = optional_object(body, "jwks");
    if (!jwks) return jwks.error();
    if (!*jwks) return ActionError{400, "jwks: is required", std::nullopt};
    input.jwks = std::move(**jwks);

    ActionResult<std::optional<json::object>> metadata = optional_object(body, "metadata");
    if (!metadata) return metadata.error();
    input.metadata = metadata->value_or(json::object());
    ActionResult<std::optional<json::object>> forced = optional_object(body, "forced_metadata");
    if (!forced) return forced.error();
    input.forced_metadata = forced->value_or(json::object());

    ActionResult<std::optional<std::string>> required = required_trustmarks(body);
    if (!required) return required.error();
    input.required_trustmarks = *required;
    ActionResult<std::optional<std::int64_t>> valid_for = optional_integer(body, "valid_for");
    if (!valid_for) return valid_for.error();
    input.valid_for = *valid_for;
    ActionResult<std::optional<bool>> autorenew = optional_bool(body, "autorenew");
    if (!autorenew) return autorenew.error();
    input.autorenew = autorenew->value_or(true);
    ActionResult<std::optional<bool>> active = optional_bool(body, "active");
    if (!active) return active.error();
    input.active = active->value_or(true);
    ActionResult<std::optional<json::object>> claims = optional_object(body, "additional_claims");
    if (!claims) return claims.error();
    input.additional_claims = *claims;
    return input;
}

http::Response create(const AdminServices& services, const ApiCall& call) {
    ActionResult<json::object> body = json_body(call.request);
    if (!body) return error_response(body.error());
    ActionResult<SubordinateInput> input = read_input(*body, true);
    if (!input) return error_response(input.error());

    ActionResult<Subordinate> created = add_subordinate(services, *input, call.actor);
    if (!created) return error_response(created.error());
    return api_json_response(subordinate_json(*created), 201);
}

http::Response list(const AdminServices& services, const ApiCall& call) {
    http::Params query = http::Params::parse(call.request.query);
    ActionResult<PageRequest> page = page_of(query);
    if (!page) return error_response(page.error());
    Result<std::optional<std::string>> search = query.optional("search");
    if (!search) return error_response(action_error(search.error()));
    Result<std::optional<bool>> active = query.boolean("active");
    if (!active) return error_response(action_error(active.error()));
    Result<std::optional<std::string>> sort = query.optional("sort");
    if (!sort) return error_response(action_error(sort.error()));

    SubordinateQuery request{*page, search->value_or(""), *active, sort->value_or("id")};
    Result<Page<Subordinate>> listed = search_subordinates(services.database, request);
    if (!listed) return error_response(action_error(listed.error()));
    json::array items;
    for (const Subordinate& subordinate : listed->items) {
        items.emplace_back(subordinate_json(subordinate));
    }
    return api_json_response(json::object{{"count", listed->count}, {"items", std::move(items)}});
}

http::Response get(const AdminServices& services, const ApiCall& call) {
    ActionResult<std::int64_t> id = path_id(call, kResource);
    if (!id) return error_response(id.error());
    Result<std::optional<Subordinate>> found = find_subordinate(services.database, *id);
    if (!found) return error_response(action_error(found.error()));
    if (!*found) return error_response(action_error(not_found_error(kResource, *id)));
    return api_json_response(subordinate_json(**found));
}

http::Response update(const AdminServices& services, const ApiCall& call) {
    ActionResult<std::int64_t> id = path_id(call, kResource);
    if (!id) return error_response(id.error());
    ActionResult<json::object> body = json_body(call.request);
    if (!body) return error_response(body.error());
    ActionResult<SubordinateInput> input = read_input(*body, false);
    if (!input) return error_response(input.error());

    ActionResult<Subordinate> changed = change_subordinate(services, *id, *input, call.actor);
    if (!changed) return error_response(changed.error());
    return api_json_response(subordinate_json(*changed));
}

http::Response renew(const AdminServices& services, const ApiCall& call) {
    ActionResult<std::int64_t> id = path_id(call, kResource);
    if (!id) return error_response(id.error());
    ActionResult<SubordinateRenewal> renewed = renew_subordinate(services, *id, call.actor);
    if (!renewed) return error_response(renewed.error());
    if (renewed->outcome == RenewalOutcome::kHeld) {
        return error_response({422,
                               "held_for_approval: " +
                                   renewed->subordinate.held_reason.value_or("") +
                                   "; the current statement serves until it expires",
                               std::nullopt});
    }
    return api_json_response(subordinate_json(renewed->subordinate));
}

// POST /subordinates/fetch-config {entityid} (or {url}, as the original).
http::Response fetch_config(const AdminServices& services, const ApiCall& call) {
    ActionResult<json::object> body = json_body(call.request);
    if (!body) return error_response(body.error());
    ActionResult<std::optional<std::string>> entityid = optional_string(*body, "entityid");
    if (!entityid) return error_response(entityid.error());
    if (!*entityid) {
        ActionResult<std::optional<std::string>> url = optional_string(*body, "url");
        if (!url) return error_response(url.error());
        *entityid = *url;
    }
    if (!*entityid) return error_response({400, "entityid: is required", std::nullopt});

    ActionResult<json::object> preview = preview_entity_configuration(services, **entityid);
    if (!preview) return error_response(preview.error());
    return api_json_response(*preview);
}

}  // namespace

std::vector<ApiRoute> subordinate_routes(const AdminServices& services) {
    // Each handler holds a copy of the services, which are references only.
    // fetch-config comes before {id} so a router matching in order finds it.
    return {
        {"POST", "/subordinates/fetch-config",
         [services](const ApiCall& call) { return fetch_config(services, call); },
         "Fetch an entity's configuration for review (jwks_uri keys resolved)"},
        {"POST", "/subordinates",
         [services](const ApiCall& call) { return create(services, call); },
         "Add a subordinate: fetch and verify its entity configuration, sign, publish"},
        {"GET", "/subordinates",
         [services](const ApiCall& call) { return list(services, call); },
         "List subordinates (limit, offset, search, active, sort)"},
        {"GET", "/subordinates/{id}",
         [services](const ApiCall& call) { return get(services, call); },
         "Get a subordinate"},
        {"POST", "/subordinates/{id}",
         [services](const ApiCall& call) { return update(services, call); },
         "Update a subordinate; active:false withdraws its statement"},
        {"POST", "/subordinates/{id}/renew",
         [services](const ApiCall& call) { return renew(services, call); },
         "Fetch the entity configuration again and sign a new statement"},
    };
}

}  // namespace inmor::admin::api
