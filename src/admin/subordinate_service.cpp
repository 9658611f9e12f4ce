// Subordinates: fetch, check, sign, write with audit, publish.
#include "admin/subordinate_service.h"

#include "admin/admin_metrics.h"
#include "admin/federation_signing.h"
#include "common/entity_id.h"
#include "common/json.h"
#include "common/logging.h"
#include "federation/entity_statement.h"
#include "fetch/http_fetcher.h"
#include "jose/jws.h"
#include "policy/apply.h"
#include "policy/resolve.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

namespace inmor::admin {
namespace {

namespace json = boost::json;
namespace fed = inmor::federation;

constexpr std::string_view kResource = "subordinate";
constexpr std::string_view kWellKnownPath = "/.well-known/openid-federation";

// A checked entity configuration and the statement built from it.
struct CheckedEntity {
    std::string entity_configuration;  // the JWT as fetched
    json::object claims;               // the subordinate statement to sign
    UnixSeconds expires_at = 0;
};

AuditEntry audit_entry(const AuditActor& actor, std::string_view action, std::int64_t id,
                       UnixSeconds now) {
    AuditEntry entry;
    entry.at = now;
    entry.actor = actor;
    entry.action = std::string(action);
    entry.resource_type = std::string(kResource);
    entry.resource_id = std::to_string(id);
    entry.result = "success";
    return entry;
}

ActionError publish_failed(const Error& error) {
    logger("admin")->error("publish failed after commit what=subordinate error={} detail={}",
                           error.message(), error.detail());
    return {503,
            "saved, but publishing the subordinate statement failed (" + error.message() +
                "); it is published again at the next start or renewal",
            std::nullopt};
}

// The well-known URL: a trailing slash of the identifier is dropped first.
std::string configuration_url(std::string entityid) {
    if (!entityid.empty() && entityid.back() == '/') {
        entityid.pop_back();
    }
    return entityid + std::string(kWellKnownPath);
}

// Each fetch failure as the status that fits it, naming the entity.
ActionError fetch_failed(const std::string& entityid, const fetch::FetchError& error) {
    using Kind = fetch::FetchErrorKind;
    const std::string where = "entityid: the entity configuration of " + entityid;
    switch (error.kind) {
    case Kind::kInvalidUrl:
        return {400, where + " has no valid URL: " + error.message, std::nullopt};
    case Kind::kRefusedByGuard:
        return {422, where + " was not fetched: " + error.message, std::nullopt};
    case Kind::kBodyTooLarge:
        return {502, where + " is larger than fetch.max_body_bytes: " + error.message,
                std::nullopt};
    case Kind::kHttpStatus:
        return {502,
                where + " could not be fetched: HTTP status " +
                    std::to_string(error.http_status),
                std::nullopt};
    default:
        break;
    }
    return {502,
            where + " could not be fetched (" +
                std::string(fetch::fetch_error_kind_name(error.kind)) + "): " + error.message,
            std::nullopt};
}

ActionResult<std::string> fetch_configuration(const AdminServices& services,
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

ActionResult<fed::UnverifiedEntityStatement> decode_configuration(
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
ActionResult<void> verify_with(const AdminServices& services, const std::string& entityid,
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

ActionResult<jose::JwkSet> registered_keys(const json::object& jwks) {
    Result<jose::JwkSet> keys = jose::JwkSet::from_json(jwks);
    if (!keys) {
        return ActionError{400, "jwks: " + keys.error().message(), std::nullopt};
    }
    return std::move(*keys);
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

// Fetches (unless `fetched_jwt` is given), verifies with `keys`, checks the
// hints and the policy, and builds the statement to sign, which vouches for
// the keys of `input.jwks`.
ActionResult<CheckedEntity> check_entity(const AdminServices& services,
                                         const SubordinateInput& input,
                                         const jose::JwkSet& keys,
                                         const std::optional<std::string>& fetched_jwt = {}) {
    ActionResult<std::string> jwt = fetched_jwt ? ActionResult<std::string>(*fetched_jwt)
                                                : fetch_configuration(services, input.entityid);
    if (!jwt) {
        return jwt.error();
    }
    ActionResult<fed::UnverifiedEntityStatement> decoded =
        decode_configuration(services, input.entityid, *jwt);
    if (!decoded) {
        return decoded.error();
    }
    if (ActionResult<void> verified = verify_with(services, input.entityid, *jwt, keys);
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

// Records a newly signed statement and the configuration it was checked on.
Result<Subordinate> record_signed(SqlExecutor& executor, std::int64_t id,
                                  const std::string& statement, const CheckedEntity& checked,
                                  UnixSeconds now) {
    Result<Subordinate> recorded =
        record_subordinate_statement(executor, id, statement, checked.expires_at, now);
    if (!recorded) {
        return recorded.error();
    }
    return record_entity_configuration(executor, id, checked.entity_configuration, now);
}

ActionResult<std::string> sign(const AdminServices& services, const CheckedEntity& checked) {
    Result<std::string> statement =
        sign_subordinate_statement(services.keys.private_key, checked.claims);
    if (!statement) {
        return action_error(statement.error());
    }
    return std::move(*statement);
}

SubordinateInput input_of(const Subordinate& subordinate) {
    SubordinateInput input;
    input.entityid = subordinate.entityid;
    input.metadata = subordinate.metadata;
    input.forced_metadata = subordinate.forced_metadata;
    input.jwks = subordinate.jwks;
    input.required_trustmarks = subordinate.required_trustmarks;
    input.valid_for = subordinate.valid_for;
    input.autorenew = subordinate.autorenew;
    input.active = subordinate.active;
    input.additional_claims = subordinate.additional_claims;
    return input;
}

std::set<std::string> thumbprints(const jose::JwkSet& keys) {
    std::set<std::string> prints;
    for (const jose::Jwk& key : keys) {
        prints.insert(key.thumbprint());
    }
    return prints;
}

Result<Subordinate> existing(SqlExecutor& executor, std::int64_t id) {
    Result<std::optional<Subordinate>> found = find_subordinate(executor, id);
    if (!found) {
        return found.error();
    }
    if (!found->has_value()) {
        return not_found_error("subordinate", id);
    }
    return **found;
}

// Holds the subordinate for approval with an audit entry, in one transaction.
ActionResult<Subordinate> hold(const AdminServices& services, const Subordinate& subordinate,
                               const std::string& reason, const AuditActor& actor) {
    Result<Subordinate> held =
        services.database.with_transaction([&](SqlExecutor& executor) -> Result<Subordinate> {
            UnixSeconds now = services.clock.now();
            Result<Subordinate> after =
                set_held_for_approval(executor, subordinate.id, reason, now);
            if (!after) {
                return after.error();
            }
            AuditEntry entry = audit_entry(actor, "hold", subordinate.id, now);
            entry.before = to_json(subordinate);
            entry.after = json::object{{"held_for_approval", true}, {"held_reason", reason}};
            entry.result = "held";
            if (Result<std::int64_t> audited = write_audit_entry(executor, entry); !audited) {
                return audited.error();
            }
            return after;
        });
    if (!held) {
        return action_error(held.error());
    }
    admin_metrics().count_held();
    logger("admin")->warn("subordinate held for approval entity_id={} reason={}",
                          subordinate.entityid, reason);
    return *held;
}

// Removes a deactivated subordinate from the collection data: its entity
// entry, its superiors and its entity type and trust mark type sets.
// NOTE: its member of `inmor:collection:all_sorted` stays, because the store
// offers no sorted-set removal. Readers skip ids without an entity entry, but
// a federation server keeps serving its cached collection view until the next
// walk changes `inmor:collection:last_updated`.
Result<void> withdraw_from_collection(storage::FederationStore& store,
                                      const std::string& entity_id) {
    Result<std::optional<std::string>> entry = store.collection_entity(entity_id);
    if (!entry) {
        return entry.error();
    }
    if (!*entry) {
        return {};
    }

    storage::WriteBatch batch;
    const std::string prefix(storage::keys::kCollectionPrefix);
    batch.hash_erase(prefix + "entities", entity_id);
    batch.hash_erase(prefix + "superiors", entity_id);
    Result<json::object> info = parse_json_object(**entry, "collection entity");
    const json::value* types = info ? info->if_contains("entity_types") : nullptr;
    if (types != nullptr && types->is_array()) {
        for (const json::value& type : types->as_array()) {
            if (type.is_string()) {
                batch.set_remove(storage::keys::collection_of_type(type.as_string()), entity_id);
            }
        }
    }
    Result<std::vector<std::string>> mark_types = store.collection_trust_mark_types();
    if (!mark_types) {
        return mark_types.error();
    }
    for (const std::string& type : *mark_types) {
        batch.set_remove(storage::keys::collection_with_trust_mark(type), entity_id);
    }
    return store.key_value_store().apply(batch);
}

}  // namespace

SubordinateLimits subordinate_limits(const Config& config) {
    return SubordinateLimits{config.federation.subordinate_statement_lifetime,
                             config.allow_http};
}

ActionResult<json::object> preview_entity_configuration(const AdminServices& services,
                                                        const std::string& entityid) {
    if (Result<EntityId> id = EntityId::parse(entityid, services.config.allow_http); !id) {
        return action_error(id.error().with_context("entityid"));
    }
    ActionResult<std::string> jwt = fetch_configuration(services, entityid);
    if (!jwt) {
        return jwt.error();
    }
    ActionResult<fed::UnverifiedEntityStatement> decoded =
        decode_configuration(services, entityid, *jwt);
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
            ActionError error = fetch_failed(entityid, keys.error());
            error.message = "metadata." + std::string(entity_type) +
                            ".jwks_uri: " + keys.error().message;
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

ActionResult<Subordinate> add_subordinate(const AdminServices& services,
                                          const SubordinateInput& input,
                                          const AuditActor& actor) {
    SubordinateLimits limits = subordinate_limits(services.config);
    if (Result<void> valid = validate_subordinate(input, limits); !valid) {
        return action_error(valid.error());
    }
    Result<std::optional<Subordinate>> known =
        find_subordinate_by_entity_id(services.database, input.entityid);
    if (!known) {
        return action_error(known.error());
    }
    if (known->has_value()) {
        return ActionError{403, "entityid: already exists", (*known)->id};
    }

    ActionResult<jose::JwkSet> keys = registered_keys(input.jwks);
    if (!keys) {
        return keys.error();
    }
    ActionResult<CheckedEntity> checked = check_entity(services, input, *keys);
    if (!checked) {
        return checked.error();
    }
    ActionResult<std::string> statement = sign(services, *checked);
    if (!statement) {
        return statement.error();
    }

    Result<Inserted<Subordinate>> created = services.database.with_transaction(
        [&](SqlExecutor& executor) -> Result<Inserted<Subordinate>> {
            UnixSeconds now = services.clock.now();
            Result<Inserted<Subordinate>> inserted =
                create_subordinate(executor, input, limits, now);
            if (!inserted || inserted->duplicate) {
                return inserted;
            }
            Result<Subordinate> row =
                record_signed(executor, inserted->row.id, *statement, *checked, now);
            if (!row) {
                return row.error();
            }
            inserted->row = *row;
            AuditEntry entry = audit_entry(actor, "create", row->id, now);
            entry.after = to_json(*row);
            if (Result<std::int64_t> audited = write_audit_entry(executor, entry); !audited) {
                return audited.error();
            }
            return inserted;
        });
    if (!created) {
        return action_error(created.error());
    }
    if (created->duplicate) {
        return ActionError{403, "entityid: already exists", created->row.id};
    }
    logger("admin")->info("subordinate created id={} entity_id={} by={}", created->row.id,
                          created->row.entityid, actor.username);

    if (ActionResult<void> published = republish_subordinate(services, created->row);
        !published) {
        return published.error();
    }
    return created->row;
}

ActionResult<Subordinate> change_subordinate(const AdminServices& services, std::int64_t id,
                                             const SubordinateInput& input,
                                             const AuditActor& actor) {
    Result<Subordinate> before = existing(services.database, id);
    if (!before) {
        return action_error(before.error());
    }
    SubordinateInput checked_input = input;
    if (checked_input.entityid.empty()) {
        checked_input.entityid = before->entityid;
    }
    SubordinateLimits limits = subordinate_limits(services.config);
    if (checked_input.entityid != before->entityid) {
        return ActionError{400, "entityid: cannot be changed; create a new subordinate instead",
                           std::nullopt};
    }
    if (Result<void> valid = validate_subordinate(checked_input, limits); !valid) {
        return action_error(valid.error());
    }

    // An inactive subordinate is only withdrawn; nothing is fetched for it.
    std::optional<CheckedEntity> checked;
    std::optional<std::string> statement;
    if (checked_input.active) {
        ActionResult<jose::JwkSet> keys = registered_keys(checked_input.jwks);
        if (!keys) {
            return keys.error();
        }
        ActionResult<CheckedEntity> entity = check_entity(services, checked_input, *keys);
        if (!entity) {
            return entity.error();
        }
        ActionResult<std::string> signed_statement = sign(services, *entity);
        if (!signed_statement) {
            return signed_statement.error();
        }
        checked = std::move(*entity);
        statement = std::move(*signed_statement);
    }

    Result<Subordinate> changed =
        services.database.with_transaction([&](SqlExecutor& executor) -> Result<Subordinate> {
            UnixSeconds now = services.clock.now();
            Result<Subordinate> row =
                update_subordinate(executor, id, checked_input, limits, now);
            if (!row) {
                return row.error();
            }
            if (checked) {
                row = set_held_for_approval(executor, id, std::nullopt, now);
                if (!row) {
                    return row.error();
                }
                row = record_signed(executor, id, *statement, *checked, now);
                if (!row) {
                    return row.error();
                }
            }
            std::string_view action = !checked_input.active && before->active ? "deactivate"
                                                                              : "update";
            AuditEntry entry = audit_entry(actor, action, id, now);
            entry.before = to_json(*before);
            entry.after = to_json(*row);
            if (Result<std::int64_t> audited = write_audit_entry(executor, entry); !audited) {
                return audited.error();
            }
            return row;
        });
    if (!changed) {
        return action_error(changed.error());
    }
    logger("admin")->info("subordinate updated id={} entity_id={} active={} by={}", id,
                          changed->entityid, changed->active, actor.username);

    if (ActionResult<void> published = republish_subordinate(services, *changed); !published) {
        return published.error();
    }
    return *changed;
}

std::string_view renewal_outcome_name(RenewalOutcome outcome) {
    switch (outcome) {
    case RenewalOutcome::kRenewed:
        return "renewed";
    case RenewalOutcome::kKeysRotated:
        return "keys_rotated";
    case RenewalOutcome::kHeld:
        return "held";
    }
    return "renewed";
}

ActionResult<SubordinateRenewal> renew_subordinate(const AdminServices& services,
                                                   std::int64_t id, const AuditActor& actor) {
    Result<Subordinate> before = existing(services.database, id);
    if (!before) {
        return action_error(before.error());
    }
    if (!before->active) {
        return ActionError{422, "active: an inactive subordinate is not renewed", std::nullopt};
    }
    if (before->held_for_approval) {
        return ActionError{422,
                           "held_for_approval: " + before->entityid +
                               " waits for an operator to approve its keys (" +
                               before->held_reason.value_or("") +
                               "); update its jwks to approve",
                           std::nullopt};
    }

    ActionResult<jose::JwkSet> registered = registered_keys(before->jwks);
    if (!registered) {
        return registered.error();
    }
    ActionResult<std::string> jwt = fetch_configuration(services, before->entityid);
    if (!jwt) {
        admin_metrics().count_renewal("subordinate", "failed");
        return jwt.error();
    }
    ActionResult<fed::UnverifiedEntityStatement> decoded =
        decode_configuration(services, before->entityid, *jwt);
    if (!decoded) {
        admin_metrics().count_renewal("subordinate", "failed");
        return decoded.error();
    }

    // New keys count only when a key the operator registered vouches for them.
    SubordinateInput input = input_of(*before);
    RenewalOutcome outcome = RenewalOutcome::kRenewed;
    if (thumbprints(decoded->claims().jwks) != thumbprints(*registered)) {
        if (!verify_with(services, before->entityid, *jwt, *registered)) {
            std::string reason = "the entity configuration carries new keys and is not "
                                 "signed by a registered key (kid " + decoded->kid() + ")";
            ActionResult<Subordinate> held = hold(services, *before, reason, actor);
            if (!held) {
                return held.error();
            }
            admin_metrics().count_renewal("subordinate", "held");
            return SubordinateRenewal{*held, RenewalOutcome::kHeld};
        }
        input.jwks = decoded->claims().jwks.public_json();
        outcome = RenewalOutcome::kKeysRotated;
    }

    // Verified with the registered keys; the statement vouches for input.jwks.
    ActionResult<CheckedEntity> checked = check_entity(services, input, *registered, *jwt);
    if (!checked) {
        admin_metrics().count_renewal("subordinate", "failed");
        return checked.error();
    }
    ActionResult<std::string> statement = sign(services, *checked);
    if (!statement) {
        return statement.error();
    }

    SubordinateLimits limits = subordinate_limits(services.config);
    Result<Subordinate> renewed =
        services.database.with_transaction([&](SqlExecutor& executor) -> Result<Subordinate> {
            UnixSeconds now = services.clock.now();
            if (outcome == RenewalOutcome::kKeysRotated) {
                Result<Subordinate> rotated = update_subordinate(executor, id, input, limits, now);
                if (!rotated) {
                    return rotated.error();
                }
            }
            Result<Subordinate> row = record_signed(executor, id, *statement, *checked, now);
            if (!row) {
                return row.error();
            }
            AuditEntry entry = audit_entry(
                actor, outcome == RenewalOutcome::kKeysRotated ? "rotate_keys" : "renew", id,
                now);
            entry.before = to_json(*before);
            entry.after = to_json(*row);
            if (Result<std::int64_t> audited = write_audit_entry(executor, entry); !audited) {
                return audited.error();
            }
            return row;
        });
    if (!renewed) {
        admin_metrics().count_renewal("subordinate", "failed");
        return action_error(renewed.error());
    }
    admin_metrics().count_renewal("subordinate", renewal_outcome_name(outcome));
    logger("admin")->info("subordinate renewed id={} entity_id={} outcome={} by={}", id,
                          renewed->entityid, renewal_outcome_name(outcome), actor.username);

    if (ActionResult<void> published = republish_subordinate(services, *renewed); !published) {
        return published.error();
    }
    return SubordinateRenewal{*renewed, outcome};
}

ActionResult<void> republish_subordinate(const AdminServices& services,
                                         const Subordinate& subordinate) {
    Result<void> published;
    if (!subordinate.active) {
        published = services.store.remove_subordinate(subordinate.entityid);
        if (published) {
            published = withdraw_from_collection(services.store, subordinate.entityid);
        }
    } else if (subordinate.statement) {
        std::string configuration = subordinate.entity_configuration.value_or("");
        published = services.store.publish_subordinate(
            subordinate.entityid, *subordinate.statement, configuration,
            entity_kind_of_jwt(configuration));
    }
    if (!published) {
        return publish_failed(published.error());
    }
    return {};
}

Result<Page<Subordinate>> search_subordinates(SqlExecutor& executor,
                                              const SubordinateQuery& query) {
    if (Result<void> valid = validate_page(query.page); !valid) {
        return valid.error();
    }
    std::string_view key = query.sort;
    bool descending = !key.empty() && key.front() == '-';
    if (descending) {
        key.remove_prefix(1);
    }
    // Only these columns may be named, so the ORDER BY text is never user input.
    constexpr std::array<std::string_view, 5> kSortKeys = {"id", "entityid", "expire_at",
                                                           "active", "updated_at"};
    if (std::find(kSortKeys.begin(), kSortKeys.end(), key) == kSortKeys.end()) {
        return field_error("sort", "must be one of id, entityid, expire_at, active, "
                                   "updated_at (with - for descending)");
    }

    std::string where = " WHERE 1 = 1";
    SqlParams params;
    if (!query.search.empty()) {
        // LIKE wildcards in the search text match themselves.
        std::string pattern;
        for (char c : query.search) {
            if (c == '%' || c == '_' || c == '\\') {
                pattern += '\\';
            }
            pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        where += " AND LOWER(entityid) LIKE ? ESCAPE '\\'";
        params.emplace_back("%" + pattern + "%");
    }
    if (query.active) {
        where += " AND active = ?";
        params.emplace_back(std::int64_t{*query.active});
    }
    std::string direction = descending ? " DESC" : " ASC";
    // NULL expiries sort last on both engines.
    std::string order = " ORDER BY " + std::string(key) + " IS NULL, " + std::string(key) +
                        direction + ", id" + direction;

    Result<std::int64_t> count =
        count_rows(executor, "SELECT COUNT(*) FROM subordinates" + where, params);
    if (!count) {
        return count.error();
    }
    Result<std::vector<Row>> ids = executor.query(
        "SELECT id FROM subordinates" + where + order + " LIMIT ? OFFSET ?",
        with_page(params, query.page));
    if (!ids) {
        return ids.error();
    }
    Page<Subordinate> page{*count, {}};
    for (const Row& row : *ids) {
        Result<Subordinate> subordinate = existing(executor, row.integer(0));
        if (!subordinate) {
            return subordinate.error();
        }
        page.items.push_back(std::move(*subordinate));
    }
    return page;
}

Result<std::vector<Subordinate>> all_subordinates(SqlExecutor& executor) {
    std::vector<Subordinate> subordinates;
    PageRequest page{kMaxPageLimit, 0};
    while (true) {
        Result<Page<Subordinate>> listed = list_subordinates(executor, page);
        if (!listed) {
            return listed.error();
        }
        for (Subordinate& subordinate : listed->items) {
            subordinates.push_back(std::move(subordinate));
        }
        page.offset += static_cast<std::int64_t>(listed->items.size());
        if (listed->items.empty() || page.offset >= listed->count) {
            return subordinates;
        }
    }
}

}  // namespace inmor::admin
