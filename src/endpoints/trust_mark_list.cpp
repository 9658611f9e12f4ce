// GET /trust_mark_list?trust_mark_type=[&sub=]: holders of an active mark.
#include "endpoints/endpoints.h"

#include "common/json.h"
#include "http/error_response.h"
#include "http/params.h"

#include <boost/json/array.hpp>

namespace inmor::endpoints {

http::Response handle_trust_mark_list(const EndpointContext& context,
                                      const http::Request& request) {
    const auto params = http::Params::parse(request.query);
    auto type = params.required("trust_mark_type");
    if (!type) return http::error_response(type.error());
    auto sub = params.optional("sub");
    if (!sub) return http::error_response(sub.error());

    auto holders = context.data->trust_mark_holders(*type);
    if (!holders) return http::error_response(holders.error());

    boost::json::array listed;
    for (const auto& entity_id : **holders) {
        if (*sub && entity_id != **sub) continue;
        // The holder set may lag a revocation; the stored mark decides.
        auto mark = context.data->active_trust_mark(entity_id, *type);
        if (!mark) return http::error_response(mark.error());
        if (mark->has_value()) listed.emplace_back(entity_id);
    }
    return http::json_response(to_json(listed));
}

}  // namespace inmor::endpoints
