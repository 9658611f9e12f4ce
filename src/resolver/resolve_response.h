// ResolveResponse: the signed response of the resolve endpoint (section
// "Resolve Response").
#pragma once

#include "common/clock.h"
#include "common/entity_id.h"
#include "common/error.h"
#include "jose/jwk.h"
#include "resolver/trust_chain.h"

#include <boost/json/object.hpp>

#include <span>
#include <string>
#include <string_view>

namespace inmor::resolver {

/// The `typ` header of a resolve response.
inline constexpr std::string_view kResolveResponseJwtType = "resolve-response+jwt";

/// The media type of a resolve response.
inline constexpr std::string_view kResolveResponseMediaType = "application/resolve-response+jwt";

/// The claims of a resolve response before signing.
struct ResolveResponse {
    boost::json::object claims;
    /// The `exp` claim: the chain's expiry or an earlier Trust Mark expiry.
    UnixSeconds expires_at = 0;
};

/// The subset of `metadata` holding only the `entity_types` asked for;
/// all of it when `entity_types` is empty.
boost::json::object filter_entity_types(const boost::json::object& metadata,
                                        std::span<const std::string> entity_types);

/// Builds the claims for `chain`: `iss` (this resolver), `sub`, `iat` (now),
/// `exp` = min(chain expiry, `exp` of each included Trust Mark), `metadata`
/// filtered by `entity_types`, `trust_chain` (the chain's statements) and,
/// when the chain carries verified Trust Marks, `trust_marks` as
/// `{trust_mark_type, trust_mark}` entries.
ResolveResponse build_resolve_response(const TrustChain& chain, const EntityId& resolver_id,
                                       std::span<const std::string> entity_types,
                                       const Clock& clock);

/// Signs the claims as a compact JWS with `typ` resolve-response+jwt and the
/// `kid` of `signing_key`.
Result<std::string> sign_resolve_response(const ResolveResponse& response,
                                          const jose::Jwk& signing_key);

}  // namespace inmor::resolver
