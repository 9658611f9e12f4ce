// Hexadecimal digits: bytes encoded in lowercase (digests, key prefixes, lock tokens),
// and the value of one digit (percent-decoding).
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

/// Returns the value (0-15) of the hexadecimal digit `c` in either case, or -1.
constexpr int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace inmor
