#include "common/hex.h"

#include <gtest/gtest.h>

#include <array>

namespace inmor {
namespace {

TEST(Hex, EncodesLowercaseTwoDigitsPerByte) {
    const std::array<unsigned char, 4> bytes{0x00, 0x0f, 0xa5, 0xff};

    EXPECT_EQ(to_hex(bytes), "000fa5ff");
}

TEST(Hex, EncodesEmptyInputAsEmptyText) {
    EXPECT_EQ(to_hex(std::span<const unsigned char>()), "");
}

TEST(Hex, DigitValueInEitherCase) {
    EXPECT_EQ(hex_digit_value('0'), 0);
    EXPECT_EQ(hex_digit_value('9'), 9);
    EXPECT_EQ(hex_digit_value('a'), 10);
    EXPECT_EQ(hex_digit_value('F'), 15);
}

TEST(Hex, DigitValueRejectsOtherCharacters) {
    for (const char c : {'g', 'G', '/', ':', '@', '`', ' ', '%', '\0'}) {
        EXPECT_EQ(hex_digit_value(c), -1) << "character code " << static_cast<int>(c);
    }
}

}  // namespace
}  // namespace inmor
