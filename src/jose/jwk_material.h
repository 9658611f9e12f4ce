// Moves key material between JWK members and OpenSSL keys. Internal to src/jose.
#pragma once

#include "common/error.h"
#include "jose/jwk.h"
#include "jose/openssl_handles.h"

#include <boost/json/object.hpp>

namespace inmor::jose::detail {

/// A key read from JWK members or freshly generated.
struct KeyMaterial {
    PkeyHandle pkey;
    KeyType key_type = KeyType::kRsa;
    Curve curve = Curve::kNone;
    bool is_private = false;
};

/// Reads `kty` and the key members, and checks them (sizes, point on the
/// curve, RSA modulus size, private half matching the public half).
Result<KeyMaterial> import_key(const boost::json::object& members);

/// Generates a private key of this type (RSA keys have kMinRsaModulusBits).
Result<KeyMaterial> generate_key(KeyType key_type, Curve curve);

/// Writes `kty`, `crv` and the key members of `key`, private ones included
/// when the key is private.
Result<boost::json::object> export_key(const KeyMaterial& key);

/// The names of the private members of a key type (`d`, and for RSA also
/// `p`, `q`, `dp`, `dq`, `qi`, `oth`).
bool is_private_member(KeyType key_type, std::string_view name);

/// Whether `name` is a member that carries key material (`kty`, `crv`,
/// `n`, `e`, `x`, `y` and the private members).
bool is_key_material_member(KeyType key_type, std::string_view name);

}  // namespace inmor::jose::detail
