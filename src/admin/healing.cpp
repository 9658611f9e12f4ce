// Republishing the durable data at start.
#include "admin/healing.h"

#include "admin/publication.h"
#include "admin/subordinate_service.h"
#include "admin/trust_mark_repository.h"
#include "admin/trust_mark_service.h"
#include "admin/federation_signing.h"
#include "common/logging.h"
#include "storage/federation_store.h"

namespace inmor::admin {

Result<std::size_t> restore_issued_digests(const AdminServices& services,
                                           const std::vector<TrustMark>& marks) {
    Result<std::vector<std::string>> digests = services.database.with_transaction(
        [&](SqlExecutor& executor) -> Result<std::vector<std::string>> {
            for (const TrustMark& mark : marks) {
                if (!mark.mark) {
                    continue;
                }
                Result<void> recorded =
                    record_trust_mark_digest(executor, mark.id, *mark.mark, services.clock.now());
                if (!recorded) {
                    return recorded.error();
                }
            }
            return issued_trust_mark_digests(executor);
        });
    if (!digests) {
        return digests.error();
    }
    if (digests->empty()) {
        return std::size_t{0};
    }

    storage::WriteBatch batch;
    for (const std::string& digest : *digests) {
        batch.set_add(std::string(storage::keys::kTrustMarksEverIssued), digest);
    }
    if (Result<void> applied = services.store.key_value_store().apply(batch); !applied) {
        return applied.error();
    }
    return digests->size();
}

Result<HealingReport> heal_federation_store(const AdminServices& services) {
    HealingReport report;
    auto log = logger("admin");

    // The entity configuration is derived from the configuration and the
    // durable types, so signing it again loses nothing.
    if (Result<void> published = republish_entity_configuration(services); !published) {
        report.failures.push_back("entity configuration: " + published.error().message());
    } else {
        report.entity_configuration_published = true;
    }

    Result<std::optional<std::string>> historical = services.store.historical_keys();
    if (!historical) {
        return historical.error();
    }
    if (!historical->has_value()) {
        Result<boost::json::object> claims =
            build_historical_keys(services.config, services.clock.now());
        Result<std::string> jwt = claims ? sign_historical_keys(services.keys.private_key, *claims)
                                         : Result<std::string>(claims.error());
        Result<void> published = jwt ? services.store.publish_historical_keys(*jwt)
                                     : Result<void>(jwt.error());
        if (!published) {
            report.failures.push_back("historical keys: " + published.error().message());
        } else {
            report.historical_keys_published = true;
        }
    }

    Result<std::vector<Subordinate>> subordinates = all_subordinates(services.database);
    if (!subordinates) {
        return subordinates.error();
    }
    for (const Subordinate& subordinate : *subordinates) {
        if (subordinate.active && !subordinate.statement) {
            continue;
        }
        if (ActionResult<void> healed = republish_subordinate(services, subordinate); !healed) {
            report.failures.push_back("subordinate " + subordinate.entityid + ": " +
                                      healed.error().message);
            continue;
        }
        ++(subordinate.active ? report.subordinates_published : report.subordinates_removed);
    }

    Result<std::vector<TrustMark>> marks = all_trust_marks(services.database);
    if (!marks) {
        return marks.error();
    }
    if (Result<std::size_t> restored = restore_issued_digests(services, *marks); !restored) {
        report.failures.push_back("issued trust mark digests: " + restored.error().message());
    } else {
        report.trust_mark_digests_restored = *restored;
    }
    for (const TrustMark& mark : *marks) {
        bool live = mark.active && !mark.revoked_at;
        if (live && !mark.mark) {
            continue;
        }
        if (ActionResult<void> healed = republish_trust_mark(services, mark); !healed) {
            report.failures.push_back("trust mark " + std::to_string(mark.id) + ": " +
                                      healed.error().message);
            continue;
        }
        ++(live ? report.trust_marks_published : report.trust_marks_revoked);
    }

    log->info("federation store healed subordinates_published={} subordinates_removed={} "
              "trust_marks_published={} trust_marks_revoked={} trust_mark_digests={} failures={}",
              report.subordinates_published, report.subordinates_removed,
              report.trust_marks_published, report.trust_marks_revoked,
              report.trust_mark_digests_restored,
              report.failures.size());
    for (const std::string& failure : report.failures) {
        log->error("healing failed item={}", failure);
    }
    return report;
}

}  // namespace inmor::admin
