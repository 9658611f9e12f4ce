// GET /historical_keys: the published historical keys JWT.
#include "endpoints/endpoints.h"

#include "http/error_response.h"

namespace inmor::endpoints {

http::Response handle_historical_keys(const EndpointContext& context, const http::Request&) {
    auto stored = context.data->historical_keys();
    if (!stored) return http::error_response(stored.error());
    if (!(*stored)->has_value()) {
        return http::error_response(
            Error::not_found("no historical keys have been published yet"));
    }
    return jwt_response(***stored, http::content_type::kJwkSet, context);
}

}  // namespace inmor::endpoints
