// Subordinates as admin actions: fetch the entity's configuration through the
// guarded fetcher, check it (signature with the registered keys, this anchor
// in authority_hints, the metadata policy), sign the subordinate statement,
// write it with its audit entry, then publish it.
#pragma once

#include "admin/admin_action.h"
#include "admin/audit_log.h"
#include "admin/subordinate_repository.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace inmor::admin {

/// The limits of `[federation]` and `allow_http` every subordinate must meet.
SubordinateLimits subordinate_limits(const Config& config);

/// Fetches the entity configuration of `entityid` without verifying it, for
/// the operator to look at before adding the entity: `{entity_configuration:
/// {jwt, payload}, metadata, jwks, authority_hints, trust_marks}`. Each entity type's `jwks_uri` is fetched
/// too and its keys added to that type's metadata as `jwks` (when it has
/// none). 400 for a bad entity identifier, 422 for a refused address or an
/// unreadable statement, 502 when the entity cannot be fetched.
ActionResult<boost::json::object> preview_entity_configuration(const AdminServices& services,
                                                               const std::string& entityid);

/// Creates a subordinate: checks the request (400), refuses a known entity
/// (403 with its id), fetches and checks its entity configuration (422, or
/// 502 when unreachable), signs the statement, commits it with an audit
/// entry and, when active, publishes it.
ActionResult<Subordinate> add_subordinate(const AdminServices& services,
                                          const SubordinateInput& input,
                                          const AuditActor& actor);

/// Replaces a subordinate's settings. Active: fetched, checked and signed as
/// on create, releasing any hold (the operator approved the keys given).
/// Inactive: removed from what is published. 404 for an unknown id.
ActionResult<Subordinate> change_subordinate(const AdminServices& services, std::int64_t id,
                                             const SubordinateInput& input,
                                             const AuditActor& actor);

/// The result of a renewal.
enum class RenewalOutcome {
    kRenewed,      ///< signed again with the registered keys
    kKeysRotated,  ///< new keys accepted: the configuration is signed by a registered key
    kHeld,         ///< new keys not signed by a registered key: held for approval
};

struct SubordinateRenewal {
    Subordinate subordinate;
    RenewalOutcome outcome = RenewalOutcome::kRenewed;
};

/// "renewed", "keys_rotated" or "held".
std::string_view renewal_outcome_name(RenewalOutcome outcome);

/// Fetches the subordinate's entity configuration again and signs a new
/// statement. New keys in it are accepted only when the configuration is
/// signed by a key already registered. Otherwise the subordinate is held for
/// approval with an audit entry "hold" and a count in the held metric.
/// Nothing is published then, and the old statement serves until it expires.
/// Errors: 422 for an inactive or held subordinate or a configuration that
/// fails a check, 502 when the entity cannot be fetched.
ActionResult<SubordinateRenewal> renew_subordinate(const AdminServices& services,
                                                   std::int64_t id, const AuditActor& actor);

/// Publishes the durable state of one subordinate: its stored statement and
/// entity configuration when active and signed, or its removal when inactive.
ActionResult<void> republish_subordinate(const AdminServices& services,
                                         const Subordinate& subordinate);

/// A list request of the web UI. `search` is a case-insensitive substring of
/// the entity identifier. `sort` is one of `id`, `entityid`, `expire_at`,
/// `active` and `updated_at`, and a leading `-` sorts descending.
struct SubordinateQuery {
    PageRequest page;
    std::string search;
    std::optional<bool> active;
    std::string sort = "id";
};

/// One page of subordinates matching `query`, with the total count.
/// kInvalidRequest naming `sort` for an unknown key.
Result<Page<Subordinate>> search_subordinates(SqlExecutor& executor,
                                              const SubordinateQuery& query);

/// Every subordinate, page by page, for the commands and the scheduler.
Result<std::vector<Subordinate>> all_subordinates(SqlExecutor& executor);

}  // namespace inmor::admin
