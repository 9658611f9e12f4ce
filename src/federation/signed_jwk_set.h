// Signed JWK Sets (section "Metadata Parameters for JWK Sets"): the JWT an
// entity publishes at a `signed_jwks_uri`.
#pragma once

#include "common/clock.h"
#include "common/entity_id.h"
#include "common/error.h"
#include "jose/jwk.h"

#include <string_view>

namespace inmor::federation {

/// The `typ` header of a signed JWK Set.
inline constexpr std::string_view kSignedJwkSetJwtType = "jwk-set+jwt";

/// Verifies a signed JWK Set of `entity_id` and returns its keys. The JWT
/// must have `typ` jwk-set+jwt and a `kid` naming one of `federation_keys`
/// (the entity's Federation Entity Keys from its trust chain), and its
/// signature must verify. The claims `keys`, `iss` and `sub` are required,
/// `iss` must equal `entity_id`, and `iat`/`exp` are checked when present.
/// Errors carry kInvalidRequest and name the header or claim.
/// NOTE: the keys are parsed as jose::JwkSet, which reads signing key types
/// only. A set holding an X25519 or X448 encryption key is rejected whole.
Result<jose::JwkSet> verify_signed_jwk_set(std::string_view jwt, const EntityId& entity_id,
                                           const jose::JwkSet& federation_keys,
                                           const Clock& clock);

}  // namespace inmor::federation
