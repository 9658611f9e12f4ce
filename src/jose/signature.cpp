// JWS signatures on OpenSSL EVP: RSA PKCS #1 v1.5 and PSS, ECDSA with the
// JOSE fixed-width R || S encoding, and EdDSA.
#include "jose/signature.h"

#include "jose/jwk_access.h"

#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include <mutex>
#include <vector>

namespace inmor::jose {
namespace {

using detail::DigestContextHandle;
using detail::EcdsaSignatureHandle;
using detail::JwkAccess;

// The digest each algorithm hashes with, fetched once per process so that a
// signature does not pay for a provider lookup. EdDSA hashes internally.
const EVP_MD* digest_for(JwsAlgorithm algorithm) {
    static const EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    static const EVP_MD* const kSha384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
    static const EVP_MD* const kSha512 = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
    switch (algorithm) {
        case JwsAlgorithm::kRs256:
        case JwsAlgorithm::kPs256:
        case JwsAlgorithm::kEs256: return kSha256;
        case JwsAlgorithm::kRs384:
        case JwsAlgorithm::kPs384:
        case JwsAlgorithm::kEs384: return kSha384;
        case JwsAlgorithm::kRs512:
        case JwsAlgorithm::kPs512:
        case JwsAlgorithm::kEs512: return kSha512;
        case JwsAlgorithm::kEdDsa: return nullptr;
    }
    return nullptr;
}

bool is_pss(JwsAlgorithm algorithm) {
    return algorithm == JwsAlgorithm::kPs256 || algorithm == JwsAlgorithm::kPs384 ||
           algorithm == JwsAlgorithm::kPs512;
}

bool is_rsa(JwsAlgorithm algorithm) {
    return is_pss(algorithm) || algorithm == JwsAlgorithm::kRs256 ||
           algorithm == JwsAlgorithm::kRs384 || algorithm == JwsAlgorithm::kRs512;
}

Error key_does_not_fit(const Jwk& key, JwsAlgorithm algorithm) {
    return Error::invalid_request("key \"" + key.kid() + "\" cannot be used with alg " +
                                  std::string(algorithm_name(algorithm)));
}

// Sets up a digest context for signing or verifying, RSA padding included.
Result<DigestContextHandle> new_context(const Jwk& key, JwsAlgorithm algorithm,
                                          bool signing) {
    DigestContextHandle context(EVP_MD_CTX_new());
    if (!context) {
        return detail::openssl_failure("jws: cannot allocate a digest context");
    }
    const EVP_MD* digest = digest_for(algorithm);
    if (digest == nullptr && algorithm != JwsAlgorithm::kEdDsa) {
        return detail::openssl_failure("jws: digest algorithm unavailable");
    }

    EVP_PKEY_CTX* key_context = nullptr;
    EVP_PKEY* pkey = JwkAccess::pkey(key);
    const int started =
        signing ? EVP_DigestSignInit(context.get(), &key_context, digest, nullptr, pkey)
                : EVP_DigestVerifyInit(context.get(), &key_context, digest, nullptr, pkey);
    if (started != 1) {
        return detail::openssl_failure("jws: cannot start the signature operation");
    }
    if (!is_rsa(algorithm)) {
        return context;
    }

    const int padding = is_pss(algorithm) ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING;
    if (EVP_PKEY_CTX_set_rsa_padding(key_context, padding) != 1) {
        return detail::openssl_failure("jws: cannot set RSA padding");
    }
    // RFC 7518 section 3.5: the PSS salt is as long as the hash output.
    if (is_pss(algorithm) &&
        EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, RSA_PSS_SALTLEN_DIGEST) != 1) {
        return detail::openssl_failure("jws: cannot set the PSS salt length");
    }
    return context;
}

// A context ready for one operation, copied from the key's template for this
// algorithm and direction (made on first use).
Result<DigestContextHandle> start_context(const Jwk& key, JwsAlgorithm algorithm,
                                          bool signing) {
    const auto& material = JwkAccess::material(key);
    const EVP_MD_CTX* prepared = nullptr;
    {
        std::lock_guard lock(material.templates_mutex);
        DigestContextHandle& slot = material.templates[{algorithm, signing}];
        if (!slot) {
            auto fresh = new_context(key, algorithm, signing);
            if (!fresh) {
                return fresh.error();
            }
            slot = std::move(*fresh);
        }
        prepared = slot.get();
    }

    DigestContextHandle context(EVP_MD_CTX_new());
    if (!context || EVP_MD_CTX_copy_ex(context.get(), prepared) != 1) {
        return detail::openssl_failure("jws: cannot copy the signature context");
    }
    // Each context serves one operation, so the final step may consume it
    // instead of working on yet another copy.
    EVP_MD_CTX_set_flags(context.get(), EVP_MD_CTX_FLAG_FINALISE);
    return context;
}

// Converts OpenSSL's DER ECDSA-Sig-Value to the JOSE R || S form.
Result<std::string> der_to_fixed_width(const std::string& der, std::size_t coordinate_bytes) {
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    EcdsaSignatureHandle signature(
        d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
    if (!signature) {
        return detail::openssl_failure("jws: cannot decode the ECDSA signature");
    }

    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(signature.get(), &r, &s);
    std::string fixed(2 * coordinate_bytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(fixed.data());
    const int width = static_cast<int>(coordinate_bytes);
    if (BN_bn2binpad(r, out, width) != width ||
        BN_bn2binpad(s, out + coordinate_bytes, width) != width) {
        return detail::openssl_failure("jws: cannot encode the ECDSA signature");
    }
    return fixed;
}

// Converts a JOSE R || S signature to DER; any other length is rejected, so
// a DER signature sent in its place never reaches OpenSSL.
Result<std::string> fixed_width_to_der(std::string_view fixed, std::size_t coordinate_bytes) {
    if (fixed.size() != 2 * coordinate_bytes) {
        return Error::invalid_request("jws: ECDSA signature must be " +
                                      std::to_string(2 * coordinate_bytes) + " bytes, got " +
                                      std::to_string(fixed.size()));
    }

    const auto* in = reinterpret_cast<const unsigned char*>(fixed.data());
    const int width = static_cast<int>(coordinate_bytes);
    detail::BignumHandle r(BN_bin2bn(in, width, nullptr));
    detail::BignumHandle s(BN_bin2bn(in + coordinate_bytes, width, nullptr));
    EcdsaSignatureHandle signature(ECDSA_SIG_new());
    if (!r || !s || !signature || ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1) {
        return detail::openssl_failure("jws: cannot build the ECDSA signature");
    }
    // ECDSA_SIG_set0 took ownership of both numbers.
    static_cast<void>(r.release());
    static_cast<void>(s.release());

    unsigned char* der = nullptr;
    const int der_size = i2d_ECDSA_SIG(signature.get(), &der);
    if (der_size <= 0) {
        return detail::openssl_failure("jws: cannot encode the ECDSA signature");
    }
    std::string encoded(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_size));
    OPENSSL_free(der);
    return encoded;
}

}  // namespace

Result<std::string> sign_signature(const Jwk& key, JwsAlgorithm algorithm,
                                   std::string_view signing_input) {
    if (!key.is_private()) {
        return Error::invalid_request("key \"" + key.kid() + "\" is public and cannot sign");
    }
    if (!key.fits(algorithm)) {
        return key_does_not_fit(key, algorithm);
    }
    auto context = start_context(key, algorithm, true);
    if (!context) {
        return context.error();
    }

    // EVP_PKEY_get_size() is the largest signature (DER-encoded for ECDSA).
    const auto* input = reinterpret_cast<const unsigned char*>(signing_input.data());
    std::size_t size = static_cast<std::size_t>(EVP_PKEY_get_size(JwkAccess::pkey(key)));
    std::string signature(size, '\0');
    auto* out = reinterpret_cast<unsigned char*>(signature.data());
    if (EVP_DigestSign(context->get(), out, &size, input, signing_input.size()) != 1) {
        return detail::openssl_failure("jws: signing failed");
    }
    signature.resize(size);

    if (key.key_type() == KeyType::kEc) {
        return der_to_fixed_width(signature, detail::ec_coordinate_bytes(key.curve()));
    }
    return signature;
}

Result<void> verify_signature(const Jwk& key, JwsAlgorithm algorithm,
                              std::string_view signing_input, std::string_view signature) {
    if (!key.fits(algorithm)) {
        return key_does_not_fit(key, algorithm);
    }
    std::string der;
    if (key.key_type() == KeyType::kEc) {
        auto converted = fixed_width_to_der(signature, detail::ec_coordinate_bytes(key.curve()));
        if (!converted) {
            return converted.error();
        }
        der = std::move(*converted);
        signature = der;
    }

    auto context = start_context(key, algorithm, false);
    if (!context) {
        return context.error();
    }
    const auto* input = reinterpret_cast<const unsigned char*>(signing_input.data());
    const auto* signature_bytes = reinterpret_cast<const unsigned char*>(signature.data());
    if (EVP_DigestVerify(context->get(), signature_bytes, signature.size(), input,
                         signing_input.size()) != 1) {
        return Error(ErrorCode::kInvalidRequest, "jws: signature verification failed",
                     detail::take_openssl_errors());
    }
    return {};
}

}  // namespace inmor::jose
