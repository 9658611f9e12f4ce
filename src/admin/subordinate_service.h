// Subordinates as admin actions: fetch the entity's configuration through the
// guarded fetcher, check it (signature with the registered keys, this anchor
// in authority_hints, the metadata policy), sign the subordinate statement,
// write it with its audit entry, then publish it.
#pragma once

#include "admin/admin_action.h"
#include "admin/audit_log.h"
#include "admin/entity_configuration_check.h"
#include "admin/subordinate_listing.h"
#include "admin/subordinate_repository.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

namespace inmor::admin {

/// The limits of `[federation]` and `allow_http` every subordinate must meet.
SubordinateLimits subordinate_limits(const Config& config);

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

}  // namespace inmor::admin
