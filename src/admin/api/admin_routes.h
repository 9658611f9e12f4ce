// The admin API's own resources (sessions, users, MFA, API keys, audit log,
// the anchor's documents, collection data, documentation) and the one
// function that assembles the whole route table.
#pragma once

#include "admin/api/api_route.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace inmor::admin::api {

/// /auth/csrf, /auth/login, /auth/login/totp, /auth/logout, /auth/me.
std::vector<ApiRoute> auth_routes(const AdminServices& services);
/// /users and /users/{id}.
std::vector<ApiRoute> user_routes(const AdminServices& services);
/// /mfa/totp/begin, /mfa/totp/confirm, /mfa/disable.
std::vector<ApiRoute> mfa_routes(const AdminServices& services);
/// /apikeys and /apikeys/{id}.
std::vector<ApiRoute> api_key_routes(const AdminServices& services);
/// /auditlog and /auditlog/{id}.
std::vector<ApiRoute> audit_log_routes(const AdminServices& services);
/// /server/entity, /server/historical_keys, /server/status,
/// /server/federation_health. Throws std::invalid_argument naming
/// fetch.ca_file when that file contains no certificate.
std::vector<ApiRoute> server_routes(const AdminServices& services);
/// /collection.
std::vector<ApiRoute> collection_routes(const AdminServices& services);
/// `routes` followed by /openapi.json and /docs, which describe all of them.
std::vector<ApiRoute> documentation_routes(const std::vector<ApiRoute>& routes);

/// The OpenAPI 3.1 document describing `routes`, with each route's summary.
boost::json::object openapi_document(const std::vector<ApiRoute>& routes);

/// Every route of /api/v1, in the order the documentation lists them.
std::vector<ApiRoute> admin_api_routes(const AdminServices& services);

/// Reads an audit log filter time: Unix seconds, or ISO 8601 ("2026-01-02T03:04:05.000Z",
/// an offset such as "+01:00", or a bare date). nullopt when it is neither.
std::optional<UnixSeconds> parse_filter_time(std::string_view text);

/// The version string of the running admin, shown by /server/status.
std::string_view admin_version();

}  // namespace inmor::admin::api
