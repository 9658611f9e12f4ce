// Password hashing with argon2id (libargon2), in the PHC encoded string form.
#pragma once

#include "common/error.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace inmor::admin {

/// argon2id cost: 2 passes over 19 MiB with one lane, the minimum OWASP's
/// Password Storage Cheat Sheet recommends for argon2id. Measured at 95 to
/// 110 ms per hash (libargon2 20190702, -O2) on a shared 2-core Xeon VM under
/// a load average of 8; an idle core is faster. Raise these as hardware
/// allows: hashes made with other parameters still verify, because the
/// encoded string carries its own.
inline constexpr std::uint32_t kArgon2Passes = 2;
inline constexpr std::uint32_t kArgon2MemoryKibibytes = 19 * 1024;
inline constexpr std::uint32_t kArgon2Lanes = 1;
inline constexpr std::size_t kArgon2SaltBytes = 16;
inline constexpr std::size_t kArgon2HashBytes = 32;

/// Maximum password length in bytes, to bound the hashing work per request.
inline constexpr std::size_t kMaxPasswordBytes = 1024;

/// Hashes `password` with a fresh random salt; returns
/// "$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH".
Result<std::string> hash_password(std::string_view password);

/// True when `password` matches `encoded` (compared in constant time by
/// libargon2). False for a wrong password or a malformed hash.
bool verify_password(std::string_view encoded, std::string_view password);

}  // namespace inmor::admin
