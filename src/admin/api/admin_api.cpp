// Request handling of the admin service: Host check, CORS, routing,
// authentication, CSRF and metrics around the route handlers.
#include "admin/api/admin_api.h"

#include "admin/api/authentication.h"
#include "admin/api/web_security.h"
#include "common/logging.h"

#include <algorithm>
#include <chrono>

namespace inmor::admin::api {
namespace {

/// Methods and headers a cross-origin client listed in cors_origins may use.
constexpr std::string_view kCorsMethods = "GET, POST, PUT, PATCH, DELETE";
constexpr std::string_view kCorsHeaders = "Content-Type, X-CSRFToken, X-API-Key";
/// Seconds a browser may cache a preflight response.
constexpr std::string_view kCorsMaxAgeSeconds = "600";

bool has_header(const http::Response& response, std::string_view name) {
    return std::any_of(response.headers.begin(), response.headers.end(), [&](const auto& header) {
        return http::Request::equals_ignoring_case(header.first, name);
    });
}

}  // namespace

AdminApi::AdminApi(const AdminServices& services, std::vector<ApiRoute> routes,
                   http::Metrics* metrics)
    : services_(services), router_(std::move(routes)), metrics_(metrics) {
    if (!services.config.admin.ui_dir.empty()) ui_.emplace(services.config.admin.ui_dir);
}

http::Response AdminApi::handle(const http::Request& request) const {
    const auto started = std::chrono::steady_clock::now();
    std::string route_label;
    http::Response response;

    const std::string_view path = request.path;
    if (!host_allowed(request.header("Host"), services_.config.admin.allowed_hosts)) {
        route_label = "invalid_host";
        response = api_error_response(ApiError{
            400, "Host header not allowed: add the host to admin.allowed_hosts", {}});
    } else if (path == kApiPrefix || path.starts_with(std::string(kApiPrefix) + "/")) {
        response = handle_api(request, route_label);
    } else if (path == "/api" || path.starts_with("/api/")) {
        // Other API versions do not exist; the web UI's fallback must not hide that.
        route_label = "unknown";
        response = api_error_response(ApiError{404, "no such API route: " + request.path, {}});
    } else if (ui_) {
        route_label = "ui";
        response = ui_->serve(request);
    } else {
        route_label = "unknown";
        response = api_error_response(ApiError{
            404, "not found: " + request.path + " (no web UI configured: admin.ui_dir)", {}});
    }

    if (metrics_) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        metrics_->record_request(route_label, response.status, seconds);
    }
    return response;
}

http::Response AdminApi::handle_api(const http::Request& request,
                                    std::string& route_label) const {
    if (request.method == "OPTIONS") {
        route_label = "preflight";
        return preflight(request);
    }
    std::string_view path = std::string_view(request.path).substr(kApiPrefix.size());
    if (path.empty()) path = "/";

    const RouteLookup lookup = router_.find(request.method, path);
    if (lookup.route == nullptr) {
        route_label = "unknown";
        if (lookup.allow.empty()) {
            return api_error_response(
                ApiError{404, "no such API route: " + request.method + " " + request.path, {}});
        }
        http::Response response = api_error_response(ApiError{
            405, "method " + request.method + " not allowed; use " + lookup.allow, {}});
        response.add_header("Allow", lookup.allow);
        return response;
    }
    route_label = std::string(kApiPrefix) + lookup.route->pattern;

    http::Response response = run_route(request, lookup);
    add_cors_headers(request, response);
    if (!has_header(response, "Cache-Control")) response.add_header("Cache-Control", "no-store");
    response.add_header("X-Content-Type-Options", "nosniff");
    return response;
}

http::Response AdminApi::run_route(const http::Request& request, const RouteLookup& lookup) const {
    ApiCall call{request, lookup.path_params, {}};
    const bool write = is_write_method(request.method);

    // /auth/* runs without authentication: those routes create it. Their
    // writes still need the CSRF cookie and header and a trusted Origin, so
    // another site cannot log a browser in or out.
    if (lookup.route->pattern.starts_with("/auth/")) {
        if (write) {
            if (auto denied = check_csrf(services_.config, request, std::nullopt)) {
                return api_error_response(*denied);
            }
        }
    } else {
        auto authentication = authenticate(services_, request);
        if (!authentication) return api_error_response(authentication.error());
        // API keys are not sent by browsers on their own, so only cookie
        // sessions need the CSRF check.
        if (write && authentication->session) {
            if (auto denied = check_csrf(services_.config, request, authentication->session)) {
                return api_error_response(*denied);
            }
        }
        call.actor = authentication->actor;
        call.caller = authentication->caller;
    }

    // The boundary: whatever a handler throws becomes one logged 500.
    try {
        return lookup.route->handler(call);
    } catch (const std::exception& error) {
        logger("admin")->error("handler failed method={} path={} request_id={} error={}",
                               request.method, request.path, request.request_id, error.what());
    } catch (...) {
        logger("admin")->error("handler failed method={} path={} request_id={} error=unknown",
                               request.method, request.path, request.request_id);
    }
    return api_error_response(ApiError{500, "internal error", {}});
}

http::Response AdminApi::preflight(const http::Request& request) const {
    const std::string_view origin = request.header("Origin");
    const auto& allowed = services_.config.admin.cors_origins;
    if (origin.empty() || std::find(allowed.begin(), allowed.end(), origin) == allowed.end()) {
        return api_error_response(
            ApiError{403, "CORS request from an origin not in admin.cors_origins", {}});
    }
    http::Response response;
    response.status = 204;
    add_cors_headers(request, response);
    response.add_header("Access-Control-Allow-Methods", std::string(kCorsMethods));
    response.add_header("Access-Control-Allow-Headers", std::string(kCorsHeaders));
    response.add_header("Access-Control-Max-Age", std::string(kCorsMaxAgeSeconds));
    return response;
}

void AdminApi::add_cors_headers(const http::Request& request, http::Response& response) const {
    const std::string_view origin = request.header("Origin");
    const auto& allowed = services_.config.admin.cors_origins;
    if (origin.empty() || std::find(allowed.begin(), allowed.end(), origin) == allowed.end()) {
        return;
    }
    response.add_header("Access-Control-Allow-Origin", std::string(origin));
    response.add_header("Access-Control-Allow-Credentials", "true");
    response.add_header("Vary", "Origin");
}

}  // namespace inmor::admin::api
