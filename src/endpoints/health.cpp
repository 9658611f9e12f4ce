// GET /health: whether the federation store responds to a ping.
#include "endpoints/endpoints.h"

#include "common/json.h"
#include "common/logging.h"
#include "http/error_response.h"

#include <boost/json/object.hpp>

namespace inmor::endpoints {

http::Response handle_health(const EndpointContext& context, const http::Request&) {
    auto pinged = context.data->ping();
    if (pinged) return http::json_response(R"({"status":"ok"})");

    logger("http")->warn("health check failed engine={} error={} detail={}",
                         context.data->engine(), pinged.error().message(),
                         pinged.error().detail());
    boost::json::object body;
    body["status"] = "error";
    body["detail"] = context.data->engine() == "redis"
                         ? std::string("redis unavailable")
                         : std::string(context.data->engine()) + " unavailable";
    return http::json_response(to_json(body), 503);
}

}  // namespace inmor::endpoints
