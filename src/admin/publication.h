// The documents the admin signs about the anchor itself: its entity
// configuration and its historical keys JWT.
#pragma once

#include "common/clock.h"
#include "common/config.h"
#include "common/error.h"
#include "jose/jwk.h"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace inmor::admin {

/// The federation endpoints this anchor serves, under its `domain`, as
/// `metadata.federation_entity` members.
boost::json::object federation_endpoints(const std::string& domain);

/// Builds the anchor's entity configuration claims: `iss` = `sub` = domain,
/// `iat`, `exp` (entity_configuration_lifetime hours ahead), `jwks` (the
/// public keys), `metadata.federation_entity` (endpoints, organization_name,
/// the members of federation_entity_metadata_file), `trust_marks` held by the
/// anchor, `trust_mark_issuers` (configured issuers, plus trust_mark_issuer
/// for each type in `issued_types`), `trust_mark_owners` (with the owner keys
/// read from jwks_file) and `authority_hints` when configured. Errors name
/// the configuration key at fault.
Result<boost::json::object> build_entity_configuration(
    const Config& config, const jose::JwkSet& public_keys,
    const std::vector<std::string>& issued_types, UnixSeconds now);

/// Builds the historical keys claims: `iss`, `iat` and `keys`, the retired
/// public keys of historical_keys_dir (each with `kid` and `exp`, optionally
/// `revoked`). `keys` is empty when the folder is missing or empty.
Result<boost::json::object> build_historical_keys(const Config& config, UnixSeconds now);

/// Signs entity configuration claims with typ `entity-statement+jwt`.
Result<std::string> sign_entity_configuration(const jose::Jwk& signing_key,
                                              const boost::json::object& claims);

/// Signs historical keys claims with typ `jwk-set+jwt`.
Result<std::string> sign_historical_keys(const jose::Jwk& signing_key,
                                         const boost::json::object& claims);

}  // namespace inmor::admin
