// Keys shared by the JOSE tests: one generated private key per signing
// algorithm, made once per test binary because RSA generation is slow.
#pragma once

#include "jose/jwk.h"

#include <boost/json/object.hpp>

#include <array>
#include <string>
#include <string_view>

namespace inmor::jose::testing {

/// The eleven algorithm and key combinations: RS256..PS512, ES256..ES512,
/// EdDSA on Ed25519 and on Ed448. Each name is also a Jwk::generate() type.
inline constexpr std::array<std::string_view, 11> kKeyTypes{
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512", "Ed25519", "Ed448"};

/// The generated private key for `type`, the same object on every call.
const Jwk& private_key(std::string_view type);

/// A JwkSet with the public half of `key`.
JwkSet public_set(const Jwk& key);

/// Signs raw header and payload JSON text with `key` and the key's algorithm,
/// so tests can build tokens our signer would never produce.
std::string sign_raw(const Jwk& key, std::string_view header_json,
                     std::string_view payload_json);

/// A payload valid at kTestNow: iss, sub, iat = now, exp = now + 1 hour.
boost::json::object valid_payload();

/// The fixed time the tests verify at.
inline constexpr long long kTestNow = 1'700'000'000;

}  // namespace inmor::jose::testing
