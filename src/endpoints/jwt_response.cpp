// Serving stored JWTs with a Cache-Control bound by their expiry.
#include "endpoints/endpoints.h"

#include <algorithm>

namespace inmor::endpoints {

http::Response jwt_response(const StoredJwt& stored, std::string_view content_type,
                            const EndpointContext& context) {
    http::Response response;
    response.content_type = content_type;
    response.body = stored.jwt;

    const UnixSeconds now = context.data->clock().now();
    // A JWT without exp never expires, so only the cap bounds its max-age.
    const UnixSeconds cap = context.config->cache_control_max_age;
    if (!stored.exp || *stored.exp > now) {
        const UnixSeconds max_age = stored.exp ? std::min(*stored.exp - now, cap) : cap;
        response.add_header("Cache-Control", "public, max-age=" + std::to_string(max_age));
    } else {
        response.add_header("Cache-Control", "no-cache");
    }
    return response;
}

}  // namespace inmor::endpoints
