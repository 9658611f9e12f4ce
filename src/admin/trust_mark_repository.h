// Trust marks issued by this anchor: one row per (type, entity), holding the
// last signed mark.
#pragma once

#include "admin/database.h"
#include "admin/repository_support.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace inmor::admin {

/// A row of `trust_marks`. Durations are in hours, times in Unix seconds.
struct TrustMark {
    std::int64_t id = 0;
    std::int64_t tmt_id = 0;
    std::string domain;
    std::optional<UnixSeconds> expire_at;
    bool autorenew = true;
    std::int64_t valid_for = 0;
    std::int64_t renewal_time = 0;
    bool active = true;
    std::optional<std::string> mark;
    std::optional<boost::json::object> additional_claims;
    std::optional<UnixSeconds> revoked_at;
};

/// A create request; absent members come from the trust mark type.
struct TrustMarkInput {
    std::int64_t tmt_id = 0;
    std::string domain;
    std::optional<bool> autorenew;
    std::optional<std::int64_t> valid_for;
    std::optional<std::int64_t> renewal_time;
    std::optional<bool> active;
    std::optional<boost::json::object> additional_claims;
};

/// An update request; only present members change. Deactivating revokes.
struct TrustMarkUpdate {
    std::optional<bool> autorenew;
    std::optional<bool> active;
    std::optional<boost::json::object> additional_claims;
};

/// Creates a mark record (unsigned until record_issued_trust_mark). A mark of
/// the same type for the same domain gives `duplicate` with the stored row.
/// `allow_http` admits http entity identifiers (development only).
/// Errors: kNotFound "trust mark type not found: ID"; kInvalidRequest naming
/// the field, e.g. valid_for beyond the type's.
Result<Inserted<TrustMark>> create_trust_mark(SqlExecutor& executor, const TrustMarkInput& input,
                                              bool allow_http = false);

/// The mark with this id, or nullopt.
Result<std::optional<TrustMark>> find_trust_mark(SqlExecutor& executor, std::int64_t id);

/// One page of marks by id, all or those of one domain.
Result<Page<TrustMark>> list_trust_marks(SqlExecutor& executor, const PageRequest& page,
                                         const std::optional<std::string>& domain = {});

/// Applies an update. Setting active false revokes: the mark is cleared and
/// revoked_at set to `now`, and later updates never bring it back to life.
/// kNotFound for an unknown id.
Result<TrustMark> update_trust_mark(SqlExecutor& executor, std::int64_t id,
                                    const TrustMarkUpdate& update, UnixSeconds now);

/// Stores a newly signed mark and its expiry. kInvalidRequest for a revoked
/// or inactive mark, which is never re-issued.
Result<TrustMark> record_issued_trust_mark(SqlExecutor& executor, std::int64_t id,
                                           const std::string& mark, UnixSeconds expire_at);

/// Records the digest (`storage::keys::trust_mark_digest`) of a signed mark
/// as issued. A digest that is already recorded stays unchanged.
Result<void> record_trust_mark_digest(SqlExecutor& executor, std::int64_t id,
                                      const std::string& mark, UnixSeconds issued_at);

/// The digest of every mark ever recorded as issued, revoked ones included.
Result<std::vector<std::string>> issued_trust_mark_digests(SqlExecutor& executor);

/// `{id, tmt_id, domain, expire_at, autorenew, valid_for, renewal_time,
/// active, mark, additional_claims}`.
boost::json::object to_json(const TrustMark& mark);

}  // namespace inmor::admin
