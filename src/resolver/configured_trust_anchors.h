// The Trust Anchors a resolver of this instance accepts, from the
// configuration: its own domain with its own keys, and `resolve.trust_anchors`
// with the keys pinned in their files.
#pragma once

#include "common/config.h"
#include "common/error.h"
#include "jose/jwk.h"
#include "resolver/trust_chain_resolver.h"

namespace inmor::resolver {

/// `config.domain` with `own_keys`, then each `resolve.trust_anchors` entry
/// with the JWK Set read from its `jwks_file`. Errors name the entry
/// ("resolve.trust_anchors[1].jwks_file: ...").
Result<TrustAnchorKeys> configured_trust_anchors(const Config& config,
                                                 const jose::JwkSet& own_keys);

}  // namespace inmor::resolver
