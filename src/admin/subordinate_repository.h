// Subordinates: the entities this anchor issues subordinate statements for,
// with the last statement signed and the last entity configuration fetched.
#pragma once

#include "admin/database.h"
#include "admin/repository_support.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace inmor::admin {

/// A row of `subordinates` (the stored record of a Subordinate Statement).
/// `valid_for` is in hours, times are Unix seconds.
struct Subordinate {
    std::int64_t id = 0;
    std::string entityid;
    boost::json::object metadata;
    boost::json::object forced_metadata;
    boost::json::object jwks;
    std::optional<std::string> required_trustmarks;
    std::optional<std::int64_t> valid_for;
    std::optional<UnixSeconds> expire_at;
    bool autorenew = true;
    bool active = true;
    std::optional<boost::json::object> additional_claims;
    std::optional<std::string> statement;             ///< last signed subordinate statement
    std::optional<std::string> entity_configuration;  ///< last fetched entity configuration
    bool held_for_approval = false;
    std::optional<std::string> held_reason;
    UnixSeconds created_at = 0;
    UnixSeconds updated_at = 0;
};

/// A create or update request. On update `entityid` may be empty (kept) but
/// never different.
struct SubordinateInput {
    std::string entityid;
    boost::json::object metadata;
    boost::json::object forced_metadata;
    boost::json::object jwks;
    std::optional<std::string> required_trustmarks;
    std::optional<std::int64_t> valid_for;
    bool autorenew = true;
    bool active = true;
    std::optional<boost::json::object> additional_claims;
};

/// Limits from the configuration that every subordinate must meet.
struct SubordinateLimits {
    /// `[federation] subordinate_statement_lifetime`, hours: default and maximum.
    std::int64_t max_valid_for = 8760;
    /// `allow_http`: accept http entity identifiers (development only).
    bool allow_http = false;
};

/// Checks a request without touching the database: an entity identifier, a
/// JWK Set with at least one key, valid_for within the limit, and additional
/// claims that do not replace the claims the anchor sets itself.
Result<void> validate_subordinate(const SubordinateInput& input, const SubordinateLimits& limits);

/// Creates a subordinate; an existing `entityid` gives `duplicate` with the
/// stored row. Errors: kInvalidRequest naming the field.
Result<Inserted<Subordinate>> create_subordinate(SqlExecutor& executor,
                                                 const SubordinateInput& input,
                                                 const SubordinateLimits& limits,
                                                 UnixSeconds now);

/// Replaces the editable members. kNotFound for an unknown id.
Result<Subordinate> update_subordinate(SqlExecutor& executor, std::int64_t id,
                                       const SubordinateInput& input,
                                       const SubordinateLimits& limits, UnixSeconds now);

/// The subordinate with this id, or nullopt.
Result<std::optional<Subordinate>> find_subordinate(SqlExecutor& executor, std::int64_t id);

/// The subordinate with this entity identifier, or nullopt.
Result<std::optional<Subordinate>> find_subordinate_by_entity_id(SqlExecutor& executor,
                                                                 std::string_view entityid);

/// One page by id: all subordinates, or only active or inactive ones.
Result<Page<Subordinate>> list_subordinates(SqlExecutor& executor, const PageRequest& page,
                                            std::optional<bool> active = {});

/// Stores a newly signed subordinate statement and its `exp`.
Result<Subordinate> record_subordinate_statement(SqlExecutor& executor, std::int64_t id,
                                                 const std::string& statement,
                                                 UnixSeconds expire_at, UnixSeconds now);

/// Stores the entity configuration last fetched from the subordinate.
Result<Subordinate> record_entity_configuration(SqlExecutor& executor, std::int64_t id,
                                                const std::string& entity_configuration,
                                                UnixSeconds now);

/// Holds a subordinate for operator approval with a reason, or releases it
/// when `reason` is nullopt.
Result<Subordinate> set_held_for_approval(SqlExecutor& executor, std::int64_t id,
                                          const std::optional<std::string>& reason,
                                          UnixSeconds now);

/// `{id, entityid, metadata, forced_metadata, jwks, required_trustmarks,
/// valid_for, expire_at, autorenew, active, additional_claims}`.
boost::json::object to_json(const Subordinate& subordinate);

}  // namespace inmor::admin
