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
    // Sized once and written through a pointer, because every JWS signed
    // encodes its payload and push_back checks the capacity per character.
    const std::size_t full_groups = bytes.size() / 3;
    const std::size_t rest = bytes.size() - full_groups * 3;
    std::string out(full_groups * 4 + (rest == 0 ? 0 : rest + 1), '\0');
    char* cursor = out.data();
    const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());

    for (std::size_t group = 0; group < full_groups; ++group, in += 3) {
        const std::uint32_t triple = (std::uint32_t{in[0]} << 16) |
                                     (std::uint32_t{in[1]} << 8) | in[2];
        *cursor++ = kAlphabet[(triple >> 18) & 0x3f];
        *cursor++ = kAlphabet[(triple >> 12) & 0x3f];
        *cursor++ = kAlphabet[(triple >> 6) & 0x3f];
        *cursor++ = kAlphabet[triple & 0x3f];
    }

    // One or two bytes remain: emit two or three characters, no padding.
    if (rest > 0) {
        std::uint32_t triple = std::uint32_t{in[0]} << 16;
        if (rest == 2) {
            triple |= std::uint32_t{in[1]} << 8;
        }
        *cursor++ = kAlphabet[(triple >> 18) & 0x3f];
        *cursor++ = kAlphabet[(triple >> 12) & 0x3f];
        if (rest == 2) {
            *cursor++ = kAlphabet[(triple >> 6) & 0x3f];
        }
    }
    return out;
}

Result<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) {
        return Error::invalid_request("base64url: invalid length");
    }

    // Every 4 characters make 3 bytes, and 2 or 3 trailing ones make 1 or 2.
    // Whole groups are decoded four characters at a time, as JWS parts are
    // decoded on every request that carries one.
    std::string out(text.size() * 3 / 4, '\0');
    char* cursor = out.data();
    const auto* in = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t full_groups = text.size() / 4;
    for (std::size_t group = 0; group < full_groups; ++group, in += 4) {
        const std::int8_t a = kDecodeTable[in[0]];
        const std::int8_t b = kDecodeTable[in[1]];
        const std::int8_t c = kDecodeTable[in[2]];
        const std::int8_t d = kDecodeTable[in[3]];
        if ((a | b | c | d) < 0) {
            return Error::invalid_request("base64url: invalid character");
        }
        const auto triple = (static_cast<std::uint32_t>(a) << 18) |
                            (static_cast<std::uint32_t>(b) << 12) |
                            (static_cast<std::uint32_t>(c) << 6) | static_cast<std::uint32_t>(d);
        *cursor++ = static_cast<char>(triple >> 16);
        *cursor++ = static_cast<char>((triple >> 8) & 0xff);
        *cursor++ = static_cast<char>(triple & 0xff);
    }

    std::uint32_t buffer = 0;
    int bits = 0;
    for (const unsigned char* end = in + text.size() % 4; in != end; ++in) {
        const std::int8_t sextet = kDecodeTable[*in];
        if (sextet < 0) {
            return Error::invalid_request("base64url: invalid character");
        }
        buffer = (buffer << 6) | static_cast<std::uint32_t>(sextet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *cursor++ = static_cast<char>((buffer >> bits) & 0xff);
        }
    }

    // Leftover bits must be zero, else two encodings would decode alike.
    if ((buffer & ((1u << bits) - 1)) != 0) {
        return Error::invalid_request("base64url: non-zero trailing bits");
    }
    return out;
}

}  // namespace inmor
