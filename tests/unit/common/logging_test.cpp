#include "common/logging.h"

#include <gtest/gtest.h>

namespace inmor {
namespace {

TEST(ParseLogLevel, ReadsPlainWord) {
    EXPECT_EQ(parse_log_level("debug"), "debug");
}

TEST(ParseLogLevel, ReadsModuleDirectives) {
    EXPECT_EQ(parse_log_level("inmor=trace"), "trace");
    EXPECT_EQ(parse_log_level("warn,inmor=info"), "info");
}

TEST(ParseLogLevel, IgnoresUnknownWords) {
    EXPECT_EQ(parse_log_level("loud"), "");
}

}  // namespace
}  // namespace inmor
