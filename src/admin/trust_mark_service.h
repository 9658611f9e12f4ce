// Trust mark types and trust marks as admin actions: each change is written
// with its audit entry in one transaction, then signed data is published.
#pragma once

#include "admin/admin_action.h"
#include "admin/audit_log.h"
#include "admin/trust_mark_repository.h"
#include "admin/trust_mark_type_repository.h"

#include <cstdint>

namespace inmor::admin {

/// The defaults of `[federation.trust_mark_type_defaults]`.
TrustMarkTypeDefaults trust_mark_type_defaults(const Config& config);

/// Creates a trust mark type and republishes the entity configuration (its
/// `trust_mark_issuers`). A `tmtype` that exists gives 403 with its id.
ActionResult<TrustMarkType> add_trust_mark_type(const AdminServices& services,
                                                const TrustMarkTypeInput& input,
                                                const AuditActor& actor);

/// Changes a type's present members and republishes the entity
/// configuration. 404 for an unknown id.
ActionResult<TrustMarkType> change_trust_mark_type(const AdminServices& services,
                                                   std::int64_t id,
                                                   const TrustMarkTypeUpdate& update,
                                                   const AuditActor& actor);

/// Creates a trust mark and, when active, signs and publishes it. 403 with
/// the existing id when the domain already has a mark of that type; 404 for
/// an unknown type; 422 when the type is inactive.
ActionResult<TrustMark> issue_trust_mark(const AdminServices& services,
                                         const TrustMarkInput& input, const AuditActor& actor);

/// Signs a new mark for an active one (new `iat` and `exp`) and publishes
/// it. 422 for a revoked or inactive mark, which is never revived, and for a
/// mark whose type is inactive.
ActionResult<TrustMark> renew_trust_mark(const AdminServices& services, std::int64_t id,
                                         const AuditActor& actor);

/// Applies an update. `active: false` revokes the mark, so the store then
/// contains `revoked` for it and the type's holder set no longer lists the
/// domain.
/// New additional claims on an active mark re-sign it.
ActionResult<TrustMark> change_trust_mark(const AdminServices& services, std::int64_t id,
                                          const TrustMarkUpdate& update,
                                          const AuditActor& actor);

/// Publishes the durable state of one mark: the stored JWT of an active
/// mark, or `revoked` for a revoked or inactive one. An active mark that was
/// never signed publishes nothing.
ActionResult<void> republish_trust_mark(const AdminServices& services, const TrustMark& mark);

/// Every trust mark, page by page, for the commands and the scheduler.
Result<std::vector<TrustMark>> all_trust_marks(SqlExecutor& executor);

}  // namespace inmor::admin
