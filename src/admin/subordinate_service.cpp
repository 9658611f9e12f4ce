// Subordinates: fetch, check, sign, write with audit, publish.
#include "admin/subordinate_service.h"

#include "admin/admin_metrics.h"
#include "admin/federation_signing.h"
#include "common/json.h"
#include "common/logging.h"

#include <set>

namespace inmor::admin {
namespace {

namespace json = boost::json;
namespace fed = inmor::federation;

constexpr std::string_view kResource = "subordinate";

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

// A subordinate statement, signed for an entity whose configuration passed
// the checks.
struct SignedStatement {
    CheckedEntity checked;
    std::string statement;
};

// Fetches the entity configuration, checks it with the keys in `input.jwks`
// and signs the subordinate statement.
ActionResult<SignedStatement> check_and_sign(const AdminServices& services,
                                             const SubordinateInput& input) {
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
    return SignedStatement{std::move(*checked), std::move(*statement)};
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

// Whether the members an operator sets are equal in two rows of one subordinate.
bool same_settings(const Subordinate& left, const Subordinate& right) {
    return left.active == right.active && left.held_for_approval == right.held_for_approval &&
           left.jwks == right.jwks && left.metadata == right.metadata &&
           left.forced_metadata == right.forced_metadata &&
           left.required_trustmarks == right.required_trustmarks &&
           left.valid_for == right.valid_for && left.autorenew == right.autorenew &&
           left.additional_claims == right.additional_claims;
}

std::set<std::string> thumbprints(const jose::JwkSet& keys) {
    std::set<std::string> prints;
    for (const jose::Jwk& key : keys) {
        prints.insert(key.thumbprint());
    }
    return prints;
}

Result<Subordinate> existing(SqlExecutor& executor, std::int64_t id) {
    return require_found(find_subordinate(executor, id), "subordinate", id);
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
            Result<std::int64_t> audited = write_audit(
                executor, actor, now, "hold", kResource, std::to_string(subordinate.id),
                to_json(subordinate),
                json::object{{"held_for_approval", true}, {"held_reason", reason}}, "held");
            if (!audited) {
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

    ActionResult<SignedStatement> signed_entity = check_and_sign(services, input);
    if (!signed_entity) {
        return signed_entity.error();
    }

    std::lock_guard order(publication_order());
    ActionResult<Subordinate> created = create_with_audit<Subordinate>(
        services, actor, kResource, "entityid: already exists",
        [&](SqlExecutor& executor, UnixSeconds now) -> Result<Inserted<Subordinate>> {
            Result<Inserted<Subordinate>> inserted =
                create_subordinate(executor, input, limits, now);
            if (!inserted || inserted->duplicate) {
                return inserted;
            }
            Result<Subordinate> row =
                record_signed(executor, inserted->row.id, signed_entity->statement,
                              signed_entity->checked, now);
            if (!row) {
                return row.error();
            }
            inserted->row = *row;
            return inserted;
        });
    if (!created) {
        return created.error();
    }
    logger("admin")->info("subordinate created id={} entity_id={} by={}", created->id,
                          created->entityid, actor.username);

    if (ActionResult<void> published = republish_subordinate(services, *created); !published) {
        return published.error();
    }
    return *created;
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
    std::optional<SignedStatement> signed_entity;
    if (checked_input.active) {
        ActionResult<SignedStatement> fresh = check_and_sign(services, checked_input);
        if (!fresh) {
            return fresh.error();
        }
        signed_entity = std::move(*fresh);
    }

    std::lock_guard order(publication_order());
    Result<Subordinate> changed =
        services.database.with_transaction([&](SqlExecutor& executor) -> Result<Subordinate> {
            UnixSeconds now = services.clock.now();
            Result<Subordinate> row =
                update_subordinate(executor, id, checked_input, limits, now);
            if (!row) {
                return row.error();
            }
            if (signed_entity) {
                row = set_held_for_approval(executor, id, std::nullopt, now);
                if (!row) {
                    return row.error();
                }
                row = record_signed(executor, id, signed_entity->statement,
                                    signed_entity->checked, now);
                if (!row) {
                    return row.error();
                }
            }
            std::string_view action = !checked_input.active && before->active ? "deactivate"
                                                                              : "update";
            Result<std::int64_t> audited =
                write_audit(executor, actor, now, action, kResource, std::to_string(id),
                            to_json(*before), to_json(*row));
            if (!audited) {
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
    ActionResult<std::string> jwt = fetch_entity_configuration(services, before->entityid);
    if (!jwt) {
        admin_metrics().count_renewal("subordinate", "failed");
        return jwt.error();
    }
    ActionResult<fed::UnverifiedEntityStatement> decoded =
        decode_entity_configuration(services, before->entityid, *jwt);
    if (!decoded) {
        admin_metrics().count_renewal("subordinate", "failed");
        return decoded.error();
    }

    // New keys count only when a key the operator registered vouches for them.
    SubordinateInput input = input_of(*before);
    RenewalOutcome outcome = RenewalOutcome::kRenewed;
    if (thumbprints(decoded->claims().jwks) != thumbprints(*registered)) {
        if (!verify_with_keys(services, before->entityid, *jwt, *registered)) {
            // Invalid even under its own keys: a broken configuration, not a rotation.
            ActionResult<void> own =
                verify_with_keys(services, before->entityid, *jwt, decoded->claims().jwks);
            if (!own) {
                admin_metrics().count_renewal("subordinate", "failed");
                return own.error();
            }
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
    std::lock_guard order(publication_order());
    Result<Subordinate> renewed =
        services.database.with_transaction([&](SqlExecutor& executor) -> Result<Subordinate> {
            // The renewal was computed from `before`, read before the fetch. A
            // change committed meanwhile (a deactivation, new keys or settings)
            // wins, and this renewal is dropped rather than written over it.
            Result<Subordinate> current = existing(executor, id);
            if (!current) {
                return current.error();
            }
            if (!same_settings(*current, *before)) {
                return Error(ErrorCode::kInvalidMetadata,
                             "subordinate: changed while it was being renewed; renew it again");
            }
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
            std::string_view action =
                outcome == RenewalOutcome::kKeysRotated ? "rotate_keys" : "renew";
            Result<std::int64_t> audited =
                write_audit(executor, actor, now, action, kResource, std::to_string(id),
                            to_json(*before), to_json(*row));
            if (!audited) {
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
        return publish_failed("the subordinate statement", published.error());
    }
    return {};
}

}  // namespace inmor::admin
