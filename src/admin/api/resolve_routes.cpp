// POST /api/v1/resolve: the resolve inspector.
#include "admin/api/resolve_routes.h"

#include "common/json.h"
#include "jose/jws.h"
#include "resolver/configured_trust_anchors.h"
#include "resolver/http_entity_statement_source.h"
#include "resolver/metadata_key_sets.h"
#include "resolver/own_statement_source.h"
#include "resolver/resolve_response.h"
#include "resolver/trust_chain_resolver.h"
#include "resolver/trust_mark_status_client.h"
#include "storage/federation_store.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>

namespace inmor::admin::api {

namespace {

namespace json = boost::json;

/// The validated request.
struct InspectRequest {
    EntityId subject;
    EntityId trust_anchor;
    std::vector<std::string> entity_types;
};

Result<InspectRequest> parse_request(const AdminServices& services, const http::Request& request,
                                     ApiError& failure) {
    auto body = parse_json_object(request.body, "request body");
    if (!body) {
        failure = {400, body.error().message(), std::nullopt};
        return body.error();
    }
    auto field_error = [&failure](std::string message) {
        failure = {422, message, std::nullopt};
        return Error::invalid_request(std::move(message));
    };
    const bool allow_http = services.config.allow_http;

    const json::value* sub = body->if_contains("sub");
    if (!sub || !sub->is_string()) return field_error("sub: required, a string");
    auto subject = EntityId::parse(sub->as_string(), allow_http);
    if (!subject) return field_error("sub: " + subject.error().message());

    std::string anchor_text = services.config.domain;
    if (const json::value* anchor = body->if_contains("trust_anchor");
        anchor && !anchor->is_null()) {
        if (!anchor->is_string()) return field_error("trust_anchor: must be a string");
        anchor_text = std::string(anchor->as_string());
    }
    auto trust_anchor = EntityId::parse(anchor_text, allow_http);
    if (!trust_anchor) return field_error("trust_anchor: " + trust_anchor.error().message());

    InspectRequest parsed{*subject, *trust_anchor, {}};
    if (const json::value* types = body->if_contains("entity_type");
        types && !types->is_null()) {
        if (!types->is_array()) return field_error("entity_type: must be an array of strings");
        for (const json::value& type : types->as_array()) {
            if (!type.is_string() || type.as_string().empty()) {
                return field_error("entity_type: must be an array of non-empty strings");
            }
            parsed.entity_types.emplace_back(type.as_string());
        }
    }
    return parsed;
}

json::object decoded_statement(const std::string& jwt) {
    json::object entry{{"jwt", jwt}};
    if (auto decoded = jose::decode_unverified(jwt)) {
        entry["header"] = decoded->header();
        entry["payload"] = decoded->payload();
    } else {
        entry["payload"] = json::object();
    }
    return entry;
}

json::object failed(std::string error) {
    return json::object{{"ok", false},           {"chain", json::array()},
                        {"merged_policy", nullptr}, {"metadata", nullptr},
                        {"exp", nullptr},          {"trust_marks", nullptr},
                        {"error", std::move(error)}};
}

json::object inspect(const AdminServices& services, const InspectRequest& request) {
    auto anchors =
        resolver::configured_trust_anchors(services.config, services.keys.verification_keys);
    if (!anchors) return failed("configuration: " + anchors.error().message());
    if (!anchors->contains(request.trust_anchor)) {
        return failed("invalid_trust_anchor: " + request.trust_anchor.str() +
                      " is not a trust anchor this instance knows");
    }
    auto own_id = EntityId::parse(services.config.domain, services.config.allow_http);
    if (!own_id) return failed("configuration: domain: " + own_id.error().message());

    storage::FederationStore& store = services.store;
    resolver::OwnStatements own;
    own.entity_configuration = [&store] { return store.entity_configuration(); };
    own.subordinate_statement = [&store](std::string_view entity_id) {
        return store.subordinate_statement(entity_id);
    };
    resolver::HttpEntityStatementSource http_source(services.fetcher);
    resolver::OwnStatementSource source(*own_id, std::move(own), http_source);

    auto issuer = EntityId::parse(services.config.federation.trust_mark_issuer.empty()
                                      ? services.config.domain
                                      : services.config.federation.trust_mark_issuer,
                                  services.config.allow_http);
    if (!issuer) return failed("configuration: federation.trust_mark_issuer");
    resolver::LocalTrustMarkState local_state =
        [&store](const federation::TrustMark& mark) -> Result<bool> {
        auto stored = store.trust_mark(mark.subject().str(), mark.trust_mark_type());
        if (!stored) return stored.error();
        return *stored && **stored == mark.jwt();
    };
    resolver::TrustMarkStatusClient status_client(
        services.fetcher, source, services.clock,
        federation::StatementOptions{services.config.allow_http}, *issuer,
        std::move(local_state));

    resolver::MetadataKeySets key_sets(services.fetcher, &store, services.clock);

    resolver::ResolverOptions options;
    options.allow_http = services.config.allow_http;
    options.status_checker = &status_client;
    options.metadata_checker = &key_sets;
    resolver::TrustChainResolver resolver(source, std::move(*anchors), services.clock, options);
    auto chain = resolver.resolve_trust_chain({request.subject, {request.trust_anchor}, true});
    if (!chain) {
        return failed(std::string(error_code_name(chain.error().code())) + ": " +
                      chain.error().message());
    }

    json::array statements;
    for (const std::string& jwt : chain->statements) statements.push_back(decoded_statement(jwt));
    UnixSeconds expires_at = chain->expires_at;
    json::array marks;
    for (const federation::TrustMark& mark : chain->trust_marks) {
        json::object entry{{"trust_mark_type", mark.trust_mark_type()},
                           {"trust_mark", mark.jwt()},
                           {"iss", mark.issuer().str()}};
        if (mark.expires_at()) {
            entry["exp"] = *mark.expires_at();
            expires_at = std::min(expires_at, *mark.expires_at());
        }
        if (mark.delegated_by()) entry["delegated_by"] = mark.delegated_by()->str();
        marks.push_back(std::move(entry));
    }
    return json::object{
        {"ok", true},
        {"chain", std::move(statements)},
        {"merged_policy", chain->merged_policy},
        {"metadata", resolver::filter_entity_types(chain->metadata, request.entity_types)},
        {"exp", expires_at},
        {"trust_marks", std::move(marks)},
    };
}

}  // namespace

std::vector<ApiRoute> resolve_routes(const AdminServices& services) {
    ApiHandler handler = [&services](const ApiCall& call) {
        ApiError failure;
        auto request = parse_request(services, call.request, failure);
        if (!request) return api_error_response(failure);
        return api_json_response(inspect(services, *request));
    };
    return {ApiRoute{"POST", "/resolve", std::move(handler),
                     "Resolve an entity: its trust chain, decoded statements, merged policy, "
                     "resolved metadata and trust marks, or why it fails"}};
}

}  // namespace inmor::admin::api
