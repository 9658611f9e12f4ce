// /apikeys: API keys of the caller (superusers see and revoke every key).
#include "admin/api/admin_routes.h"
#include "admin/api/request_input.h"
#include "admin/api_key_repository.h"
#include "common/logging.h"

#include <boost/json/array.hpp>

#include <algorithm>

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

/// Maximum key name length, in bytes.
constexpr std::size_t kMaxKeyNameBytes = 200;
/// Maximum lifetime of a new key, in days (ten years).
constexpr std::int64_t kMaxKeyLifetimeDays = 3650;

json::object key_json(const ApiKey& key) {
    json::object body = to_json(key);
    body["owner"] = key.username;
    return body;
}

http::Response list(const AdminServices& services, const ApiCall& call) {
    auto page = page_request(call.request);
    if (!page) return api_error_response(page.error());
    std::optional<std::int64_t> owner;
    if (!call.caller.is_superuser) owner = call.caller.user_id;
    auto keys = list_api_keys(services.database, owner);
    if (!keys) return api_error_response(api_error_from(keys.error()));

    // Keys are few (one per script), so the page is cut from the whole list.
    const auto total = static_cast<std::int64_t>(keys->size());
    const std::int64_t first = std::min(page->offset, total);
    const std::int64_t last = std::min(first + page->limit, total);
    json::array items;
    for (std::int64_t i = first; i < last; ++i) {
        items.emplace_back(key_json((*keys)[static_cast<std::size_t>(i)]));
    }
    return api_json_response(json::object{{"count", total}, {"items", std::move(items)}});
}

http::Response create(const AdminServices& services, const ApiCall& call) {
    auto body = body_object(call.request);
    if (!body) return api_error_response(body.error());
    if (auto known = reject_unknown_members(*body, {"name", "expires_days"}); !known) {
        return api_error_response(known.error());
    }
    auto name = string_member(*body, "name", true);
    if (!name) return api_error_response(name.error());
    if ((*name)->empty() || (*name)->size() > kMaxKeyNameBytes) {
        return api_error_response(ApiError{
            400, "name: must be 1 to " + std::to_string(kMaxKeyNameBytes) + " bytes", {}});
    }
    auto days = integer_member(*body, "expires_days", 1, kMaxKeyLifetimeDays);
    if (!days) return api_error_response(days.error());

    const UnixSeconds now = services.clock.now();
    std::optional<UnixSeconds> expires_at;
    if (*days) expires_at = now + **days * 86400;
    auto created = services.database.with_transaction([&](SqlExecutor& tx) -> Result<json::object> {
        auto key = create_api_key(tx, call.caller.user_id, **name, expires_at, now);
        if (!key) return key.error();
        json::object key_body = key_json(key->key);
        auto audited = write_audit(tx, call.actor, now, "create", "api_key",
                                   std::to_string(key->key.id), std::nullopt, key_body);
        if (!audited) return audited.error();
        key_body["key"] = key->secret;
        return key_body;
    });
    if (!created) return api_error_response(api_error_from(created.error()));
    logger("admin")->info("api key created prefix={} owner={}", created->at("prefix").as_string(),
                          call.actor.username);
    return api_json_response(*created, 201);
}

http::Response revoke(const AdminServices& services, const ApiCall& call) {
    auto id = path_id(call, "API key");
    if (!id) return api_error_response(id.error());
    std::optional<std::int64_t> owner;
    if (!call.caller.is_superuser) owner = call.caller.user_id;
    auto keys = list_api_keys(services.database, owner);
    if (!keys) return api_error_response(api_error_from(keys.error()));
    const auto found = std::find_if(keys->begin(), keys->end(),
                                    [&](const ApiKey& key) { return key.id == *id; });
    // Another user's key looks absent to a non-superuser.
    if (found == keys->end()) {
        return api_error_response(ApiError{404, "API key not found: " + std::to_string(*id), {}});
    }
    if (!found->active) {
        return api_error_response(
            ApiError{400, "id: API key " + std::to_string(*id) + " is revoked already", {}});
    }

    const UnixSeconds now = services.clock.now();
    auto revoked = services.database.with_transaction([&](SqlExecutor& tx) -> Result<json::object> {
        auto key = revoke_api_key(tx, std::to_string(*id));
        if (!key) return key.error();
        json::object after = key_json(*key);
        auto audited = write_audit(tx, call.actor, now, "revoke", "api_key", std::to_string(*id),
                                   key_json(*found), after);
        if (!audited) return audited.error();
        return after;
    });
    if (!revoked) return api_error_response(api_error_from(revoked.error()));
    logger("admin")->info("api key revoked id={} by={}", *id, call.actor.username);
    return api_json_response(*revoked);
}

using Handler = http::Response (*)(const AdminServices&, const ApiCall&);

ApiHandler bind(const AdminServices& services, Handler handler) {
    return [services, handler](const ApiCall& call) { return handler(services, call); };
}

}  // namespace

std::vector<ApiRoute> api_key_routes(const AdminServices& services) {
    return {
        {"GET", "/apikeys", bind(services, &list),
         "List API keys (own keys; every key for superusers); never the secret"},
        {"POST", "/apikeys", bind(services, &create),
         "Create a key from {name, expires_days?}; the response's `key` is shown only once"},
        {"DELETE", "/apikeys/{id}", bind(services, &revoke), "Revoke a key; returns it"},
    };
}

}  // namespace inmor::admin::api
