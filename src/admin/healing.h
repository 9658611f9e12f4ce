// Start-up healing: the federation store is brought back in line with the
// durable data after a crash, a lost write or a flushed Redis.
#pragma once

#include "admin/admin_action.h"
#include "admin/trust_mark_repository.h"

#include <cstddef>
#include <string>
#include <vector>

namespace inmor::admin {

/// The counts and failures of one healing pass.
struct HealingReport {
    bool entity_configuration_published = false;
    bool historical_keys_published = false;
    std::size_t subordinates_published = 0;
    std::size_t subordinates_removed = 0;
    std::size_t trust_marks_published = 0;
    std::size_t trust_marks_revoked = 0;
    /// Digests of issued marks put back into `inmor:tm:alltime`.
    std::size_t trust_mark_digests_restored = 0;
    /// One line per item that could not be healed; the others still were.
    std::vector<std::string> failures;
};

/// Records the digest of each JWT in `marks` (marks signed before the digest
/// table existed), then adds every recorded digest to `inmor:tm:alltime`, so
/// the status of a revoked mark is `revoked`, not "not issued". Returns how
/// many digests the store received.
Result<std::size_t> restore_issued_digests(const AdminServices& services,
                                           const std::vector<TrustMark>& marks);

/// Compares durable and published data and republishes the durable data. The
/// entity configuration is signed anew, because its trust mark issuers come
/// from the durable types. The historical keys JWT is published when none is.
/// Every active subordinate's stored statement and every active trust mark's
/// stored JWT are published again, and the digest of every mark ever issued
/// goes back into `inmor:tm:alltime`. It removes only what the durable data
/// records as deactivated (subordinates) or revoked (trust marks); entries
/// it knows nothing about, such as data carried over from another
/// deployment, stay. Only a store or database failure that stops the whole
/// pass is an error.
// NOTE: a stored statement that expired while the admin was down is
// republished as it is; the scheduler's next renewal signs a fresh one.
Result<HealingReport> heal_federation_store(const AdminServices& services);

}  // namespace inmor::admin
