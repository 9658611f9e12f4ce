// The seam between the admin API's HTTP layer (server, authentication, CSRF,
// routing, audit actor) and the route handlers of each resource.
//
// The HTTP layer authenticates every request before a handler runs (session
// cookie with CSRF token and Origin check on writes, or X-API-Key), so a
// handler always has an actor. Handlers parse their own body, return the
// CONTRACT's JSON shapes, and write their audit entries in the transaction of
// the change. They never throw on bad input: every failure is an ApiError with
// the status the contract names and a message naming the field.
#pragma once

#include "admin/audit_log.h"
#include "admin/database.h"
#include "common/clock.h"
#include "common/config.h"
#include "federation/signing_keys.h"
#include "http/message.h"

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace inmor::storage {
class FederationStore;
}
namespace inmor::fetch {
class HttpFetcher;
}

namespace inmor::admin::api {

/// The configuration and the long-lived parts of the running admin, shared by
/// every handler. Built once by `inmor-admin serve`; all members outlive
/// every request. SigningKeys are read once at start; a key change needs a restart.
struct AdminServices {
    const Config& config;
    Database& database;
    storage::FederationStore& store;
    const federation::SigningKeys& keys;
    const fetch::HttpFetcher& fetcher;
    const Clock& clock;
};

/// The account behind an authenticated request, for permission checks.
struct Caller {
    std::int64_t user_id = 0;
    bool is_superuser = false;
    /// Id of the login session (SHA-256 hex of its cookie); empty for API keys.
    std::string session_id;
};

/// One authenticated request, as passed to a handler.
struct ApiCall {
    const http::Request& request;
    /// Placeholders of the route pattern: "/subordinates/{id}" gives {"id", "7"}.
    std::map<std::string, std::string> path_params;
    /// The caller, for audit entries: username, "session" or "api_key",
    /// client address.
    AuditActor actor;
    /// The authenticated account; user_id 0 on /auth/* routes, which run
    /// before authentication.
    Caller caller{};
};

/// A failure with the status the contract names (400, 403, 404, 422, 502...).
/// `id` is the existing object's id for 403 on a duplicate.
struct ApiError {
    unsigned status = 400;
    std::string message;
    std::optional<std::int64_t> id;
};

/// `{"message": ..., "id": N}` (id only when set) as application/json.
http::Response api_error_response(const ApiError& error);

/// A JSON body (default status 200).
http::Response api_json_response(const boost::json::value& body, unsigned status = 200);

using ApiHandler = std::function<http::Response(const ApiCall&)>;

/// One route under /api/v1. `pattern` is the path after the prefix, with
/// `{name}` placeholders matching one non-empty segment ("/trustmarks/{id}/renew").
struct ApiRoute {
    std::string method;  ///< "GET", "POST", "PUT", "DELETE"
    std::string pattern;
    ApiHandler handler;
    /// OpenAPI summary of the route, shown at /api/v1/docs.
    std::string summary;
};

/// The routes of each resource, registered by the HTTP layer.
std::vector<ApiRoute> subordinate_routes(const AdminServices& services);
std::vector<ApiRoute> trust_mark_type_routes(const AdminServices& services);
std::vector<ApiRoute> trust_mark_routes(const AdminServices& services);

}  // namespace inmor::admin::api
