#include "common/base64url.h"

#include <gtest/gtest.h>

#include <string>

namespace inmor {
namespace {

TEST(Base64url, EncodesRfc4648Vectors) {
    EXPECT_EQ(base64url_encode(""), "");
    EXPECT_EQ(base64url_encode("f"), "Zg");
    EXPECT_EQ(base64url_encode("fo"), "Zm8");
    EXPECT_EQ(base64url_encode("foo"), "Zm9v");
    EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
    EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
    EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64url, UsesUrlAlphabet) {
    EXPECT_EQ(base64url_encode(std::string("\xfb\xff\xfe", 3)), "-__-");
}

TEST(Base64url, RoundTripsEveryByte) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));

    for (std::size_t length = 0; length <= bytes.size(); ++length) {
        const auto decoded = base64url_decode(base64url_encode(bytes.substr(0, length)));
        ASSERT_TRUE(decoded.has_value()) << "length " << length;
        EXPECT_EQ(*decoded, bytes.substr(0, length));
    }
}

TEST(Base64url, RejectsPadding) {
    EXPECT_FALSE(base64url_decode("Zg==").has_value());
    EXPECT_FALSE(base64url_decode("Zm8=").has_value());
}

TEST(Base64url, RejectsStandardAlphabetAndWhitespace) {
    EXPECT_FALSE(base64url_decode("+/+/").has_value());
    EXPECT_FALSE(base64url_decode("Zm9v YmFy").has_value());
    EXPECT_FALSE(base64url_decode("Zm9v\n").has_value());
}

// The decoder handles whole groups of four together and the last two or three
// characters one by one, so a bad character must be caught in every position.
TEST(Base64url, RejectsBadCharacterAtEveryPosition) {
    for (const std::string valid : {"Zm9vYmFyYmF6", "Zm9vYmFyYmE", "Zm9vYmFyYg"}) {
        ASSERT_TRUE(base64url_decode(valid).has_value()) << valid;
        for (std::size_t at = 0; at < valid.size(); ++at) {
            std::string broken = valid;
            broken[at] = '.';
            const auto decoded = base64url_decode(broken);
            ASSERT_FALSE(decoded.has_value()) << broken;
            EXPECT_EQ(decoded.error().message(), "base64url: invalid character") << broken;
        }
    }
}

TEST(Base64url, RejectsImpossibleLength) {
    EXPECT_FALSE(base64url_decode("Zm9vY").has_value());
}

TEST(Base64url, RejectsNonZeroTrailingBits) {
    // "Zh" decodes to 'f' with trailing bits 0b0001 set.
    EXPECT_FALSE(base64url_decode("Zh").has_value());
    EXPECT_FALSE(base64url_decode("Zm9").has_value());
    EXPECT_TRUE(base64url_decode("Zg").has_value());
}

}  // namespace
}  // namespace inmor
