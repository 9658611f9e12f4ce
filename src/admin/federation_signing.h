// Signing helpers shared by the subordinate and trust mark services, the
// healing pass and the scheduler. They cover the fetcher settings, the
// anchor's metadata policy, subordinate statements, trust marks, and the
// entity configuration after a change.
#pragma once

#include "admin/admin_action.h"
#include "admin/trust_mark_repository.h"
#include "admin/trust_mark_type_repository.h"
#include "common/config.h"
#include "fetch/fetch_config.h"
#include "storage/federation_store.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace inmor::admin {

/// Seconds in an hour, the unit of every lifetime in the configuration.
inline constexpr UnixSeconds kSecondsPerHour = 3600;


/// The anchor's `metadata_policy_file` as a JSON object, or nothing when no
/// file is configured. Errors name the key and the file.
Result<std::optional<boost::json::object>> anchor_metadata_policy(const Config& config);

/// The legacy kind set of an entity from its metadata: a relying party when
/// it has `openid_relying_party`, else a provider with `openid_provider`,
/// else an authority.
storage::EntityKind entity_kind_of(const boost::json::object& metadata);

/// The kind of a stored entity configuration JWT, read without verifying it
/// (the admin verified it when it stored it); an authority when unreadable.
storage::EntityKind entity_kind_of_jwt(const std::string& entity_configuration);

/// `{domain}/fetch`, the `source_endpoint` of every subordinate statement.
std::string fetch_endpoint_of(const std::string& domain);

/// The claims of a trust mark (section "Trust Marks"): `iss` (the configured
/// trust mark issuer), `sub` (the marked entity), `trust_mark_type`, `iat`,
/// `exp` (valid_for hours ahead) and the mark's additional claims.
/// kInvalidRequest when an additional claim would replace one of those.
Result<boost::json::object> trust_mark_claims(const Config& config, const TrustMarkType& type,
                                              const TrustMark& mark, UnixSeconds now);

/// Signs trust mark claims with typ `trust-mark+jwt` and counts it.
Result<std::string> sign_trust_mark(const jose::Jwk& signing_key,
                                    const boost::json::object& claims);

/// Signs subordinate statement claims with typ `entity-statement+jwt` and
/// counts it.
Result<std::string> sign_subordinate_statement(const jose::Jwk& signing_key,
                                               const boost::json::object& claims);

/// Signs the entity configuration with the active trust mark types of the
/// durable store (its `trust_mark_issuers`) and publishes it.
Result<void> republish_entity_configuration(const AdminServices& services);

}  // namespace inmor::admin
