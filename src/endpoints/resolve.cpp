// GET /resolve?sub=&trust_anchor=&entity_type=: a signed resolve response,
// served from the precomputed or cached records of the ResolveService.
#include "endpoints/endpoints.h"

#include "http/error_response.h"
#include "http/params.h"
#include "resolver/resolve_service.h"

#include <algorithm>

namespace inmor::endpoints {

namespace {

http::Response resolve_error(const EndpointContext& context, const Error& error) {
    http::Response response = http::error_response(error);
    response.add_header("Cache-Control", "no-store");
    if (error.code() == ErrorCode::kTemporarilyUnavailable) {
        // error_response() already set its generic Retry-After: replace it,
        // because two Retry-After fields with different values are invalid.
        std::erase_if(response.headers, [](const auto& header) {
            return http::Request::equals_ignoring_case(header.first, "Retry-After");
        });
        response.add_header("Retry-After",
                            std::to_string(context.resolve->options().transient_retry));
    }
    return response;
}

http::Response signed_response(const EndpointContext& context,
                               const resolver::SignedAnswer& answer) {
    http::Response response;
    response.content_type = http::content_type::kResolveResponse;
    response.body = answer.jwt;
    const UnixSeconds now = context.data->clock().now();
    const UnixSeconds max_age =
        std::clamp<UnixSeconds>(answer.expires_at - now, 0, context.config->cache_control_max_age);
    response.add_header("Cache-Control", "public, max-age=" + std::to_string(max_age));
    return response;
}

}  // namespace

http::Response handle_resolve(const EndpointContext& context, const http::Request& request) {
    if (!context.resolve) {
        return http::error_response(Error::not_found("resolve is not offered here"));
    }
    // A repeat of a query served before skips parsing altogether.
    if (auto hit = context.resolve->cached_for_query(request.query)) {
        return signed_response(context, *hit);
    }
    const std::uint64_t generation = context.resolve->generation();
    const bool allow_http = context.config->allow_http;
    const auto params = http::Params::parse(request.query);

    auto sub = params.required("sub");
    if (!sub) return http::error_response(sub.error());
    auto subject = EntityId::parse(*sub, allow_http);
    if (!subject) return http::error_response(subject.error().with_context("sub"));

    auto anchor_values = params.all("trust_anchor");
    if (!anchor_values) return http::error_response(anchor_values.error());
    if (anchor_values->empty()) {
        return http::error_response(Error::invalid_request("trust_anchor: missing"));
    }
    // Anchors that are not Entity Identifiers cannot be configured here.
    std::vector<EntityId> anchors;
    for (const std::string& value : *anchor_values) {
        if (auto anchor = EntityId::parse(value, allow_http)) anchors.push_back(*anchor);
    }
    if (anchors.empty()) {
        return resolve_error(context,
                             Error(ErrorCode::kInvalidTrustAnchor,
                                   "trust_anchor: " + anchor_values->front() +
                                       " is not a trust anchor this resolver knows"));
    }

    auto entity_types = params.all("entity_type");
    if (!entity_types) return http::error_response(entity_types.error());

    auto answer = context.resolve->answer(*subject, anchors, std::move(*entity_types));
    if (!answer) return resolve_error(context, answer.error());
    context.resolve->remember_query(request.query, *answer, generation);
    return signed_response(context, **answer);
}

}  // namespace inmor::endpoints
