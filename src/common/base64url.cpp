// Strict base64url encoding and decoding.
#include "common/base64url.h"

#include <array>
#include <cstdint>

namespace inmor {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_decode_table() {
    std::array<std::int8_t, 256> table{};
    for (auto& entry : table) {
        entry = -1;
    }
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    }
    return table;
}

constexpr auto kDecodeTable = make_decode_table();

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);

    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t triple = (static_cast<unsigned char>(bytes[i]) << 16) |
                                     (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                                     static_cast<unsigned char>(bytes[i + 2]);
        out.push_back(kAlphabet[(triple >> 18) & 0x3f]);
        out.push_back(kAlphabet[(triple >> 12) & 0x3f]);
        out.push_back(kAlphabet[(triple >> 6) & 0x3f]);
        out.push_back(kAlphabet[triple & 0x3f]);
    }

    // One or two bytes remain: emit two or three characters, no padding.
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t triple = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) {
            triple |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        }
        out.push_back(kAlphabet[(triple >> 18) & 0x3f]);
        out.push_back(kAlphabet[(triple >> 12) & 0x3f]);
        if (rest == 2) {
            out.push_back(kAlphabet[(triple >> 6) & 0x3f]);
        }
    }
    return out;
}

Result<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) {
        return Error::invalid_request("base64url: invalid length");
    }

    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const std::int8_t sextet = kDecodeTable[static_cast<unsigned char>(c)];
        if (sextet < 0) {
            return Error::invalid_request("base64url: invalid character");
        }
        buffer = (buffer << 6) | static_cast<std::uint32_t>(sextet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }

    // Leftover bits must be zero, else two encodings would decode alike.
    if ((buffer & ((1u << bits) - 1)) != 0) {
        return Error::invalid_request("base64url: non-zero trailing bits");
    }
    return out;
}

}  // namespace inmor
