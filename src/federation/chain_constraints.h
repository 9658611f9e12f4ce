// Trust chain constraints (section "Constraints"): max_path_length,
// naming_constraints and allowed_entity_types of a Subordinate Statement.
#pragma once

#include "common/entity_id.h"
#include "common/error.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inmor::federation {

/// The Entity Type Identifier every entity may have, whatever the constraints.
inline constexpr std::string_view kFederationEntityType = "federation_entity";

/// RFC 5280 style DNS name constraints on the host of Entity Identifiers. An
/// entry "host.example.com" matches that host only, ".example.com" matches
/// every host below example.com but not example.com itself. Hosts compare
/// case-insensitively.
struct NamingConstraints {
    /// When present, the host must match one entry.
    std::optional<std::vector<std::string>> permitted;
    /// A host matching any entry is rejected.
    std::vector<std::string> excluded;
};

/// The `constraints` claim of one Subordinate Statement. It applies to the
/// statement's subject and to every entity below it in a trust chain.
/// Unknown members are ignored.
struct ChainConstraints {
    /// Maximum number of Intermediates between the issuer of the statement
    /// and the chain subject.
    std::optional<std::int64_t> max_path_length;
    std::optional<NamingConstraints> naming_constraints;
    /// Entity types the subject may keep besides federation_entity; an empty
    /// list leaves only federation_entity.
    std::optional<std::vector<std::string>> allowed_entity_types;

    /// Parses a `constraints` claim. Errors carry kInvalidRequest and name
    /// the member: "constraints.max_path_length: must be a non-negative integer".
    static Result<ChainConstraints> from_json(const boost::json::value& claim);

    /// Whether `intermediates_below` Intermediates between the issuer and the
    /// chain subject are allowed.
    bool permits_path_length(std::size_t intermediates_below) const;

    /// Checks the host of `entity_id` against the naming constraints. The
    /// error (kInvalidTrustChain) names the entity and the entry that failed.
    Result<void> check_naming(const EntityId& entity_id) const;

    /// Whether the subject may keep metadata of `entity_type`.
    bool allows_entity_type(std::string_view entity_type) const;
};

/// Whether `host` matches one naming constraint entry (RFC 5280 section
/// 4.2.1.10 DNS name rules as refined above).
bool host_matches_name_constraint(std::string_view host, std::string_view constraint);

/// The host of an Entity Identifier, lowercased, without IPv6 brackets.
std::string entity_host(const EntityId& entity_id);

/// Removes from `metadata` (keyed by entity type) each entity type that
/// `constraints` does not allow. Returns the removed type names.
std::vector<std::string> remove_disallowed_entity_types(boost::json::object& metadata,
                                                        const ChainConstraints& constraints);

}  // namespace inmor::federation
