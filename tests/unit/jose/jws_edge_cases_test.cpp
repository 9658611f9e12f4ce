// Edge cases of verify_jws() found in review: signature encodings at the
// edges of what OpenSSL takes, NumericDate values that are not plain
// integers, header members that must never pick a key, and `typ` spellings.
#include "common/base64url.h"
#include "common/json.h"
#include "jose/jws.h"
#include "jose/signature.h"
#include "test_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace inmor::jose {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using namespace inmor::jose::testing;

constexpr std::string_view kTyp = "entity-statement+jwt";

// The order of the P-256 group, big-endian.
constexpr char kP256Order[] =
    "\xff\xff\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff"
    "\xbc\xe6\xfa\xad\xa7\x17\x9e\x84\xf3\xb9\xca\xc2\xfc\x63\x25\x51";

std::string error_of(const Result<VerifiedJws>& result) {
    return result ? std::string("(verified)") : result.error().message();
}

std::string header_for(const Jwk& key, std::string_view alg, std::string_view extra = "") {
    return R"({"alg":")" + std::string(alg) + R"(","kid":")" + key.kid() +
           R"(","typ":"entity-statement+jwt")" + std::string(extra) + "}";
}

// Returns the octet length of one ECDSA coordinate for `alg`: ES512 uses
// P-521, whose coordinates take 66 octets.
std::size_t coordinate_width(std::string_view alg) {
    if (alg == "ES256") {
        return 32;
    }
    if (alg == "ES384") {
        return 48;
    }
    return 66;
}

std::string payload_with(std::string_view claims) {
    return R"({"iss":"https://ta.test","sub":"https://leaf.test",)" + std::string(claims) + "}";
}

std::string valid_times() {
    return "\"iat\":" + std::to_string(kTestNow) + ",\"exp\":" + std::to_string(kTestNow + 3600);
}

// Replaces the signature part of `token` with `signature` bytes.
std::string with_signature(const std::string& token, const std::string& signature) {
    return token.substr(0, token.rfind('.') + 1) + base64url_encode(signature);
}

std::string signature_of(const std::string& token) {
    return *base64url_decode(token.substr(token.rfind('.') + 1));
}

Result<VerifiedJws> verify_with(const Jwk& key, const std::string& token,
                                UnixSeconds now = kTestNow) {
    const FixedClock clock(now);
    return verify_jws(token, public_set(key), kTyp, clock);
}

// ECDSA: R or S of zero, or R equal to the group order, never verify.
TEST(VerifyJwsEdges, RejectsEcdsaSignatureWithZeroOrOutOfRangeValues) {
    const Jwk& key = private_key("ES256");
    const std::string token = sign_raw(key, header_for(key, "ES256"),
                                       payload_with(valid_times()));
    const std::string good = signature_of(token);
    const std::string zero(32, '\0');

    for (const std::string& bad :
         {zero + good.substr(32), good.substr(0, 32) + zero, zero + zero,
          std::string(kP256Order, 32) + good.substr(32),
          good.substr(0, 32) + std::string(kP256Order, 32),
          std::string(64, '\xff')}) {
        auto verified = verify_with(key, with_signature(token, bad));
        ASSERT_FALSE(verified.has_value());
        EXPECT_THAT(verified.error().message(), HasSubstr("signature verification failed"));
    }
    EXPECT_TRUE(verify_with(key, token).has_value());
}

// The DER form OpenSSL reads and writes is built and parsed by hand, so
// coordinates with leading zero octets (about half of all P-521 ones) and
// with the top bit set (about half of all) must round-trip on every curve.
TEST(VerifyJwsEdges, EcdsaCoordinatesOfEveryShapeRoundTrip) {
    for (std::string_view type : {"ES256", "ES384", "ES512"}) {
        const Jwk& key = private_key(type);
        const JwkSet keys = public_set(key);
        const Jwk& public_key = *keys.find(key.kid());
        const std::size_t width = coordinate_width(type);
        int leading_zero = 0;
        int top_bit = 0;
        for (int round = 0; round < 64; ++round) {
            const std::string input = "header.payload" + std::to_string(round);
            auto signature = sign_signature(key, key.signing_algorithm(), input);
            ASSERT_TRUE(signature.has_value()) << type;
            ASSERT_EQ(signature->size(), 2 * width) << type;
            for (std::size_t start : {std::size_t{0}, width}) {
                const auto first = static_cast<unsigned char>((*signature)[start]);
                leading_zero += first == 0 ? 1 : 0;
                top_bit += (first & 0x80) != 0 ? 1 : 0;
            }
            EXPECT_TRUE(verify_signature(public_key, key.signing_algorithm(), input, *signature))
                << type << " round " << round;
        }
        if (type == "ES512") {
            EXPECT_GT(leading_zero, 0);
        } else {
            EXPECT_GT(top_bit, 0) << type;
        }
    }
}

// JwsSigner writes the header sign_jws() writes, so tokens differ only in
// the (randomized) ECDSA signature.
TEST(VerifyJwsEdges, JwsSignerMatchesSignJws) {
    const Jwk& key = private_key("ES256");
    const json::object extras{{"typ", "trust-mark-status-response+jwt"}};
    const json::object payload = valid_payload();
    auto signer = JwsSigner::create(key, extras);
    ASSERT_TRUE(signer.has_value());
    auto from_signer = signer->sign(payload);
    auto from_function = sign_jws(key, payload, extras);
    ASSERT_TRUE(from_signer.has_value());
    ASSERT_TRUE(from_function.has_value());

    EXPECT_EQ(from_signer->substr(0, from_signer->rfind('.')),
              from_function->substr(0, from_function->rfind('.')));
    const FixedClock clock(kTestNow);
    EXPECT_TRUE(verify_jws(*from_signer, public_set(key), "trust-mark-status-response+jwt",
                           clock));
    EXPECT_FALSE(JwsSigner::create(key, {{"kid", "other"}}).has_value());
}

TEST(VerifyJwsEdges, VerifyDecodedJwsChecksLikeVerifyJws) {
    const Jwk& key = private_key("ES256");
    const std::string token = sign_raw(key, header_for(key, "ES256"),
                                       payload_with(valid_times()));
    const FixedClock clock(kTestNow);
    auto decoded = decode_unverified(token);
    ASSERT_TRUE(decoded.has_value());
    auto verified = verify_decoded_jws(*decoded, public_set(key), kTyp, clock);
    ASSERT_TRUE(verified.has_value());
    EXPECT_EQ(verified->payload(), decoded->payload());

    auto wrong_typ = verify_decoded_jws(*decoded, public_set(key), "trust-mark+jwt", clock);
    ASSERT_FALSE(wrong_typ.has_value());
    EXPECT_EQ(wrong_typ.error().message(),
              verify_jws(token, public_set(key), "trust-mark+jwt", clock).error().message());
}

TEST(VerifyJwsEdges, RejectsEcdsaSignatureOfOtherCurveLength) {
    const Jwk& key = private_key("ES384");
    const std::string token = sign_raw(key, header_for(key, "ES384"),
                                       payload_with(valid_times()));
    const std::string good = signature_of(token);

    for (const std::string& bad : {good.substr(0, 64), good + std::string(1, '\0'),
                                   std::string(1, '\0') + good, good.substr(1)}) {
        auto verified = verify_with(key, with_signature(token, bad));
        ASSERT_FALSE(verified.has_value());
        EXPECT_THAT(verified.error().message(), HasSubstr("ECDSA signature must be 96 bytes"));
    }
}

// An RSA signature is exactly as long as the modulus (RFC 8017 section 8.1.2
// and 8.2.2); a zero octet in front of or removed from it changes the token
// without the key holder, so such a token must not verify.
TEST(VerifyJwsEdges, RejectsRsaSignatureOfWrongLength) {
    for (const char* type : {"RS256", "PS256"}) {
        const Jwk& key = private_key(type);
        const std::string token = sign_raw(key, header_for(key, type),
                                           payload_with(valid_times()));
        const std::string good = signature_of(token);
        ASSERT_EQ(good.size(), 256U);

        auto longer = verify_with(key, with_signature(token, std::string(1, '\0') + good));
        ASSERT_FALSE(longer.has_value()) << type;
        EXPECT_THAT(longer.error().message(), HasSubstr("RSA signature must be 256 bytes"));
        auto shorter = verify_with(key, with_signature(token, good.substr(1)));
        EXPECT_FALSE(shorter.has_value()) << type;
    }
}

// A PS256 signature whose first octet is zero still verifies in OpenSSL when
// that octet is dropped; find one (about 1 in 256) and check both forms.
TEST(VerifyJwsEdges, RejectsPssSignatureWithLeadingZeroRemoved) {
    const Jwk& key = private_key("PS256");
    std::string token;
    for (int attempt = 0; attempt < 4096; ++attempt) {
        token = sign_raw(key, header_for(key, "PS256"),
                         payload_with(valid_times() + ",\"n\":" + std::to_string(attempt)));
        if (signature_of(token)[0] == '\0') {
            break;
        }
    }
    const std::string good = signature_of(token);
    ASSERT_EQ(good[0], '\0') << "no signature with a leading zero octet found";
    ASSERT_TRUE(verify_with(key, token).has_value());

    auto stripped = verify_with(key, with_signature(token, good.substr(1)));

    ASSERT_FALSE(stripped.has_value());
    EXPECT_THAT(stripped.error().message(), HasSubstr("RSA signature must be 256 bytes"));
}

TEST(VerifyJwsEdges, RejectsEdDsaSignatureOfWrongLength) {
    const Jwk& key = private_key("Ed25519");
    const std::string token = sign_raw(key, header_for(key, "EdDSA"),
                                       payload_with(valid_times()));
    const std::string good = signature_of(token);

    EXPECT_FALSE(verify_with(key, with_signature(token, good + std::string(1, '\0'))));
    EXPECT_FALSE(verify_with(key, with_signature(token, good.substr(0, 63))));
}

// The header alg must match the JWK's alg, also within one key type.
TEST(VerifyJwsEdges, RejectsHeaderAlgOtherThanKeyAlg) {
    const Jwk& key = private_key("PS256");
    const std::string token = sign_raw(key, header_for(key, "RS256"),
                                       payload_with(valid_times()));

    auto verified = verify_with(key, token);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("does not fit key"));
}

struct DateCase {
    const char* name;
    std::string claims;
    const char* expected_message;  // nullptr: the token verifies
};

class NumericDates : public ::testing::TestWithParam<DateCase> {};

TEST_P(NumericDates, AreCheckedAsDocumented) {
    const Jwk& key = private_key("ES256");
    const std::string token = sign_raw(key, header_for(key, "ES256"),
                                       payload_with(GetParam().claims));

    auto verified = verify_with(key, token);

    if (GetParam().expected_message == nullptr) {
        EXPECT_TRUE(verified.has_value()) << error_of(verified);
    } else {
        ASSERT_FALSE(verified.has_value());
        EXPECT_THAT(verified.error().message(), HasSubstr(GetParam().expected_message));
    }
}

const std::string kNow = std::to_string(kTestNow);
const std::string kIat = "\"iat\":" + kNow;
const std::string kExp = "\"exp\":" + std::to_string(kTestNow + 3600);

INSTANTIATE_TEST_SUITE_P(
    Cases, NumericDates,
    ::testing::Values(
        DateCase{"NegativeExp", kIat + ",\"exp\":-1", "exp: token expired"},
        DateCase{"HugeNegativeExp", kIat + ",\"exp\":-1e308", "exp: token expired"},
        DateCase{"ExpBeyondDouble", kIat + ",\"exp\":1e400", "JWS payload: number out of range"},
        DateCase{"NegativeExpBeyondDouble", kIat + ",\"exp\":-1e400",
                 "JWS payload: number out of range"},
        DateCase{"IatBeyondDouble", "\"iat\":1e999," + kExp, "JWS payload: number out of range"},
        DateCase{"NbfBeyondDouble", kIat + "," + kExp + ",\"nbf\":1e400",
                 "JWS payload: number out of range"},
        DateCase{"LargestUnsignedExp", kIat + ",\"exp\":18446744073709551615", nullptr},
        DateCase{"BooleanExp", kIat + ",\"exp\":true", "exp: must be a number"},
        DateCase{"NullExp", kIat + ",\"exp\":null", "exp: must be a number"},
        DateCase{"ArrayExp", kIat + ",\"exp\":[" + kNow + "]", "exp: must be a number"},
        DateCase{"ObjectIat", "\"iat\":{}," + kExp, "iat: must be a number"},
        DateCase{"StringNbf", kIat + "," + kExp + ",\"nbf\":\"0\"", "nbf: must be a number"},
        DateCase{"MissingIat", kExp, "iat: missing"},
        // exp exactly kClockSkewSeconds in the past: expired; one second less: valid.
        DateCase{"ExpAtSkewBoundary",
                 kIat + ",\"exp\":" + std::to_string(kTestNow - kClockSkewSeconds),
                 "exp: token expired"},
        DateCase{"ExpInsideSkew",
                 kIat + ",\"exp\":" + std::to_string(kTestNow - kClockSkewSeconds + 1), nullptr},
        DateCase{"FractionalExpJustExpired",
                 kIat + ",\"exp\":" + std::to_string(kTestNow - kClockSkewSeconds) + ".0",
                 "exp: token expired"},
        DateCase{"FractionalExpJustValid",
                 kIat + ",\"exp\":" + std::to_string(kTestNow - kClockSkewSeconds) + ".5",
                 nullptr},
        DateCase{"NbfAtSkewBoundary",
                 kIat + "," + kExp + ",\"nbf\":" + std::to_string(kTestNow + kClockSkewSeconds),
                 nullptr},
        DateCase{"NbfPastSkew",
                 kIat + "," + kExp + ",\"nbf\":" +
                     std::to_string(kTestNow + kClockSkewSeconds) + ".5",
                 "nbf: token not valid yet"},
        DateCase{"IatFarFuture", "\"iat\":" + std::to_string(kTestNow + 86400 * 365) + "," + kExp,
                 "iat: issued in the future"},
        DateCase{"IatFloatFuture",
                 "\"iat\":" + std::to_string(kTestNow + kClockSkewSeconds) + ".001," + kExp,
                 "iat: issued in the future"},
        DateCase{"NegativeIat", "\"iat\":-5," + kExp, nullptr},
        DateCase{"ExponentNotation", "\"iat\":1.7e9," + kExp, nullptr}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

struct HeaderCase {
    const char* name;
    std::string extra;  // appended to the header object
    const char* expected_message;
};

class HeaderMembers : public ::testing::TestWithParam<HeaderCase> {};

TEST_P(HeaderMembers, AreRejected) {
    const Jwk& key = private_key("ES256");
    const std::string token = sign_raw(key, header_for(key, "ES256", GetParam().extra),
                                       payload_with(valid_times()));

    auto verified = verify_with(key, token);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr(GetParam().expected_message));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HeaderMembers,
    ::testing::Values(
        HeaderCase{"CritString", R"(,"crit":"exp","exp":1)", "crit: must be a non-empty array"},
        HeaderCase{"CritObject", R"(,"crit":{})", "crit: must be a non-empty array"},
        HeaderCase{"CritNumber", R"(,"crit":[1])", "crit: entries must be strings"},
        HeaderCase{"CritAlg", R"(,"crit":["alg"])", "registered parameter \"alg\""},
        HeaderCase{"CritAbsent", R"(,"crit":["x-ext"])", "not in the header"},
        // RFC 7797: b64 false changes what is signed; we never process it.
        HeaderCase{"B64FalseCrit", R"(,"crit":["b64"],"b64":false)", "not understood"},
        HeaderCase{"B64FalseWithoutCrit", R"(,"b64":false)", "jws header b64"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(VerifyJwsEdges, RejectsCritListingNameTwice) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    VerifyOptions options;
    options.understood_header_parameters = {"x-ext"};
    options.understood_claims = {"x-claim"};
    const std::string header_twice =
        sign_raw(key, header_for(key, "ES256", R"(,"crit":["x-ext","x-ext"],"x-ext":1)"),
                 payload_with(valid_times()));
    const std::string claim_twice =
        sign_raw(key, header_for(key, "ES256"),
                 payload_with(valid_times() + R"(,"crit":["x-claim","x-claim"],"x-claim":1)"));

    auto header_result = verify_jws(header_twice, public_set(key), kTyp, clock, options);
    auto claim_result = verify_jws(claim_twice, public_set(key), kTyp, clock, options);

    ASSERT_FALSE(header_result.has_value());
    EXPECT_EQ(header_result.error().message(), "jws header crit: lists \"x-ext\" twice");
    ASSERT_FALSE(claim_result.has_value());
    EXPECT_EQ(claim_result.error().message(), "jws claim crit: lists \"x-claim\" twice");
}

// A `jwk`, `jku` or `x5u` header must never supply or choose the key: a token
// signed by a stranger whose key travels in the header does not verify.
TEST(VerifyJwsEdges, IgnoresKeysCarriedInTheHeader) {
    const Jwk& trusted = private_key("ES256");
    auto stranger = Jwk::generate("ES256");
    ASSERT_TRUE(stranger.has_value());
    const std::string embedded = to_json(stranger->public_json());

    for (const std::string& kid : {stranger->kid(), trusted.kid()}) {
        const std::string header = R"({"alg":"ES256","kid":")" + kid +
                                   R"(","typ":"entity-statement+jwt","jwk":)" + embedded +
                                   R"(,"jku":"https://evil.test/jwks","x5u":"https://evil.test/x")" +
                                   "}";
        const std::string token = sign_raw(*stranger, header, payload_with(valid_times()));

        auto verified = verify_with(trusted, token);

        ASSERT_FALSE(verified.has_value()) << kid;
    }
}

TEST(VerifyJwsEdges, MatchesKidWrittenWithUnicodeEscapes) {
    const Jwk& key = private_key("ES256");
    std::string escaped_kid;
    for (const char c : key.kid()) {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned char>(c));
        escaped_kid += buffer;
    }
    const std::string header =
        R"({"alg":"ES256","kid":")" + escaped_kid + R"(","typ":"entity-statement+jwt"})";

    auto verified = verify_with(key, sign_raw(key, header, payload_with(valid_times())));

    ASSERT_TRUE(verified.has_value()) << error_of(verified);
    EXPECT_EQ(verified->kid(), key.kid());
}

TEST(VerifyJwsEdges, RejectsKidThatIsNotAString) {
    const Jwk& key = private_key("ES256");
    for (const char* kid : {"1", "null", "[\"x\"]", "\"\""}) {
        const std::string header =
            R"({"alg":"ES256","kid":)" + std::string(kid) + R"(,"typ":"entity-statement+jwt"})";

        auto verified = verify_with(key, sign_raw(key, header, payload_with(valid_times())));

        ASSERT_FALSE(verified.has_value()) << kid;
        EXPECT_THAT(verified.error().message(), HasSubstr("jws header kid")) << kid;
    }
}

TEST(VerifyJwsEdges, RejectsDeeplyNestedPayload) {
    const Jwk& key = private_key("ES256");
    const std::string deep = std::string(200, '[') + std::string(200, ']');
    const std::string token = sign_raw(key, header_for(key, "ES256"),
                                       payload_with(valid_times() + ",\"x\":" + deep));

    auto verified = verify_with(key, token);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("JWS payload: invalid JSON"));
}

TEST(VerifyJwsEdges, RejectsDuplicateMemberInNestedPayloadObject) {
    const Jwk& key = private_key("ES256");
    const std::string token =
        sign_raw(key, header_for(key, "ES256"),
                 payload_with(valid_times() + R"(,"metadata":{"a":{"b":1,"b":2}})"));

    auto verified = verify_with(key, token);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("duplicate member name \"b\""));
}

// RFC 7515 section 4.1.9: typ is a media type, compared without regard to
// case, and "application/" may be left out.
TEST(VerifyJwsEdges, AcceptsTypSpelledAsFullOrUppercaseMediaType) {
    const Jwk& key = private_key("ES256");
    for (const char* typ : {"application/entity-statement+jwt", "Entity-Statement+JWT",
                            "APPLICATION/entity-statement+jwt"}) {
        const std::string header = R"({"alg":"ES256","kid":")" + key.kid() + R"(","typ":")" +
                                   typ + "\"}";

        auto verified = verify_with(key, sign_raw(key, header, payload_with(valid_times())));

        EXPECT_TRUE(verified.has_value()) << typ << ": " << error_of(verified);
    }
}

TEST(VerifyJwsEdges, RejectsTypThatOnlyResemblesTheExpectedOne) {
    const Jwk& key = private_key("ES256");
    for (const char* typ : {"entity-statement+jwt ", "text/entity-statement+jwt", "jwt",
                            "application/", "entity-statement", "application/application/"
                                                                "entity-statement+jwt"}) {
        const std::string header = R"({"alg":"ES256","kid":")" + key.kid() + R"(","typ":")" +
                                   typ + "\"}";

        auto verified = verify_with(key, sign_raw(key, header, payload_with(valid_times())));

        ASSERT_FALSE(verified.has_value()) << typ;
        EXPECT_THAT(verified.error().message(), HasSubstr("jws header typ")) << typ;
    }
}

TEST(VerifyJwsEdges, RejectsEmptyHeaderOrPayloadPart) {
    const Jwk& key = private_key("ES256");
    const std::string token = sign_raw(key, header_for(key, "ES256"),
                                       payload_with(valid_times()));
    const std::size_t first_dot = token.find('.');
    const std::size_t second_dot = token.find('.', first_dot + 1);

    EXPECT_FALSE(verify_with(key, token.substr(first_dot)));
    EXPECT_FALSE(verify_with(key, token.substr(0, first_dot + 1) + token.substr(second_dot)));
}

// Each key caches prepared OpenSSL contexts per algorithm and direction;
// threads sharing one key of each type must all get working copies.
class SharedKeyThreads : public ::testing::TestWithParam<std::string_view> {};

TEST_P(SharedKeyThreads, SignAndVerifyConcurrently) {
    const Jwk& key = private_key(GetParam());
    const JwkSet keys = public_set(key);
    const FixedClock clock(kTestNow);
    const json::object header{{"typ", kTyp}};
    const json::object payload{{"iss", "https://ta.test"},
                               {"iat", kTestNow},
                               {"exp", kTestNow + 3600}};
    std::atomic<int> verified_count{0};

    std::vector<std::thread> threads;
    for (int thread = 0; thread < 4; ++thread) {
        threads.emplace_back([&] {
            for (int round = 0; round < 5; ++round) {
                auto token = sign_jws(key, payload, header);
                if (token && verify_jws(*token, keys, kTyp, clock)) {
                    ++verified_count;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }

    EXPECT_EQ(verified_count.load(), 20);
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, SharedKeyThreads, ::testing::ValuesIn(kKeyTypes),
                         [](const auto& test_info) { return std::string(test_info.param); });

}  // namespace
}  // namespace inmor::jose
