// /trustmarktypes: create, list, look up and update trust mark types.
#include "admin/api/api_route.h"
#include "admin/api/request_body.h"
#include "admin/trust_mark_service.h"

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

constexpr std::string_view kResource = "trust mark type";

ActionResult<TrustMarkTypeUpdate> read_update(const json::object& body) {
    TrustMarkTypeUpdate update;
    ActionResult<std::optional<bool>> autorenew = optional_bool(body, "autorenew");
    if (!autorenew) return autorenew.error();
    ActionResult<std::optional<std::int64_t>> valid_for = optional_integer(body, "valid_for");
    if (!valid_for) return valid_for.error();
    ActionResult<std::optional<std::int64_t>> renewal_time =
        optional_integer(body, "renewal_time");
    if (!renewal_time) return renewal_time.error();
    ActionResult<std::optional<bool>> active = optional_bool(body, "active");
    if (!active) return active.error();

    update.autorenew = *autorenew;
    update.valid_for = *valid_for;
    update.renewal_time = *renewal_time;
    update.active = *active;
    return update;
}

http::Response create(const AdminServices& services, const ApiCall& call) {
    ActionResult<json::object> body = json_body(call.request);
    if (!body) return error_response(body.error());
    ActionResult<std::string> tmtype = required_string(*body, "tmtype");
    if (!tmtype) return error_response(tmtype.error());
    ActionResult<TrustMarkTypeUpdate> members = read_update(*body);
    if (!members) return error_response(members.error());

    TrustMarkTypeInput input{*tmtype, members->autorenew, members->valid_for,
                             members->renewal_time, members->active};
    ActionResult<TrustMarkType> created = add_trust_mark_type(services, input, call.actor);
    if (!created) return error_response(created.error());
    return api_json_response(to_json(*created), 201);
}

// GET /trustmarktypes lists; with `tmtype` it looks one type up by its
// identifier, as the original's "get by URL".
http::Response list(const AdminServices& services, const ApiCall& call) {
    http::Params query = http::Params::parse(call.request.query);
    Result<std::optional<std::string>> tmtype = query.optional("tmtype");
    if (!tmtype) return error_response(action_error(tmtype.error()));
    if (*tmtype) {
        Result<std::optional<TrustMarkType>> found =
            find_trust_mark_type_by_name(services.database, **tmtype);
        if (!found) return error_response(action_error(found.error()));
        if (!*found) {
            return error_response({404, "trust mark type not found: " + **tmtype, std::nullopt});
        }
        return api_json_response(to_json(**found));
    }

    ActionResult<PageRequest> page = page_of(query);
    if (!page) return error_response(page.error());
    Result<Page<TrustMarkType>> listed = list_trust_mark_types(services.database, *page);
    if (!listed) return error_response(action_error(listed.error()));
    return api_json_response(page_json(*listed));
}

http::Response get(const AdminServices& services, const ApiCall& call) {
    ActionResult<std::int64_t> id = path_id(call, kResource);
    if (!id) return error_response(id.error());
    Result<std::optional<TrustMarkType>> found = find_trust_mark_type(services.database, *id);
    if (!found) return error_response(action_error(found.error()));
    if (!*found) return error_response(action_error(not_found_error(kResource, *id)));
    return api_json_response(to_json(**found));
}

http::Response update(const AdminServices& services, const ApiCall& call) {
    ActionResult<std::int64_t> id = path_id(call, kResource);
    if (!id) return error_response(id.error());
    ActionResult<json::object> body = json_body(call.request);
    if (!body) return error_response(body.error());
    ActionResult<std::optional<std::string>> tmtype = optional_string(*body, "tmtype");
    if (!tmtype) return error_response(tmtype.error());
    if (*tmtype) {
        // The UI sends the whole type back; only a different identifier is an error.
        Result<std::optional<TrustMarkType>> found = find_trust_mark_type(services.database, *id);
        if (!found) return error_response(action_error(found.error()));
        if (*found && (*found)->tmtype != **tmtype) {
            return error_response({400, "tmtype: cannot be changed", std::nullopt});
        }
    }
    ActionResult<TrustMarkTypeUpdate> members = read_update(*body);
    if (!members) return error_response(members.error());

    ActionResult<TrustMarkType> changed =
        change_trust_mark_type(services, *id, *members, call.actor);
    if (!changed) return error_response(changed.error());
    return api_json_response(to_json(*changed));
}

}  // namespace

std::vector<ApiRoute> trust_mark_type_routes(const AdminServices& services) {
    // Each handler holds a copy of the services, which are references only.
    return {
        {"POST", "/trustmarktypes",
         [services](const ApiCall& call) { return create(services, call); },
         "Create a trust mark type (403 with the existing id for a duplicate tmtype)"},
        {"GET", "/trustmarktypes",
         [services](const ApiCall& call) { return list(services, call); },
         "List trust mark types (limit, offset), or look one up with ?tmtype="},
        {"GET", "/trustmarktypes/{id}",
         [services](const ApiCall& call) { return get(services, call); },
         "Get a trust mark type"},
        {"PUT", "/trustmarktypes/{id}",
         [services](const ApiCall& call) { return update(services, call); },
         "Update a trust mark type and republish the entity configuration"},
    };
}

}  // namespace inmor::admin::api
