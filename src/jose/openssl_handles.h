// RAII handles for the OpenSSL objects the JOSE layer uses, and the error queue
// reader. Internal to src/jose: no header outside this folder includes it.
#pragma once

#include "common/error.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>
#include <string_view>

namespace inmor::jose::detail {

template <auto Free>
struct OpensslDeleter {
    template <class T>
    void operator()(T* pointer) const {
        Free(pointer);
    }
};

using PkeyHandle = std::unique_ptr<EVP_PKEY, OpensslDeleter<EVP_PKEY_free>>;
using PkeyContextHandle = std::unique_ptr<EVP_PKEY_CTX, OpensslDeleter<EVP_PKEY_CTX_free>>;
using DigestContextHandle = std::unique_ptr<EVP_MD_CTX, OpensslDeleter<EVP_MD_CTX_free>>;
using BignumHandle = std::unique_ptr<BIGNUM, OpensslDeleter<BN_free>>;
using SecureBignumHandle = std::unique_ptr<BIGNUM, OpensslDeleter<BN_clear_free>>;
using ParamBuilderHandle = std::unique_ptr<OSSL_PARAM_BLD, OpensslDeleter<OSSL_PARAM_BLD_free>>;
using ParamHandle = std::unique_ptr<OSSL_PARAM, OpensslDeleter<OSSL_PARAM_free>>;
using EcdsaSignatureHandle = std::unique_ptr<ECDSA_SIG, OpensslDeleter<ECDSA_SIG_free>>;

/// Drains the thread's OpenSSL error queue into one line for Error::detail.
std::string take_openssl_errors();

/// A server error whose detail carries the OpenSSL error queue; `message`
/// names the step that failed and stays safe to show to a client.
Error openssl_failure(std::string_view message);

/// Drops whatever an expected failure left on the error queue, so it does not
/// show up in the detail of a later, unrelated error.
void clear_openssl_errors();

}  // namespace inmor::jose::detail
