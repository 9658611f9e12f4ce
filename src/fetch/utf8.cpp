// UTF-8 validation following the well-formed byte sequence table of
// Unicode 15, section 3.9 (table 3-7).
#include "fetch/utf8.h"

#include <cstdint>

namespace inmor::fetch {

bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        auto lead = static_cast<std::uint8_t>(text[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }

        // The lead byte fixes the length and the range of the second byte,
        // which is how overlong forms, surrogates and values above U+10FFFF
        // are excluded.
        std::size_t length = 0;
        std::uint8_t second_low = 0x80;
        std::uint8_t second_high = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
            length = 2;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            length = 3;
            second_low = lead == 0xe0 ? 0xa0 : 0x80;
            second_high = lead == 0xed ? 0x9f : 0xbf;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            length = 4;
            second_low = lead == 0xf0 ? 0x90 : 0x80;
            second_high = lead == 0xf4 ? 0x8f : 0xbf;
        } else {
            return false;
        }
        if (text.size() - i < length) {
            return false;
        }

        auto second = static_cast<std::uint8_t>(text[i + 1]);
        if (second < second_low || second > second_high) {
            return false;
        }
        for (std::size_t k = 2; k < length; ++k) {
            auto next = static_cast<std::uint8_t>(text[i + k]);
            if (next < 0x80 || next > 0xbf) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

}  // namespace inmor::fetch
