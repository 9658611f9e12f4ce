// Trust mark types: the kinds of trust mark this anchor issues, with the
// defaults each issued mark inherits.
#pragma once

#include "admin/database.h"
#include "admin/repository_support.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace inmor::admin {

/// Maximum trust mark type identifier length in bytes.
inline constexpr std::size_t kMaxTrustMarkTypeBytes = 2048;
/// Longest `valid_for` of a trust mark type, in hours (100 years): far beyond
/// any real lifetime, and small enough that `now + valid_for * 3600` cannot
/// overflow when a mark is signed.
inline constexpr std::int64_t kMaxTrustMarkValidForHours = 876000;

/// A row of `trust_mark_types`. Durations are in hours.
struct TrustMarkType {
    std::int64_t id = 0;
    std::string tmtype;
    bool autorenew = true;
    std::int64_t valid_for = 0;
    std::int64_t renewal_time = 0;
    bool active = true;
};

/// Values a new type takes when the request leaves them out
/// (`[federation.trust_mark_type_defaults]`).
struct TrustMarkTypeDefaults {
    bool autorenew = true;
    std::int64_t valid_for = 8760;
    std::int64_t renewal_time = 48;
    bool active = true;
};

/// A create request; absent members take the defaults.
struct TrustMarkTypeInput {
    std::string tmtype;
    std::optional<bool> autorenew;
    std::optional<std::int64_t> valid_for;
    std::optional<std::int64_t> renewal_time;
    std::optional<bool> active;
};

/// An update request; only present members change.
struct TrustMarkTypeUpdate {
    std::optional<bool> autorenew;
    std::optional<std::int64_t> valid_for;
    std::optional<std::int64_t> renewal_time;
    std::optional<bool> active;
};

/// Creates a type. A `tmtype` that exists already gives `duplicate` with the
/// stored row and writes nothing. Errors: kInvalidRequest naming the field
/// ("valid_for: must be a positive integer").
Result<Inserted<TrustMarkType>> create_trust_mark_type(SqlExecutor& executor,
                                                       const TrustMarkTypeInput& input,
                                                       const TrustMarkTypeDefaults& defaults);

/// The type with this id, or nullopt.
Result<std::optional<TrustMarkType>> find_trust_mark_type(SqlExecutor& executor, std::int64_t id);

/// The type with this identifier, or nullopt.
Result<std::optional<TrustMarkType>> find_trust_mark_type_by_name(SqlExecutor& executor,
                                                                  std::string_view tmtype);

/// One page of types, by id.
Result<Page<TrustMarkType>> list_trust_mark_types(SqlExecutor& executor, const PageRequest& page);

/// Returns the `tmtype` of every active type, ordered by id. This anchor
/// issues marks of these types, so its entity configuration lists it in
/// trust_mark_issuers for each.
Result<std::vector<std::string>> active_trust_mark_types(SqlExecutor& executor);

/// Changes the present members and returns the stored row. kNotFound for an
/// unknown id.
Result<TrustMarkType> update_trust_mark_type(SqlExecutor& executor, std::int64_t id,
                                             const TrustMarkTypeUpdate& update);

/// `{id, tmtype, autorenew, valid_for, renewal_time, active}`.
boost::json::object to_json(const TrustMarkType& type);

}  // namespace inmor::admin
