// SHA-256 through OpenSSL's one-shot EVP digest.
#include "federation/trust_mark_digest.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace inmor::federation {

std::string trust_mark_digest(std::string_view jwt) {
    // Fetched once: EVP_sha256() looks the digest up in the provider on every call.
    static const EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (kSha256 == nullptr ||
        EVP_Digest(jwt.data(), jwt.size(), digest, &length, kSha256, nullptr) != 1) {
        throw std::runtime_error("SHA-256 digest failed");
    }

    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(kHex[digest[i] >> 4]);
        hex.push_back(kHex[digest[i] & 0x0f]);
    }
    return hex;
}

}  // namespace inmor::federation
