// GET /.well-known/openid-federation: the stored entity configuration.
#include "endpoints/endpoints.h"

#include "http/error_response.h"

namespace inmor::endpoints {

http::Response handle_entity_configuration(const EndpointContext& context,
                                           const http::Request&) {
    auto stored = context.data->entity_configuration();
    if (!stored) return http::error_response(stored.error());
    if (!(*stored)->has_value()) {
        return http::error_response(
            Error::not_found("the entity configuration has not been published yet"));
    }
    return jwt_response(***stored, http::content_type::kEntityStatement, context);
}

}  // namespace inmor::endpoints
