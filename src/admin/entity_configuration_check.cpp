// Fetching a subordinate's entity configuration through the guarded fetcher
// and checking it before the anchor signs a statement about it.
#include "admin/entity_configuration_check.h"

#include "admin/federation_signing.h"
#include "common/entity_id.h"
#include "common/json.h"
#include "common/logging.h"
#include "fetch/http_fetcher.h"
#include "policy/apply.h"
#include "policy/resolve.h"

#include <algorithm>
#include <vector>

namespace inmor::admin {
namespace {

namespace json = boost::json;
namespace fed = inmor::federation;

constexpr std::string_view kWellKnownPath = "/.well-known/openid-federation";

// The well-known URL: a trailing slash of the identifier is dropped first.
std::string configuration_url(std::string entityid) {
    if (!entityid.empty() && entityid.back() == '/') {
        entityid.pop_back();
    }
    return entityid + std::string(kWellKnownPath);
}

ActionResult<void> check_authority_hints(const AdminServices& services,
                                         const fed::EntityStatementClaims& claims) {
    const auto& hints = claims.authority_hints;
    bool named = std::any_of(hints.begin(), hints.end(), [&](const EntityId& hint) {
        return hint.str() == services.config.domain;
    });
    if (!named) {
        return ActionError{422,
                           "authority_hints: the entity configuration of " +
                               claims.subject.str() + " does not name this trust anchor (" +
                               services.config.domain + ")",
                           std::nullopt};
    }
    return {};
}

// The anchor's policy, then the subordinate's own, merged as the policy of
// the one statement the anchor signs.
ActionResult<policy::MetadataPolicy> statement_policy(const AdminServices& services,
                                                      const SubordinateInput& input) {
    Result<std::optional<json::object>> anchor = anchor_metadata_policy(services.config);
    if (!anchor) {
        return ActionError{422, anchor.error().message(), std::nullopt};
    }
    std::vector<policy::StatementPolicyClaims> levels;
    if (*anchor) {
        levels.push_back({json::value(**anchor), std::nullopt});
    }
    if (input.additional_claims) {
        policy::StatementPolicyClaims own;
        if (const json::value* value = input.additional_claims->if_contains("metadata_policy")) {
            own.metadata_policy = *value;
        }
        if (const json::value* crit =
                input.additional_claims->if_contains("metadata_policy_crit")) {
            own.metadata_policy_crit = *crit;
        }
        if (own.metadata_policy || own.metadata_policy_crit) {
            levels.push_back(std::move(own));
        }
    }

    Result<policy::MetadataPolicy> merged = policy::resolve_metadata_policy(levels);
    if (!merged) {
        return ActionError{422, "metadata_policy: " + merged.error().message(), std::nullopt};
    }
    return std::move(*merged);
}

// Forced metadata overrides the entity's own values, for the entity types
// it has (section "Applying Metadata"), before the policy runs.
ActionResult<json::object> with_forced_metadata(json::object metadata,
                                                const json::object& forced) {
    for (const auto& [entity_type, members] : forced) {
        if (!members.is_object()) {
            return ActionError{400,
                               "forced_metadata." + std::string(entity_type) +
                                   ": must be an object",
                               std::nullopt};
        }
        json::value* own = metadata.if_contains(entity_type);
        if (own == nullptr || !own->is_object()) {
            continue;
        }
        for (const auto& [name, value] : members.as_object()) {
            own->as_object()[name] = value;
        }
    }
    return metadata;
}

// " after N redirects" when the failing URL was reached by redirects, since
// the operator did not enter that URL; empty otherwise.
std::string redirects_before(const fetch::FetchError& error) {
    if (error.redirects == 0) {
        return "";
    }
    return " after " + std::to_string(error.redirects) +
           (error.redirects == 1 ? " redirect" : " redirects");
}

}  // namespace

// Each fetch failure as the status that fits it, naming the entity.
ActionError fetch_failed(const std::string& entityid, const fetch::FetchError& error) {
    using Kind = fetch::FetchErrorKind;
    const std::string where = "entityid: the entity configuration of " + entityid;
    const std::string after_redirects = redirects_before(error);
    switch (error.kind) {
    case Kind::kInvalidUrl:
        // An invalid redirect target is the entity's fault, not the request's.
        if (error.redirects > 0) {
            return {422, where + " was not fetched" + after_redirects + ": " + error.message,
                    std::nullopt};
        }
        return {400, where + " has no valid URL: " + error.message, std::nullopt};
    case Kind::kRefusedByGuard:
        return {422, where + " was not fetched" + after_redirects + ": " + error.message,
                std::nullopt};
    case Kind::kBodyTooLarge:
        return {502, where + " is larger than fetch.max_body_bytes: " + error.message,
                std::nullopt};
    case Kind::kHttpStatus:
        // After redirects the status came from another URL: name it.
        return {502,
                where + " could not be fetched" + after_redirects + ": HTTP status " +
                    std::to_string(error.http_status) +
                    (error.redirects > 0 ? " from " + error.url : ""),
                std::nullopt};
    default:
        break;
    }
    return {502,
            where + " could not be fetched (" +
                std::string(fetch::fetch_error_kind_name(error.kind)) + "): " + error.message,
            std::nullopt};
}

ActionResult<std::string> fetch_entity_configuration(const AdminServices& services,
                                              const std::string& entityid) {
    fetch::FetchResult<fetch::FetchResponse> response = services.fetcher.get(
        configuration_url(entityid), "application/entity-statement+jwt", true);
    if (!response) {
        logger("admin")->warn("entity configuration fetch failed entity_id={} kind={}",
                              entityid, fetch::fetch_error_kind_name(response.error().kind));
        return fetch_failed(entityid, response.error());
    }
    return std::move(response->body);
}

ActionResult<fed::UnverifiedEntityStatement> decode_entity_configuration(
    const AdminServices& services, const std::string& entityid, const std::string& jwt) {
    fed::StatementOptions options{services.config.allow_http};
    Result<fed::UnverifiedEntityStatement> decoded =
        fed::UnverifiedEntityStatement::decode(jwt, options);
    if (!decoded) {
        return ActionError{422,
                           "the entity configuration of " + entityid +
                               " is not a valid entity statement: " + decoded.error().message(),
                           std::nullopt};
    }
    if (decoded->claims().kind() != fed::StatementKind::kEntityConfiguration ||
        decoded->claims().subject.str() != entityid) {
        return ActionError{422,
                           "entityid: the statement at " + configuration_url(entityid) +
                               " is not the entity configuration of " + entityid,
                           std::nullopt};
    }
    return std::move(*decoded);
}

// The signature must verify with `keys`, the keys the operator registered.
ActionResult<void> verify_with_keys(const AdminServices& services, const std::string& entityid,
                               const std::string& jwt, const jose::JwkSet& keys) {
    Result<EntityId> id = EntityId::parse(entityid, services.config.allow_http);
    if (!id) {
        return action_error(id.error().with_context("entityid"));
    }
    fed::StatementOptions options{services.config.allow_http};
    Result<fed::EntityConfiguration> verified =
        fed::verify_entity_configuration(jwt, *id, services.clock, options, &keys);
    if (!verified) {
        return ActionError{422,
                           "jwks: the entity configuration of " + entityid +
                               " does not verify with the registered keys: " +
                               verified.error().message(),
                           std::nullopt};
    }
    return {};
}

ActionResult<jose::JwkSet> registered_keys(const json::object& jwks) {
    Result<jose::JwkSet> keys = jose::JwkSet::from_json(jwks);
    if (!keys) {
        return ActionError{400, "jwks: " + keys.error().message(), std::nullopt};
    }
    return std::move(*keys);
}

// Fetches (unless `fetched_jwt` is given), verifies with `keys`, checks the
// hints and the policy, and builds the statement to sign, which vouches for
// the keys of `input.jwks`.
ActionResult<CheckedEntity> check_entity(const AdminServices& services,
                                         const SubordinateInput& input,
                                         const jose::JwkSet& keys,
                                         const std::optional<std::string>& fetched_jwt) {
    ActionResult<std::string> jwt = fetched_jwt
                                        ? ActionResult<std::string>(*fetched_jwt)
                                        : fetch_entity_configuration(services, input.entityid);
    if (!jwt) {
        return jwt.error();
    }
    ActionResult<fed::UnverifiedEntityStatement> decoded =
        decode_entity_configuration(services, input.entityid, *jwt);
    if (!decoded) {
        return decoded.error();
    }
    if (ActionResult<void> verified = verify_with_keys(services, input.entityid, *jwt, keys);
        !verified) {
        return verified.error();
    }
    if (ActionResult<void> hinted = check_authority_hints(services, decoded->claims());
        !hinted) {
        return hinted.error();
    }

    ActionResult<policy::MetadataPolicy> merged = statement_policy(services, input);
    if (!merged) {
        return merged.error();
    }
    ActionResult<json::object> metadata = with_forced_metadata(
        decoded->claims().metadata.value_or(json::object()), input.forced_metadata);
    if (!metadata) {
        return metadata.error();
    }
    if (Result<json::object> applied = policy::apply_metadata_policy(*merged, *metadata);
        !applied) {
        return ActionError{422,
                           "metadata_policy: the metadata of " + input.entityid +
                               " does not meet the policy: " + applied.error().message(),
                           std::nullopt};
    }

    // The statement: additional claims first, so the anchor's own win.
    UnixSeconds now = services.clock.now();
    std::int64_t lifetime = services.config.federation.subordinate_statement_lifetime;
    std::int64_t hours = std::min(input.valid_for.value_or(lifetime), lifetime);
    json::object claims;
    if (input.additional_claims) {
        claims = *input.additional_claims;
        claims.erase("metadata_policy");
    }
    claims["iss"] = services.config.domain;
    claims["sub"] = input.entityid;
    claims["iat"] = now;
    claims["exp"] = now + hours * kSecondsPerHour;
    ActionResult<jose::JwkSet> statement_keys = registered_keys(input.jwks);
    if (!statement_keys) {
        return statement_keys.error();
    }
    claims["jwks"] = statement_keys->public_json();
    if (!input.forced_metadata.empty()) {
        claims["metadata"] = input.forced_metadata;
    }
    if (!merged->empty()) {
        claims["metadata_policy"] = policy::metadata_policy_to_json(*merged);
    }
    claims["source_endpoint"] = fetch_endpoint_of(services.config.domain);
    return CheckedEntity{std::move(*jwt), std::move(claims), now + hours * kSecondsPerHour};
}

ActionResult<json::object> preview_entity_configuration(const AdminServices& services,
                                                        const std::string& entityid) {
    if (Result<EntityId> id = EntityId::parse(entityid, services.config.allow_http); !id) {
        return action_error(id.error().with_context("entityid"));
    }
    ActionResult<std::string> jwt = fetch_entity_configuration(services, entityid);
    if (!jwt) {
        return jwt.error();
    }
    ActionResult<fed::UnverifiedEntityStatement> decoded =
        decode_entity_configuration(services, entityid, *jwt);
    if (!decoded) {
        return decoded.error();
    }

    // Keys behind a jwks_uri are shown inline, so the operator sees them all.
    json::object metadata = decoded->claims().metadata.value_or(json::object());
    for (auto& [entity_type, members] : metadata) {
        if (!members.is_object()) {
            continue;
        }
        json::object& object = members.as_object();
        const json::value* uri = object.if_contains("jwks_uri");
        if (uri == nullptr || !uri->is_string() || object.contains("jwks")) {
            continue;
        }
        std::string location(uri->as_string());
        fetch::FetchResult<fetch::FetchResponse> keys =
            services.fetcher.get(location, "application/json", true);
        if (!keys) {
            // The jwks_uri comes from the entity, so an invalid one is the
            // entity's fault (422), not the request's.
            ActionError error = fetch_failed(entityid, keys.error());
            error.status = error.status == 400 ? 422 : error.status;
            error.message = "metadata." + std::string(entity_type) + ".jwks_uri: not fetched" +
                            redirects_before(keys.error()) + ": " + keys.error().message;
            return error;
        }
        Result<json::object> parsed = parse_json_object(keys->body, "jwks_uri");
        if (!parsed) {
            return ActionError{422,
                               "metadata." + std::string(entity_type) +
                                   ".jwks_uri: " + parsed.error().message(),
                               std::nullopt};
        }
        object["jwks"] = std::move(*parsed);
    }

    // authority_hints and trust_marks as received, as the original returns them.
    const json::object& payload = decoded->claims().payload;
    json::value hints = payload.contains("authority_hints") ? payload.at("authority_hints")
                                                            : json::value(json::array());
    json::value marks = payload.contains("trust_marks") ? payload.at("trust_marks")
                                                        : json::value(json::array());
    return json::object{{"entity_configuration", json::object{{"jwt", *jwt}, {"payload", payload}}},
                        {"metadata", std::move(metadata)},
                        {"jwks", decoded->claims().jwks.public_json()},
                        {"authority_hints", std::move(hints)},
                        {"trust_marks", std::move(marks)}};
}

}  // namespace inmor::admin
