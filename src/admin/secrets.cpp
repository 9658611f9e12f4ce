// OpenSSL-backed randomness and hashing.
#include "admin/secrets.h"

#include "common/base64url.h"
#include "common/hex.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace inmor::admin {

Result<std::string> random_bytes(std::size_t count) {
    std::string bytes(count, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
        unsigned long code = ERR_get_error();
        return Error::server_error("random number generator failed",
                                   "RAND_bytes: " + std::string(ERR_error_string(code, nullptr)));
    }
    return bytes;
}

Result<std::string> random_token(std::size_t count) {
    Result<std::string> bytes = random_bytes(count);
    if (!bytes) {
        return bytes.error();
    }
    return base64url_encode(*bytes);
}

Result<std::string> random_hex(std::size_t count) {
    Result<std::string> bytes = random_bytes(count);
    if (!bytes) {
        return bytes.error();
    }
    return to_hex({reinterpret_cast<const unsigned char*>(bytes->data()), bytes->size()});
}

std::string sha256_hex(std::string_view text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    // OpenSSL fails a SHA-256 digest only when memory allocation fails.
    if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
        throw std::bad_alloc();
    }
    return to_hex({digest, size});
}

bool constant_time_equals(std::string_view left, std::string_view right) {
    if (left.size() != right.size()) {
        return false;
    }
    return CRYPTO_memcmp(left.data(), right.data(), left.size()) == 0;
}

}  // namespace inmor::admin
