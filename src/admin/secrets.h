// Random tokens and digests for API keys, sessions and recovery codes
// (OpenSSL RAND_bytes and SHA-256).
#pragma once

#include "common/error.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace inmor::admin {

/// `count` bytes from OpenSSL's CSPRNG; kServerError if it is not seeded.
Result<std::string> random_bytes(std::size_t count);

/// `count` random bytes as unpadded base64url text.
Result<std::string> random_token(std::size_t count);

/// `count` random bytes as lowercase hex.
Result<std::string> random_hex(std::size_t count);

/// The SHA-256 digest of `text` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view text);

/// Compares two strings in time that depends only on their lengths.
bool constant_time_equals(std::string_view left, std::string_view right);

}  // namespace inmor::admin
