// The OpenSSL key inside a Jwk, for the signature code in src/jose only.
#pragma once

#include "jose/jwk.h"
#include "jose/openssl_handles.h"

#include <map>
#include <mutex>
#include <utility>

namespace inmor::jose {

struct Jwk::Material {
    explicit Material(detail::PkeyHandle key) : pkey(std::move(key)) {}

    detail::PkeyHandle pkey;

    // Digest contexts set up once per algorithm and direction (true: sign),
    // then copied for each operation: OpenSSL 3 spends more time fetching
    // and initializing a context than verifying an RSA signature. A template
    // is never changed after insertion, so copies may run without the lock.
    mutable std::mutex templates_mutex;
    mutable std::map<std::pair<JwsAlgorithm, bool>, detail::DigestContextHandle> templates;
};

namespace detail {

struct JwkAccess {
    static EVP_PKEY* pkey(const Jwk& key) { return key.material_->pkey.get(); }
    static const Jwk::Material& material(const Jwk& key) { return *key.material_; }
};

/// The bytes of one EC coordinate (and of `d`) on a curve: 32, 48 or 66.
std::size_t ec_coordinate_bytes(Curve curve);

}  // namespace detail
}  // namespace inmor::jose
