// GET /fetch?sub=: the stored subordinate statement about `sub`.
#include "endpoints/endpoints.h"

#include "http/error_response.h"
#include "http/params.h"

namespace inmor::endpoints {

http::Response handle_fetch(const EndpointContext& context, const http::Request& request) {
    const auto params = http::Params::parse(request.query);
    auto sub = params.required("sub");
    if (!sub) return http::error_response(sub.error());
    // The anchor issues no statement about itself (Fetch endpoint rules).
    if (*sub == context.config->domain) {
        return http::error_response(
            Error::invalid_request("sub: must not be the issuer's own entity id"));
    }

    auto stored = context.data->subordinate_statement(*sub);
    if (!stored) return http::error_response(stored.error());
    if (!(*stored)->has_value()) {
        return http::error_response(Error::not_found("sub: unknown subordinate " + *sub));
    }
    return jwt_response(***stored, http::content_type::kEntityStatement, context);
}

}  // namespace inmor::endpoints
