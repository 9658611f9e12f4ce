// Retry-After parsing, the backoff delays and UTF-8 validation.
#include "fetch/retry_after.h"
#include "fetch/utf8.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace inmor::fetch {
namespace {

using std::chrono::seconds;

// Sun, 06 Nov 1994 08:49:37 GMT as a time point.
const std::chrono::system_clock::time_point kNow =
    std::chrono::system_clock::from_time_t(784111777);

TEST(RetryAfter, ReadsDelaySeconds) {
    EXPECT_EQ(parse_retry_after("0", kNow), seconds(0));
    EXPECT_EQ(parse_retry_after("3", kNow), seconds(3));
    EXPECT_EQ(parse_retry_after(" 120 ", kNow), seconds(120));
    EXPECT_EQ(parse_retry_after("99999999999999999999", kNow), seconds(86400));
}

TEST(RetryAfter, ReadsHttpDateRelativeToNow) {
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:42 GMT", kNow), seconds(5));
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 09:49:37 GMT", kNow), seconds(3600));
    EXPECT_EQ(parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", kNow), seconds(0));
}

TEST(RetryAfter, RejectsOtherForms) {
    EXPECT_FALSE(parse_retry_after("", kNow).has_value());
    EXPECT_FALSE(parse_retry_after("-1", kNow).has_value());
    EXPECT_FALSE(parse_retry_after("1.5", kNow).has_value());
    EXPECT_FALSE(parse_retry_after("soon", kNow).has_value());
    EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:42 UTC", kNow).has_value());
    EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:42 GMT trailing", kNow).has_value());
}

TEST(RetryDelay, DoublesAndYieldsToLongerRetryAfter) {
    std::chrono::milliseconds initial(200);

    EXPECT_EQ(retry_delay(0, initial, std::nullopt).count(), 200);
    EXPECT_EQ(retry_delay(1, initial, std::nullopt).count(), 400);
    EXPECT_EQ(retry_delay(2, initial, std::nullopt).count(), 800);
    EXPECT_EQ(retry_delay(0, initial, seconds(2)).count(), 2000);
    EXPECT_EQ(retry_delay(3, initial, seconds(1)).count(), 1600);
}

TEST(Utf8, AcceptsWellFormedText) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ascii"));
    EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));
    EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));
    EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));
    EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));
    EXPECT_TRUE(is_valid_utf8(std::string("nul\0inside", 10)));
}

TEST(Utf8, RejectsMalformedSequences) {
    EXPECT_FALSE(is_valid_utf8("caf\xe9"));
    EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));
    EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));
    EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
    EXPECT_FALSE(is_valid_utf8("\xe2\x82"));
    EXPECT_FALSE(is_valid_utf8("\x80"));
    EXPECT_FALSE(is_valid_utf8("\xc3\x28"));
}

}  // namespace
}  // namespace inmor::fetch
