// /server/*: sign and publish the anchor's entity configuration and
// historical keys, the store status and the federation server's health that
// the web UI's dashboard shows.
#include "admin/api/admin_routes.h"
#include "admin/api/request_input.h"
#include "admin/federation_health.h"
#include "admin/publication.h"
#include "admin/trust_mark_type_repository.h"
#include "common/base64url.h"
#include "common/json.h"
#include "common/logging.h"
#include "storage/federation_store.h"

#include <boost/json/array.hpp>

#include <memory>
#include <set>

#ifndef INMOR_VERSION
#define INMOR_VERSION "0.0.0"
#endif

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

// Header and payload of a compact JWS, decoded for display; the signature
// is not checked (the admin signed what it shows).
json::value decoded_jwt(const std::string& jwt) {
    json::object decoded{{"jwt", jwt}};
    const auto first = jwt.find('.');
    const auto second = first == std::string::npos ? first : jwt.find('.', first + 1);
    if (second == std::string::npos) return decoded;
    for (auto [name, part] : {std::pair{"header", jwt.substr(0, first)},
                              std::pair{"payload", jwt.substr(first + 1, second - first - 1)}}) {
        auto bytes = base64url_decode(part);
        if (!bytes) continue;
        auto parsed = parse_json_object(*bytes, name);
        if (parsed) decoded[name] = std::move(*parsed);
    }
    return decoded;
}

// Records a publication attempt that failed, outside any transaction.
void audit_failure(const AdminServices& services, const ApiCall& call, std::string resource_type,
                   const Error& error) {
    (void)write_audit(services.database, call.actor, services.clock.now(), "publish",
                      std::move(resource_type), services.config.domain, std::nullopt,
                      json::object{{"error", error.message()}}, "failure");
}

// The publish routes take no parameters: an empty body or a JSON object
// (such as `{}`) is accepted, and anything else is rejected before signing.
ApiResult<void> check_empty_body(const http::Request& request) {
    if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return {};
    Result<json::value> parsed = parse_json(request.body, "body");
    if (!parsed) return ApiError{400, parsed.error().message(), {}};
    if (!parsed->is_object()) return ApiError{400, "body: must be a JSON object", {}};
    return {};
}

http::Response publish_entity(const AdminServices& services, const ApiCall& call) {
    if (auto body = check_empty_body(call.request); !body) {
        return api_error_response(body.error());
    }
    const UnixSeconds now = services.clock.now();
    auto fail = [&](const Error& error) {
        audit_failure(services, call, "entity_configuration", error);
        return api_error_response(api_error_from(error));
    };
    auto types = active_trust_mark_types(services.database);
    if (!types) return fail(types.error());
    auto claims = build_entity_configuration(services.config, services.keys.verification_keys,
                                             *types, now);
    if (!claims) return fail(claims.error());
    auto jwt = sign_entity_configuration(services.keys.private_key, *claims);
    if (!jwt) return fail(jwt.error());
    if (auto published = services.store.publish_entity_configuration(*jwt); !published) {
        return fail(published.error());
    }

    json::object summary{{"entity_id", services.config.domain},
                         {"kid", services.keys.private_key.kid()},
                         {"iat", claims->at("iat")},
                         {"exp", claims->at("exp")}};
    (void)write_audit(services.database, call.actor, now, "publish", "entity_configuration",
                      services.config.domain, std::nullopt, summary);
    logger("admin")->info("entity configuration published entity_id={} kid={} by={}",
                          services.config.domain, services.keys.private_key.kid(),
                          call.actor.username);
    summary["entity_configuration"] = *jwt;
    return api_json_response(summary);
}

http::Response publish_historical_keys(const AdminServices& services, const ApiCall& call) {
    if (auto body = check_empty_body(call.request); !body) {
        return api_error_response(body.error());
    }
    const UnixSeconds now = services.clock.now();
    auto fail = [&](const Error& error) {
        audit_failure(services, call, "historical_keys", error);
        return api_error_response(api_error_from(error));
    };
    auto claims = build_historical_keys(services.config, now);
    if (!claims) return fail(claims.error());
    auto jwt = sign_historical_keys(services.keys.private_key, *claims);
    if (!jwt) return fail(jwt.error());
    if (auto published = services.store.publish_historical_keys(*jwt); !published) {
        return fail(published.error());
    }

    json::array kids;
    for (const auto& key : claims->at("keys").as_array()) {
        if (key.is_object() && key.as_object().contains("kid")) kids.push_back(key.at("kid"));
    }
    json::object summary{{"kid", services.keys.private_key.kid()},
                         {"iat", claims->at("iat")},
                         {"keys", kids.size()},
                         {"kids", kids}};
    (void)write_audit(services.database, call.actor, now, "publish", "historical_keys",
                      services.config.domain, std::nullopt, summary);
    logger("admin")->info("historical keys published count={} by={}", kids.size(),
                          call.actor.username);
    summary["historical_keys"] = *jwt;
    return api_json_response(summary);
}

// Numbers of the collection walk as the federation server's /status shows
// them, read from the store.
Result<json::object> collection_summary(storage::FederationStore& store) {
    auto total = store.collection_entity_count();
    if (!total) return total.error();
    auto providers = store.collection_ids_of_type("openid_provider");
    if (!providers) return providers.error();
    auto relying_parties = store.collection_ids_of_type("openid_relying_party");
    if (!relying_parties) return relying_parties.error();
    auto anchor = store.collection_trust_anchor();
    if (!anchor) return anchor.error();
    auto last_updated = store.collection_last_updated();
    if (!last_updated) return last_updated.error();

    // Intermediates: every superior an entity was found under, other than
    // the anchor the walk started from.
    auto superiors = store.key_value_store().hash_get_all(
        std::string(storage::keys::kCollectionPrefix) + "superiors");
    if (!superiors) return superiors.error();
    std::set<std::string> intermediates;
    for (const auto& [id, text] : *superiors) {
        auto list = parse_json(text, "collection superiors");
        if (!list || !list->is_array()) continue;
        for (const auto& superior : list->as_array()) {
            if (superior.is_string() && superior.as_string() != anchor->value_or("")) {
                intermediates.emplace(superior.as_string());
            }
        }
    }

    json::object summary{{"total_entities", *total},
                         {"openid_providers", providers->size()},
                         {"openid_relying_parties", relying_parties->size()},
                         {"intermediates", intermediates.size()}};
    summary["last_updated"] = *last_updated ? json::value(**last_updated) : json::value(nullptr);
    return summary;
}

// Everything read from the federation store; any failure makes the status
// "error" with the store's message as health detail instead of a 5xx.
Result<void> add_published_data(storage::FederationStore& store, json::object& body) {
    if (auto pinged = store.key_value_store().ping(); !pinged) return pinged.error();

    auto entity_configuration = store.entity_configuration();
    if (!entity_configuration) return entity_configuration.error();
    body["entity_configuration"] =
        *entity_configuration ? decoded_jwt(**entity_configuration) : json::value(nullptr);

    auto historical = store.historical_keys();
    if (!historical) return historical.error();
    body["historical_keys"] = nullptr;
    if (*historical) {
        json::value decoded = decoded_jwt(**historical);
        if (decoded.as_object().contains("payload")) body["historical_keys"] = decoded.at("payload");
    }

    auto subordinates = store.subordinate_count();
    if (!subordinates) return subordinates.error();
    auto types = store.trust_mark_types();
    if (!types) return types.error();
    auto issued = store.trust_marks_ever_issued_count();
    if (!issued) return issued.error();
    auto collection = collection_summary(store);
    if (!collection) return collection.error();

    body["keys"].as_object()["historical_keys_available"] = historical->has_value();
    body["subordinates"] = {{"direct", *subordinates}};
    body["trust_marks"] = {{"types", types->size()}, {"total_issued", *issued}};
    body["collection"] = std::move(*collection);
    return {};
}

http::Response status(const AdminServices& services, const ApiCall&) {
    json::array public_keys;
    const json::object jwks = services.keys.verification_keys.public_json();
    if (const auto* keys = jwks.if_contains("keys"); keys && keys->is_array()) {
        public_keys = keys->as_array();
    }

    json::object body{{"entity_id", services.config.domain},
                      {"version", admin_version()},
                      {"status", "ok"},
                      {"keys", {{"public_keys", services.keys.public_key_files}}},
                      {"public_keys", std::move(public_keys)},
                      {"store", services.store.key_value_store().engine()},
                      {"database", services.database.engine() == DatabaseEngine::kSqlite
                                       ? "sqlite"
                                       : "postgresql"}};
    if (auto added = add_published_data(services.store, body); !added) {
        logger("admin")->warn("federation store unavailable for status engine={} error={} "
                              "detail={}",
                              services.store.key_value_store().engine(), added.error().message(),
                              added.error().detail());
        body["status"] = "error";
        body["health"] = {{"status", "error"},
                          {"detail", std::string(services.store.key_value_store().engine()) +
                                         " unavailable: " + added.error().message()}};
        if (!body.contains("entity_configuration")) body["entity_configuration"] = nullptr;
        if (!body.contains("historical_keys")) body["historical_keys"] = nullptr;
        return api_json_response(body);
    }
    body["health"] = {{"status", "ok"}};
    return api_json_response(body);
}

using Handler = http::Response (*)(const AdminServices&, const ApiCall&);

ApiHandler bind(const AdminServices& services, Handler handler) {
    return [services, handler](const ApiCall& call) { return handler(services, call); };
}

}  // namespace

std::string_view admin_version() { return INMOR_VERSION; }

std::vector<ApiRoute> server_routes(const AdminServices& services) {
    // One probe for the life of the route table; its fetcher pools connections.
    auto probe = std::make_shared<const FederationHealthProbe>(services.config);
    ApiHandler federation_health = [probe](const ApiCall&) {
        return api_json_response(federation_health_json(probe->check()));
    };
    return {
        {"POST", "/server/entity", bind(services, &publish_entity),
         "Sign and publish the entity configuration: {entity_id, kid, iat, exp, "
         "entity_configuration}"},
        {"POST", "/server/historical_keys", bind(services, &publish_historical_keys),
         "Sign and publish the historical keys JWT: {kid, iat, keys, kids, historical_keys}"},
        {"GET", "/server/status", bind(services, &status),
         "What is published: the federation server's /status numbers, store health, the "
         "decoded entity configuration, public and historical keys"},
        {"GET", "/server/federation_health", std::move(federation_health),
         "The federation server's own /health and /status, fetched from "
         "[admin] federation_server_url with a 2 s timeout: {configured, url, reachable, "
         "healthy, http_status, health, status, latency_ms, error}; always 200"},
    };
}

}  // namespace inmor::admin::api
