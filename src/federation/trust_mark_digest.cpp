// SHA-256 through OpenSSL's EVP digest interface.
#include "federation/trust_mark_digest.h"

#include "common/hex.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace inmor::federation {

namespace {

struct DigestContextFree {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

}  // namespace

std::string trust_mark_digest(std::string_view jwt) {
    // Fetched once, because an EVP_sha256() digest is fetched from the provider again on
    // every EVP_DigestInit_ex2 call (OpenSSL 3 implicit fetch).
    static const EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    // One context per thread, reset by each EVP_DigestInit_ex2, so a request
    // does not allocate and free one.
    thread_local const std::unique_ptr<EVP_MD_CTX, DigestContextFree> context(EVP_MD_CTX_new());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (kSha256 == nullptr || !context ||
        EVP_DigestInit_ex2(context.get(), kSha256, nullptr) != 1 ||
        EVP_DigestUpdate(context.get(), jwt.data(), jwt.size()) != 1 ||
        EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
        throw std::runtime_error("SHA-256 digest failed");
    }
    return to_hex({digest, length});
}

}  // namespace inmor::federation
