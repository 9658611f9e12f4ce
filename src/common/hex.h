// Lowercase hexadecimal encoding of bytes, as used for digests, key prefixes and lock
// tokens.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace inmor {

/// Encodes `bytes` as lowercase hexadecimal, two characters per byte.
inline std::string to_hex(std::span<const unsigned char> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex(bytes.size() * 2, '\0');
    char* cursor = hex.data();
    for (const unsigned char byte : bytes) {
        *cursor++ = kDigits[byte >> 4];
        *cursor++ = kDigits[byte & 0x0f];
    }
    return hex;
}

}  // namespace inmor
