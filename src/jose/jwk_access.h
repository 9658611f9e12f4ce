// The OpenSSL key inside a Jwk, for the signature code in src/jose only.
#pragma once

#include "jose/jwk.h"
#include "jose/openssl_handles.h"

namespace inmor::jose {

struct Jwk::Material {
    detail::PkeyHandle pkey;
};

namespace detail {

struct JwkAccess {
    static EVP_PKEY* pkey(const Jwk& key) { return key.material_->pkey.get(); }
};

/// The bytes of one EC coordinate (and of `d`) on a curve: 32, 48 or 66.
std::size_t ec_coordinate_bytes(Curve curve);

}  // namespace detail
}  // namespace inmor::jose
