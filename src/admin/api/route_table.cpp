// The one list of every /api/v1 route, in the order /docs shows them.
#include "admin/api/admin_routes.h"
#include "admin/api/resolve_routes.h"

namespace inmor::admin::api {
namespace {

void append(std::vector<ApiRoute>& table, std::vector<ApiRoute> routes) {
    for (ApiRoute& route : routes) table.push_back(std::move(route));
}

}  // namespace

std::vector<ApiRoute> admin_api_routes(const AdminServices& services) {
    std::vector<ApiRoute> table;
    append(table, auth_routes(services));
    append(table, user_routes(services));
    append(table, mfa_routes(services));
    append(table, api_key_routes(services));
    append(table, audit_log_routes(services));
    append(table, server_routes(services));
    append(table, collection_routes(services));

    append(table, subordinate_routes(services));
    append(table, trust_mark_type_routes(services));
    append(table, trust_mark_routes(services));
    append(table, resolve_routes(services));

    // Last, so that the documentation describes every route above.
    return documentation_routes(table);
}

}  // namespace inmor::admin::api
