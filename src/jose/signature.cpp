// JWS signatures on OpenSSL EVP: RSA PKCS #1 v1.5 and PSS, ECDSA with the
// JOSE fixed-width R || S encoding, and EdDSA.
#include "jose/signature.h"

#include "jose/jwk_access.h"

#include <openssl/rsa.h>

#include <cstring>
#include <mutex>
#include <optional>
#include <vector>

namespace inmor::jose {
namespace {

using detail::DigestContextHandle;
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

// The ECDSA-Sig-Value SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 section
// 2.2.3) is read and written by hand: OpenSSL's ASN.1 codec and the two
// BIGNUMs it goes through cost more than the rest of a JWS around the
// signature. Contents are at most 2 * (2 + 67) bytes (P-521), so a length
// has the short form or 0x81 and one octet.
constexpr unsigned char kDerSequence = 0x30;
constexpr unsigned char kDerInteger = 0x02;
constexpr unsigned char kDerLongLength1 = 0x81;

void append_der_length(std::string& out, std::size_t length) {
    if (length >= 0x80) {
        out.push_back(static_cast<char>(kDerLongLength1));
    }
    out.push_back(static_cast<char>(length));
}

// A non-negative big-endian number as a minimal DER INTEGER: leading zero
// octets dropped (one kept for zero), one added when the top bit is set.
void append_der_integer(std::string& out, std::string_view magnitude) {
    while (magnitude.size() > 1 && magnitude.front() == '\0') {
        magnitude.remove_prefix(1);
    }
    const bool pad = (static_cast<unsigned char>(magnitude.front()) & 0x80) != 0;
    out.push_back(static_cast<char>(kDerInteger));
    append_der_length(out, magnitude.size() + (pad ? 1 : 0));
    if (pad) {
        out.push_back('\0');
    }
    out.append(magnitude);
}

// Reads one DER length at `at`, advancing it; nullopt when malformed.
std::optional<std::size_t> read_der_length(std::string_view der, std::size_t& at) {
    if (at >= der.size()) {
        return std::nullopt;
    }
    const auto first = static_cast<unsigned char>(der[at++]);
    if (first < 0x80) {
        return first;
    }
    if (first != kDerLongLength1 || at >= der.size()) {
        return std::nullopt;
    }
    return static_cast<unsigned char>(der[at++]);
}

// Reads one non-negative INTEGER at `at` into `out` (`width` bytes,
// left-padded with zeros), advancing `at`. False when malformed or too wide.
bool read_der_integer(std::string_view der, std::size_t& at, unsigned char* out,
                      std::size_t width) {
    if (at >= der.size() || static_cast<unsigned char>(der[at++]) != kDerInteger) {
        return false;
    }
    const auto length = read_der_length(der, at);
    if (!length || *length == 0 || *length > der.size() - at) {
        return false;
    }
    std::string_view magnitude = der.substr(at, *length);
    at += *length;
    if ((static_cast<unsigned char>(magnitude.front()) & 0x80) != 0) {
        return false;
    }
    while (!magnitude.empty() && magnitude.front() == '\0') {
        magnitude.remove_prefix(1);
    }
    if (magnitude.size() > width) {
        return false;
    }
    std::memset(out, 0, width - magnitude.size());
    std::memcpy(out + width - magnitude.size(), magnitude.data(), magnitude.size());
    return true;
}

// Converts OpenSSL's DER ECDSA-Sig-Value to the JOSE R || S form.
Result<std::string> der_to_fixed_width(std::string_view der, std::size_t coordinate_bytes) {
    std::string fixed(2 * coordinate_bytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(fixed.data());
    std::size_t at = 0;
    const bool read = !der.empty() && static_cast<unsigned char>(der[at++]) == kDerSequence;
    const auto length = read ? read_der_length(der, at) : std::nullopt;
    if (!length || *length != der.size() - at ||
        !read_der_integer(der, at, out, coordinate_bytes) ||
        !read_der_integer(der, at, out + coordinate_bytes, coordinate_bytes) ||
        at != der.size()) {
        return Error::server_error("jws: cannot decode the ECDSA signature");
    }
    return fixed;
}

// Converts a JOSE R || S signature to DER; any other length is rejected, so
// a DER signature sent in its place never reaches OpenSSL.
// NOTE: S above half the group order is accepted, because RFC 7518 does not
// ask for low S and OpenSSL does not sign with it. So each ECDSA token has a
// second valid signature (R, n - S), and signature bytes never identify one.
Result<std::string> fixed_width_to_der(std::string_view fixed, std::size_t coordinate_bytes) {
    if (fixed.size() != 2 * coordinate_bytes) {
        return Error::invalid_request("jws: ECDSA signature must be " +
                                      std::to_string(2 * coordinate_bytes) + " bytes, got " +
                                      std::to_string(fixed.size()));
    }

    std::string integers;
    integers.reserve(2 * (coordinate_bytes + 3));
    append_der_integer(integers, fixed.substr(0, coordinate_bytes));
    append_der_integer(integers, fixed.substr(coordinate_bytes));
    std::string encoded;
    encoded.reserve(integers.size() + 3);
    encoded.push_back(static_cast<char>(kDerSequence));
    append_der_length(encoded, integers.size());
    encoded += integers;
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
    // RFC 8017 sections 8.1.2 and 8.2.2: the signature is exactly as long as
    // the modulus. OpenSSL's PSS check also takes a shorter one, so a token
    // whose signature lost a leading zero octet would verify as well.
    if (key.key_type() == KeyType::kRsa) {
        const auto modulus_bytes =
            static_cast<std::size_t>(EVP_PKEY_get_size(JwkAccess::pkey(key)));
        if (signature.size() != modulus_bytes) {
            return Error::invalid_request("jws: RSA signature must be " +
                                          std::to_string(modulus_bytes) + " bytes, got " +
                                          std::to_string(signature.size()));
        }
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
