// /trustmarks: issue, list, list by entity, renew and update (revoke).
#include "admin/api/api_route.h"
#include "admin/api/request_body.h"
#include "admin/trust_mark_service.h"

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

constexpr std::string_view kResource = "trust mark";

// The type's id: `tmt` as the original and the web UI send it, or `tmt_id`
// as the response names it.
ActionResult<std::int64_t> type_id(const json::object& body) {
    for (std::string_view name : {"tmt", "tmt_id"}) {
        ActionResult<std::optional<std::int64_t>> id = optional_integer(body, name);
        if (!id) return id.error();
        if (*id) return **id;
    }
    return ActionError{400, "tmt: is required", std::nullopt};
}

http::Response issue(const AdminServices& services, const ApiCall& call) {
    ActionResult<json::object> body = json_body(call.request);
    if (!body) return error_response(body.error());
    ActionResult<std::int64_t> tmt = type_id(*body);
    if (!tmt) return error_response(tmt.error());
    ActionResult<std::string> domain = required_string(*body, "domain");
    if (!domain) return error_response(domain.error());
    ActionResult<std::optional<bool>> autorenew = optional_bool(*body, "autorenew");
    if (!autorenew) return error_response(autorenew.error());
    ActionResult<std::optional<std::int64_t>> valid_for = optional_integer(*body, "valid_for");
    if (!valid_for) return error_response(valid_for.error());
    ActionResult<std::optional<std::int64_t>> renewal_time =
        optional_integer(*body, "renewal_time");
    if (!renewal_time) return error_response(renewal_time.error());
    ActionResult<std::optional<bool>> active = optional_bool(*body, "active");
    if (!active) return error_response(active.error());
    ActionResult<std::optional<json::object>> claims =
        optional_object(*body, "additional_claims");
    if (!claims) return error_response(claims.error());

    TrustMarkInput input{*tmt,     *domain, *autorenew, *valid_for, *renewal_time,
                         *active, *claims};
    ActionResult<TrustMark> issued = issue_trust_mark(services, input, call.actor);
    if (!issued) return error_response(issued.error());
    return api_json_response(to_json(*issued), 201);
}

http::Response list_page(const AdminServices& services, const ApiCall& call,
                         const std::optional<std::string>& domain) {
    ActionResult<PageRequest> page = page_of(http::Params::parse(call.request.query));
    if (!page) return error_response(page.error());
    Result<Page<TrustMark>> listed = list_trust_marks(services.database, *page, domain);
    if (!listed) return error_response(action_error(listed.error()));
    return api_json_response(page_json(*listed));
}

http::Response list(const AdminServices& services, const ApiCall& call) {
    return list_page(services, call, std::nullopt);
}

// POST /trustmarks/list {domain}: the marks of one entity.
http::Response list_of_domain(const AdminServices& services, const ApiCall& call) {
    ActionResult<json::object> body = json_body(call.request);
    if (!body) return error_response(body.error());
    ActionResult<std::string> domain = required_string(*body, "domain");
    if (!domain) return error_response(domain.error());
    return list_page(services, call, *domain);
}

http::Response renew(const AdminServices& services, const ApiCall& call) {
    ActionResult<std::int64_t> id = path_id(call, kResource);
    if (!id) return error_response(id.error());
    ActionResult<TrustMark> renewed = renew_trust_mark(services, *id, call.actor);
    if (!renewed) return error_response(renewed.error());
    return api_json_response(to_json(*renewed));
}

http::Response update(const AdminServices& services, const ApiCall& call) {
    ActionResult<std::int64_t> id = path_id(call, kResource);
    if (!id) return error_response(id.error());
    ActionResult<json::object> body = json_body(call.request);
    if (!body) return error_response(body.error());
    ActionResult<std::optional<bool>> autorenew = optional_bool(*body, "autorenew");
    if (!autorenew) return error_response(autorenew.error());
    ActionResult<std::optional<bool>> active = optional_bool(*body, "active");
    if (!active) return error_response(active.error());
    ActionResult<std::optional<json::object>> claims =
        optional_object(*body, "additional_claims");
    if (!claims) return error_response(claims.error());

    TrustMarkUpdate change{*autorenew, *active, *claims};
    ActionResult<TrustMark> changed = change_trust_mark(services, *id, change, call.actor);
    if (!changed) return error_response(changed.error());
    return api_json_response(to_json(*changed));
}

}  // namespace

std::vector<ApiRoute> trust_mark_routes(const AdminServices& services) {
    // Each handler holds a copy of the services, which are references only.
    return {
        {"POST", "/trustmarks",
         [services](const ApiCall& call) { return issue(services, call); },
         "Issue a trust mark: body {tmt, domain, ...}; 403 with the existing id for a "
         "duplicate"},
        {"GET", "/trustmarks", [services](const ApiCall& call) { return list(services, call); },
         "List trust marks (limit, offset)"},
        {"POST", "/trustmarks/list",
         [services](const ApiCall& call) { return list_of_domain(services, call); },
         "List the trust marks of one entity: body {domain}"},
        {"POST", "/trustmarks/{id}/renew",
         [services](const ApiCall& call) { return renew(services, call); },
         "Sign a trust mark again with a new expiry (never a revoked one)"},
        {"PUT", "/trustmarks/{id}",
         [services](const ApiCall& call) { return update(services, call); },
         "Update a trust mark; active:false revokes it"},
    };
}

}  // namespace inmor::admin::api
