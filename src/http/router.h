// Router: path and method to handler, with rate limits, metrics and the
// catch-all that turns any handler failure into server_error.
#pragma once

#include "http/message.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace inmor::http {

using Handler = std::function<Response(const Request&)>;

class Router {
public:
    explicit Router(Metrics* metrics = nullptr)
        : metrics_(metrics), unknown_counters_(metrics ? &metrics->route("unknown") : nullptr) {}

    /// Registers `path` for `methods` (HEAD is implied by GET). With a
    /// limiter, each request takes a token first and gets 429 when none is left.
    void add(std::string path, std::vector<std::string> methods, Handler handler,
             std::shared_ptr<RateLimiter> limiter = nullptr);

    /// Dispatches one request and returns the response: 404 for an unknown
    /// path, 405 with Allow for a method the route does not take, 429 over the
    /// rate limit, else the handler's response (500 server_error if it throws).
    Response dispatch(const Request& request) const;

private:
    struct Route {
        std::vector<std::string> methods;
        std::string allow;  // the Allow header value
        Handler handler;
        std::shared_ptr<RateLimiter> limiter;
        Metrics::RouteCounters* counters;  // null without metrics
    };

    Response run(const Route& route, const Request& request) const;

    std::unordered_map<std::string, Route> routes_;
    Metrics* metrics_;
    Metrics::RouteCounters* unknown_counters_;
};

}  // namespace inmor::http
