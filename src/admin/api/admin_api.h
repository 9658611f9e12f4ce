// AdminApi: everything `inmor-admin serve` serves, as one request handler:
// the Host check, /api/v1 (CORS, routing, authentication, CSRF, metrics)
// and the web UI's static files.
#pragma once

#include "admin/api/api_route.h"
#include "admin/api/api_router.h"
#include "admin/api/static_files.h"
#include "http/metrics.h"

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace inmor::admin::api {

/// Path prefix of every admin API route.
inline constexpr std::string_view kApiPrefix = "/api/v1";

class AdminApi {
public:
    /// Serves `routes` under /api/v1, and the files of admin.ui_dir at `/`
    /// when it is set (other /api/ paths get 404, never the UI). Requests are counted in `metrics` (may be null) by
    /// route pattern and status. Throws std::invalid_argument for a bad
    /// route table (start-up only).
    AdminApi(const AdminServices& services, std::vector<ApiRoute> routes, http::Metrics* metrics);

    /// Handles one request and returns its response; never throws.
    http::Response handle(const http::Request& request) const;

    const std::vector<ApiRoute>& routes() const { return router_.routes(); }

private:
    http::Response handle_api(const http::Request& request, std::string& route_label) const;
    http::Response run_route(const http::Request& request, const RouteLookup& lookup) const;
    http::Response preflight(const http::Request& request) const;
    void add_cors_headers(const http::Request& request, http::Response& response) const;

    AdminServices services_;
    ApiRouter router_;
    std::optional<StaticFiles> ui_;
    http::Metrics* metrics_;
};

}  // namespace inmor::admin::api
