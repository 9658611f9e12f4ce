// Dispatch by path and method.
#include "http/router.h"

#include "common/logging.h"
#include "http/error_response.h"

#include <algorithm>
#include <chrono>

namespace inmor::http {

void Router::add(std::string path, std::vector<std::string> methods, Handler handler,
                 std::shared_ptr<RateLimiter> limiter) {
    if (std::find(methods.begin(), methods.end(), "GET") != methods.end()) {
        methods.emplace_back("HEAD");
    }
    std::string allow;
    for (const auto& method : methods) allow += (allow.empty() ? "" : ", ") + method;
    Metrics::RouteCounters* counters = metrics_ ? &metrics_->route(path) : nullptr;
    routes_[std::move(path)] = Route{std::move(methods), std::move(allow), std::move(handler),
                                     std::move(limiter), counters};
}

Response Router::run(const Route& route, const Request& request) const {
    if (std::find(route.methods.begin(), route.methods.end(), request.method) ==
        route.methods.end()) {
        Response response = error_response(405, "invalid_request",
                                           "method " + request.method + " not allowed; use " +
                                               route.allow);
        response.add_header("Allow", route.allow);
        return response;
    }

    if (route.limiter && route.limiter->enabled()) {
        if (const auto wait = route.limiter->acquire(request.client_address); wait > 0) {
            Response response = error_response(429, "temporarily_unavailable",
                                               "too many requests from this client address");
            response.add_header("Retry-After", std::to_string(wait));
            return response;
        }
    }

    // The boundary: whatever a handler throws becomes one logged server_error.
    try {
        return route.handler(request);
    } catch (const std::exception& error) {
        logger("http")->error("handler failed path={} request_id={} error={}", request.path,
                              request.request_id, error.what());
    } catch (...) {
        logger("http")->error("handler failed path={} request_id={} error=unknown",
                              request.path, request.request_id);
    }
    return error_response(Error::server_error("internal error"));
}

Response Router::dispatch(const Request& request) const {
    const auto started = std::chrono::steady_clock::now();
    const auto found = routes_.find(request.path);

    Response response = found == routes_.end()
                            ? error_response(Error::not_found("no such endpoint: " + request.path))
                            : run(found->second, request);

    if (metrics_) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        auto* counters = found == routes_.end() ? unknown_counters_ : found->second.counters;
        counters->record(response.status, seconds);
    }
    return response;
}

}  // namespace inmor::http
