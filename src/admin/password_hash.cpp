// argon2id hashing and verification through libargon2.
#include "admin/password_hash.h"

#include "admin/secrets.h"

#include <argon2.h>

#include <vector>

namespace inmor::admin {

Result<std::string> hash_password(std::string_view password) {
    if (password.size() > kMaxPasswordBytes) {
        return Error::invalid_request("password: must be at most 1024 bytes");
    }
    Result<std::string> salt = random_bytes(kArgon2SaltBytes);
    if (!salt) {
        return salt.error();
    }

    std::size_t length = argon2_encodedlen(kArgon2Passes, kArgon2MemoryKibibytes, kArgon2Lanes,
                                           kArgon2SaltBytes, kArgon2HashBytes, Argon2_id);
    std::vector<char> encoded(length);
    int code = argon2id_hash_encoded(kArgon2Passes, kArgon2MemoryKibibytes, kArgon2Lanes,
                                     password.data(), password.size(), salt->data(), salt->size(),
                                     kArgon2HashBytes, encoded.data(), encoded.size());
    if (code != ARGON2_OK) {
        return Error::server_error("password hashing failed",
                                   std::string("argon2: ") + argon2_error_message(code));
    }
    return std::string(encoded.data());
}

bool verify_password(std::string_view encoded, std::string_view password) {
    if (password.size() > kMaxPasswordBytes || !encoded.starts_with("$argon2id$")) {
        return false;
    }
    std::string encoded_text(encoded);
    return argon2id_verify(encoded_text.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace inmor::admin
