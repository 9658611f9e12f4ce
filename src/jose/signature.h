// The JWS signature layer beneath token handling: sign and verify bytes with
// a key and an algorithm, with no header, kid or typ involved.
#pragma once

#include "common/error.h"
#include "jose/algorithm.h"
#include "jose/jwk.h"

#include <string>
#include <string_view>

namespace inmor::jose {

/// Signs `signing_input` (the ASCII "header.payload" of a compact JWS) and
/// returns the raw signature: PKCS #1 v1.5 for RS*, PSS with a salt as long
/// as the hash for PS*, R || S at fixed width for ES* (RFC 7518 section
/// 3.4), and the plain EdDSA signature. The key must be private and fit the
/// algorithm (see Jwk::fits), else an invalid_request error comes back.
Result<std::string> sign_signature(const Jwk& key, JwsAlgorithm algorithm,
                                   std::string_view signing_input);

/// Checks a raw signature as sign_signature() makes it. An ECDSA signature in
/// DER form, or of the wrong length, is rejected. Errors are invalid_request
/// with the OpenSSL error queue, if any, in the detail.
Result<void> verify_signature(const Jwk& key, JwsAlgorithm algorithm,
                              std::string_view signing_input, std::string_view signature);

}  // namespace inmor::jose
