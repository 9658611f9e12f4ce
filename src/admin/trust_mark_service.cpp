// Trust mark types and trust marks: write, audit, sign, publish.
#include "admin/trust_mark_service.h"

#include "admin/admin_metrics.h"
#include "admin/federation_signing.h"
#include "common/logging.h"

namespace inmor::admin {
namespace {

namespace json = boost::json;

constexpr std::string_view kTypeResource = "trust_mark_type";
constexpr std::string_view kMarkResource = "trust_mark";

Result<TrustMarkType> existing_type(SqlExecutor& executor, std::int64_t id) {
    return require_found(find_trust_mark_type(executor, id), "trust mark type", id);
}

Result<TrustMark> existing_mark(SqlExecutor& executor, std::int64_t id) {
    return require_found(find_trust_mark(executor, id), "trust mark", id);
}

// Signs `mark` of `type` now and stores the new JWT and expiry.
Result<TrustMark> sign_and_record(const AdminServices& services, SqlExecutor& executor,
                                  const TrustMarkType& type, const TrustMark& mark) {
    UnixSeconds now = services.clock.now();
    Result<json::object> claims = trust_mark_claims(services.config, type, mark, now);
    if (!claims) {
        return claims.error();
    }
    Result<std::string> jwt = sign_trust_mark(services.keys.private_key, *claims);
    if (!jwt) {
        return jwt.error();
    }
    return record_issued_trust_mark(executor, mark.id, *jwt,
                                    claims->at("exp").as_int64());
}

// The type a mark belongs to, for publishing under its identifier.
ActionResult<TrustMarkType> type_of(const AdminServices& services, const TrustMark& mark) {
    Result<TrustMarkType> type = existing_type(services.database, mark.tmt_id);
    if (!type) {
        return action_error(type.error());
    }
    return *type;
}

}  // namespace

TrustMarkTypeDefaults trust_mark_type_defaults(const Config& config) {
    const auto& configured = config.federation.trust_mark_type_defaults;
    return TrustMarkTypeDefaults{configured.autorenew, configured.valid_for,
                                 configured.renewal_time, configured.active};
}

ActionResult<TrustMarkType> add_trust_mark_type(const AdminServices& services,
                                                const TrustMarkTypeInput& input,
                                                const AuditActor& actor) {
    TrustMarkTypeDefaults defaults = trust_mark_type_defaults(services.config);
    ActionResult<TrustMarkType> created = create_with_audit<TrustMarkType>(
        services, actor, kTypeResource, "tmtype: already exists",
        [&](SqlExecutor& executor, UnixSeconds) {
            return create_trust_mark_type(executor, input, defaults);
        });
    if (!created) {
        return created.error();
    }
    logger("admin")->info("trust mark type created id={} tmtype={} by={}", created->id,
                          created->tmtype, actor.username);

    if (Result<void> published = republish_entity_configuration(services); !published) {
        return publish_failed("the entity configuration", published.error());
    }
    return *created;
}

ActionResult<TrustMarkType> change_trust_mark_type(const AdminServices& services,
                                                   std::int64_t id,
                                                   const TrustMarkTypeUpdate& update,
                                                   const AuditActor& actor) {
    Result<TrustMarkType> changed = services.database.with_transaction(
        [&](SqlExecutor& executor) -> Result<TrustMarkType> {
            Result<TrustMarkType> before = existing_type(executor, id);
            if (!before) {
                return before.error();
            }
            Result<TrustMarkType> after = update_trust_mark_type(executor, id, update);
            if (!after) {
                return after.error();
            }
            Result<std::int64_t> audited =
                write_audit(executor, actor, services.clock.now(), "update", kTypeResource,
                            std::to_string(id), to_json(*before), to_json(*after));
            if (!audited) {
                return audited.error();
            }
            return after;
        });
    if (!changed) {
        return action_error(changed.error());
    }
    logger("admin")->info("trust mark type updated id={} tmtype={} by={}", id, changed->tmtype,
                          actor.username);

    if (Result<void> published = republish_entity_configuration(services); !published) {
        return publish_failed("the entity configuration", published.error());
    }
    return *changed;
}

ActionResult<TrustMark> issue_trust_mark(const AdminServices& services,
                                         const TrustMarkInput& input, const AuditActor& actor) {
    std::lock_guard order(publication_order());
    std::optional<TrustMarkType> type;
    ActionResult<TrustMark> issued = create_with_audit<TrustMark>(
        services, actor, kMarkResource,
        "domain: a trust mark of this type already exists for this entity",
        [&](SqlExecutor& executor, UnixSeconds) -> Result<Inserted<TrustMark>> {
            Result<Inserted<TrustMark>> inserted =
                create_trust_mark(executor, input, services.config.allow_http);
            if (!inserted || inserted->duplicate) {
                return inserted;
            }
            Result<TrustMarkType> found = existing_type(executor, inserted->row.tmt_id);
            if (!found) {
                return found.error();
            }
            type = *found;
            if (!type->active) {
                return Error(ErrorCode::kInvalidMetadata,
                             "tmt_id: trust mark type " + type->tmtype + " is not active");
            }

            // An inactive mark is recorded but never signed.
            if (inserted->row.active) {
                Result<TrustMark> signed_mark =
                    sign_and_record(services, executor, *type, inserted->row);
                if (!signed_mark) {
                    return signed_mark.error();
                }
                inserted->row = *signed_mark;
            }
            return inserted;
        });
    if (!issued) {
        return issued.error();
    }
    logger("admin")->info("trust mark issued id={} tmtype={} sub={} by={}", issued->id,
                          type->tmtype, issued->domain, actor.username);

    if (issued->active && issued->mark) {
        Result<void> published =
            services.store.publish_trust_mark(issued->domain, type->tmtype, *issued->mark);
        if (!published) {
            return publish_failed("the trust mark", published.error());
        }
    }
    return *issued;
}

ActionResult<TrustMark> renew_trust_mark(const AdminServices& services, std::int64_t id,
                                         const AuditActor& actor) {
    std::lock_guard order(publication_order());
    std::optional<TrustMarkType> type;
    Result<TrustMark> renewed =
        services.database.with_transaction([&](SqlExecutor& executor) -> Result<TrustMark> {
            Result<TrustMark> before = existing_mark(executor, id);
            if (!before) {
                return before.error();
            }
            if (!before->active || before->revoked_at) {
                return Error(ErrorCode::kInvalidMetadata,
                             "active: a revoked or inactive trust mark is never renewed");
            }
            Result<TrustMarkType> found = existing_type(executor, before->tmt_id);
            if (!found) {
                return found.error();
            }
            type = *found;
            // The entity configuration no longer names this anchor as its issuer.
            if (!type->active) {
                return Error(ErrorCode::kInvalidMetadata,
                             "tmt_id: trust mark type " + type->tmtype + " is not active");
            }

            Result<TrustMark> after = sign_and_record(services, executor, *type, *before);
            if (!after) {
                return after.error();
            }
            Result<std::int64_t> audited =
                write_audit(executor, actor, services.clock.now(), "renew", kMarkResource,
                            std::to_string(id), to_json(*before), to_json(*after));
            if (!audited) {
                return audited.error();
            }
            return after;
        });
    if (!renewed) {
        admin_metrics().count_renewal("trust_mark", "failed");
        return action_error(renewed.error());
    }
    admin_metrics().count_renewal("trust_mark", "renewed");
    logger("admin")->info("trust mark renewed id={} tmtype={} sub={} by={}", id, type->tmtype,
                          renewed->domain, actor.username);

    Result<void> published =
        services.store.publish_trust_mark(renewed->domain, type->tmtype, *renewed->mark);
    if (!published) {
        return publish_failed("the trust mark", published.error());
    }
    return *renewed;
}

ActionResult<TrustMark> change_trust_mark(const AdminServices& services, std::int64_t id,
                                          const TrustMarkUpdate& update,
                                          const AuditActor& actor) {
    std::lock_guard order(publication_order());
    bool revoking = false;
    Result<TrustMark> changed =
        services.database.with_transaction([&](SqlExecutor& executor) -> Result<TrustMark> {
            Result<TrustMark> before = existing_mark(executor, id);
            if (!before) {
                return before.error();
            }
            Result<TrustMark> after =
                update_trust_mark(executor, id, update, services.clock.now());
            if (!after) {
                return after.error();
            }
            revoking = before->active && !after->active;

            // New claims on a live mark are only real once signed into it.
            if (after->active && update.additional_claims) {
                Result<TrustMarkType> type = existing_type(executor, after->tmt_id);
                if (!type) {
                    return type.error();
                }
                after = sign_and_record(services, executor, *type, *after);
                if (!after) {
                    return after.error();
                }
            }

            Result<std::int64_t> audited = write_audit(
                executor, actor, services.clock.now(), revoking ? "revoke" : "update",
                kMarkResource, std::to_string(id), to_json(*before), to_json(*after));
            if (!audited) {
                return audited.error();
            }
            return after;
        });
    if (!changed) {
        return action_error(changed.error());
    }
    logger("admin")->info("trust mark {} id={} sub={} by={}", revoking ? "revoked" : "updated",
                          id, changed->domain, actor.username);

    if (ActionResult<void> published = republish_trust_mark(services, *changed); !published) {
        return published.error();
    }
    return *changed;
}

ActionResult<void> republish_trust_mark(const AdminServices& services, const TrustMark& mark) {
    ActionResult<TrustMarkType> type = type_of(services, mark);
    if (!type) {
        return type.error();
    }

    Result<void> published;
    if (!mark.active || mark.revoked_at) {
        published = services.store.revoke_trust_mark(mark.domain, type->tmtype);
    } else if (mark.mark) {
        published = services.store.publish_trust_mark(mark.domain, type->tmtype, *mark.mark);
    }
    if (!published) {
        return publish_failed("the trust mark", published.error());
    }
    return {};
}

Result<std::vector<TrustMark>> all_trust_marks(SqlExecutor& executor) {
    return list_all_pages<TrustMark>(
        [&](const PageRequest& page) { return list_trust_marks(executor, page); });
}

}  // namespace inmor::admin
