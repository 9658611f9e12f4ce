// GET /trust_mark?trust_mark_type=&sub=: the active mark issued to `sub`.
#include "endpoints/endpoints.h"

#include "http/error_response.h"
#include "http/params.h"

namespace inmor::endpoints {

http::Response handle_trust_mark(const EndpointContext& context, const http::Request& request) {
    const auto params = http::Params::parse(request.query);
    auto type = params.required("trust_mark_type");
    if (!type) return http::error_response(type.error());
    auto sub = params.required("sub");
    if (!sub) return http::error_response(sub.error());

    // A revoked or expired mark is absent, as if never issued.
    auto mark = context.data->active_trust_mark(*sub, *type);
    if (!mark) return http::error_response(mark.error());
    if (!mark->has_value()) {
        return http::error_response(
            Error::not_found("no active trust mark of this type for sub " + *sub));
    }
    return jwt_response(**mark, http::content_type::kTrustMark, context);
}

}  // namespace inmor::endpoints
