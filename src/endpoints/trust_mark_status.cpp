// POST /trust_mark_status: the signed status of a trust mark issued here.
#include "endpoints/endpoints.h"

#include "common/logging.h"
#include "federation/jwt_payload.h"
#include "federation/trust_mark_digest.h"
#include "http/error_response.h"
#include "http/params.h"

namespace inmor::endpoints {
namespace {

namespace fed = inmor::federation;

/// A mark's verification outcome; claims are empty when the signature failed.
struct VerifiedMark {
    bool valid = false;
    boost::json::object claims;
};

Result<VerifiedMark> verify(const EndpointContext& context, const std::string& jwt) {
    auto claims = context.signer->verify_trust_mark(jwt);
    if (!claims) {
        logger("http")->debug("trust mark signature rejected error={}", claims.error().message());
        return VerifiedMark{};
    }
    return VerifiedMark{true, std::move(*claims)};
}

/// Verification results depend only on the mark and our keys, so they are
/// kept as long as signed responses are.
Result<std::shared_ptr<const VerifiedMark>> verify_cached(const EndpointContext& context,
                                                          const std::string& jwt,
                                                          const std::string& digest) {
    if (!context.status_responses) {
        auto verified = verify(context, jwt);
        if (!verified) return verified.error();
        return std::make_shared<const VerifiedMark>(std::move(*verified));
    }
    return context.status_responses->get<VerifiedMark>(
        "verified", digest, [&] { return verify(context, jwt); });
}

/// active, expired, revoked or invalid, as "Trust Mark Status" defines them.
Result<std::string> status_of(const EndpointContext& context, const VerifiedMark& verified,
                              const std::string& jwt) {
    if (!verified.valid) return std::string("invalid");
    auto exp = fed::numeric_date(verified.claims, "exp");
    if (!exp) return std::string("invalid");
    if (*exp && **exp <= context.data->clock().now()) return std::string("expired");

    const auto sub = fed::string_claim(verified.claims, "sub");
    const auto type = fed::string_claim(verified.claims, "trust_mark_type");
    if (!sub || !type) return std::string("invalid");

    // Revoked when withdrawn, or replaced by a different mark of that type.
    auto marks = context.data->trust_marks_of(*sub);
    if (!marks) return marks.error();
    const auto current = (*marks)->find(std::string(*type));
    if (current == (*marks)->end() || current->second.revoked ||
        current->second.mark.jwt != jwt) {
        return std::string("revoked");
    }
    return std::string("active");
}

Result<std::string> sign_response(const EndpointContext& context, const std::string& jwt,
                                  const std::string& status) {
    boost::json::object claims(4);
    claims["iss"] = context.config->federation.trust_mark_issuer;
    claims["iat"] = context.data->clock().now();
    claims["trust_mark"] = jwt;
    claims["status"] = status;
    return context.signer->sign_status_response(claims);
}

}  // namespace

http::Response handle_trust_mark_status(const EndpointContext& context,
                                        const http::Request& request) {
    if (!http::content_type_is(request.content_type, http::content_type::kForm)) {
        return http::error_response(Error::invalid_request(
            "Content-Type must be application/x-www-form-urlencoded"));
    }
    const auto params = http::Params::parse(request.body);
    auto jwt = params.required("trust_mark", fed::kMaxJwtBytes);
    if (!jwt) return http::error_response(jwt.error());
    if (auto parts = fed::split_compact_jws(*jwt); !parts) {
        return http::error_response(parts.error().with_context("trust_mark"));
    }
    if (!context.signer) {
        return http::error_response(Error::server_error("trust mark status signing unavailable"));
    }

    // Only marks issued here have a status here.
    const std::string digest = fed::trust_mark_digest(*jwt);
    auto issued = context.data->trust_mark_ever_issued(digest);
    if (!issued) return http::error_response(issued.error());
    if (!*issued) {
        return http::error_response(Error::not_found("trust_mark: not issued by this issuer"));
    }

    auto verified = verify_cached(context, *jwt, digest);
    if (!verified) return http::error_response(verified.error());
    auto status = status_of(context, **verified, *jwt);
    if (!status) return http::error_response(status.error());

    http::Response response;
    if (context.status_responses) {
        auto cached = context.status_responses->get<std::string>(
            "signed", digest + ":" + *status, [&] { return sign_response(context, *jwt, *status); });
        if (!cached) return http::error_response(cached.error());
        response.body = **cached;
    } else {
        auto signed_jwt = sign_response(context, *jwt, *status);
        if (!signed_jwt) return http::error_response(signed_jwt.error());
        response.body = std::move(*signed_jwt);
    }
    response.content_type = http::content_type::kTrustMarkStatus;
    response.add_header("Cache-Control", "no-store");
    return response;
}

}  // namespace inmor::endpoints
