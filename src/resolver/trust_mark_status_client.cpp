// Trust Mark status checks for resolve.
#include "resolver/trust_mark_status_client.h"

#include "federation/trust_mark.h"
#include "jose/jws.h"

namespace inmor::resolver {

namespace json = boost::json;
namespace fed = inmor::federation;

namespace {

const json::string* string_member(const json::object& object, std::string_view name) {
    const json::value* value = object.if_contains(name);
    return value && value->is_string() ? &value->as_string() : nullptr;
}

std::optional<std::string> status_endpoint(const fed::EntityConfiguration& issuer) {
    if (!issuer.claims().metadata) return std::nullopt;
    const json::value* entity = issuer.claims().metadata->if_contains("federation_entity");
    if (!entity || !entity->is_object()) return std::nullopt;
    const json::string* endpoint =
        string_member(entity->as_object(), "federation_trust_mark_status_endpoint");
    if (!endpoint) return std::nullopt;
    return std::string(*endpoint);
}

}  // namespace

Result<void> TrustMarkStatusClient::check_status(const fed::TrustMark& mark) const {
    if (mark.issuer() == local_issuer_ && local_state_) {
        return check_local(mark);
    }
    return check_remote(mark);
}

Result<void> TrustMarkStatusClient::check_local(const fed::TrustMark& mark) const {
    auto active = local_state_(mark);
    if (!active) {
        return active.error().with_context("trust mark status");
    }
    if (!*active) {
        return Error::invalid_request("trust mark status: " + mark.trust_mark_type() + " of " +
                                      mark.subject().str() + " was revoked or replaced here");
    }
    return {};
}

Result<void> TrustMarkStatusClient::check_remote(const fed::TrustMark& mark) const {
    const std::string context = "trust mark status at " + mark.issuer().str();
    auto jwt = source_.fetch_entity_configuration(mark.issuer());
    if (!jwt) return jwt.error().with_context(context);
    auto issuer = fed::verify_entity_configuration(*jwt, mark.issuer(), clock_, options_);
    if (!issuer) return issuer.error().with_context(context);

    const auto endpoint = status_endpoint(*issuer);
    if (!endpoint) {
        return {};
    }

    fetch::FetchRequest request;
    request.url = *endpoint;
    request.method = fetch::FetchRequest::Method::kPost;
    request.accept = "application/trust-mark-status-response+jwt";
    request.form = {{"trust_mark", mark.jwt()}};
    request.expect_text = true;
    auto response = fetcher_.fetch(request);
    if (!response) {
        const fetch::FetchError& failure = response.error();
        std::string message = context + ": " + failure.message;
        if (failure.transient()) return Error::unavailable(std::move(message));
        return Error::invalid_request(std::move(message));
    }

    std::string body = std::move(response->body);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    jose::VerifyOptions verify_options;
    verify_options.require_exp = false;
    auto verified = jose::verify_jws(body, issuer->claims().jwks, kTrustMarkStatusJwtType,
                                     clock_, verify_options);
    if (!verified) return verified.error().with_context(context + ": status response");

    const json::object& claims = verified->payload();
    const json::string* iss = string_member(claims, "iss");
    const json::string* echoed = string_member(claims, "trust_mark");
    const json::string* status = string_member(claims, "status");
    if (!iss || *iss != mark.issuer().str()) {
        return Error::invalid_request(context + ": status response iss is not the issuer");
    }
    if (!echoed || *echoed != mark.jwt()) {
        return Error::invalid_request(context + ": status response names another trust_mark");
    }
    if (!status || *status != "active") {
        return Error::invalid_request(context + ": status is " +
                                      (status ? std::string(*status) : std::string("missing")));
    }
    return {};
}

}  // namespace inmor::resolver
