// Form decoding and the checks every parameter gets.
#include "http/params.h"

#include <gtest/gtest.h>

#include <string>

namespace inmor::http {
namespace {

TEST(Params, DecodesPercentAndPlus) {
    const auto params = Params::parse("sub=https%3A%2F%2Fa.test%2Fx&q=a+b");

    EXPECT_EQ(params.required("sub").value(), "https://a.test/x");
    EXPECT_EQ(params.required("q").value(), "a b");
}

TEST(Params, KeepsRawUrlAndStrayPercent) {
    const auto params = Params::parse("sub=https://a.test/p?x=1&other=100%");

    EXPECT_EQ(params.required("sub").value(), "https://a.test/p?x=1");
    EXPECT_EQ(params.required("other").value(), "100%");
}

// Runs between escapes are copied whole, so escapes at both ends, next to
// each other and cut short must still decode as before.
TEST(Params, DecodesEscapesAtRunEdges) {
    EXPECT_EQ(decode_form_component("%41bc%42"), "AbcB");
    EXPECT_EQ(decode_form_component("+%2B+%2b"), " + +");
    EXPECT_EQ(decode_form_component("a%4"), "a%4");
    EXPECT_EQ(decode_form_component("a%zz+b%"), "a%zz b%");
    const std::string jwt = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln";
    EXPECT_EQ(decode_form_component(jwt), jwt);
    EXPECT_EQ(decode_form_component(""), "");
}

TEST(Params, FirstValueWinsAndAllReturnsEvery) {
    const auto params = Params::parse("t=a&t=b&t=c");

    EXPECT_EQ(params.required("t").value(), "a");
    EXPECT_EQ(params.all("t").value(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(Params, MissingEmptyOversizedAndControlCharactersNameTheParameter) {
    const std::string long_value(kMaxParamBytes + 1, 'x');
    const auto params = Params::parse("empty=&long=" + long_value + "&ctl=a%01b&del=%7F");

    const auto missing = params.required("sub");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message(), "sub: missing required parameter");
    EXPECT_EQ(params.required("empty").error().message(), "empty: must not be empty");
    EXPECT_EQ(params.required("long").error().message(), "long: longer than 2048 bytes");
    EXPECT_EQ(params.required("ctl").error().message(), "ctl: contains control characters");
    EXPECT_EQ(params.required("del").error().message(), "del: contains control characters");
    EXPECT_EQ(params.required("sub").error().code(), ErrorCode::kInvalidRequest);
}

TEST(Params, LongerLimitOnRequest) {
    const std::string mark(5000, 'a');
    const auto params = Params::parse("trust_mark=" + mark);

    EXPECT_FALSE(params.required("trust_mark"));
    EXPECT_EQ(params.required("trust_mark", 65536).value().size(), 5000u);
}

TEST(Params, Booleans) {
    const auto params = Params::parse("a=true&b=false&c=TRUE&d=1");

    EXPECT_EQ(params.boolean("a").value(), std::optional<bool>(true));
    EXPECT_EQ(params.boolean("b").value(), std::optional<bool>(false));
    EXPECT_EQ(params.boolean("absent").value(), std::optional<bool>());
    EXPECT_EQ(params.boolean("c").error().message(), "c: must be true or false");
    EXPECT_FALSE(params.boolean("d"));
}

TEST(Params, ContentTypeIgnoresParametersAndCase) {
    EXPECT_TRUE(content_type_is("application/x-www-form-urlencoded",
                                "application/x-www-form-urlencoded"));
    EXPECT_TRUE(content_type_is("Application/X-WWW-Form-Urlencoded; charset=UTF-8",
                                "application/x-www-form-urlencoded"));
    EXPECT_FALSE(content_type_is("application/json", "application/x-www-form-urlencoded"));
    EXPECT_FALSE(content_type_is("", "application/x-www-form-urlencoded"));
}

}  // namespace
}  // namespace inmor::http
