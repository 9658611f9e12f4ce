// The JWS signature algorithms the trust anchor signs and verifies with.
#pragma once

#include <optional>
#include <string_view>

namespace inmor::jose {

/// A JWS `alg` value (RFC 7518 section 3.1, RFC 8037 section 3.1). EdDSA
/// covers both Ed25519 and Ed448; the curve comes from the key.
enum class JwsAlgorithm {
    kRs256,
    kRs384,
    kRs512,
    kPs256,
    kPs384,
    kPs512,
    kEs256,
    kEs384,
    kEs512,
    kEdDsa,
};

/// The `alg` header spelling, e.g. "PS384" or "EdDSA".
std::string_view algorithm_name(JwsAlgorithm algorithm);

/// Reads an `alg` header value. "Ed25519" and "Ed448" (the fully-specified
/// names of RFC 9864) map to kEdDsa; the caller then checks the key's curve.
/// "none", the HMAC algorithms and unknown names give nothing.
std::optional<JwsAlgorithm> parse_algorithm(std::string_view name);

}  // namespace inmor::jose
