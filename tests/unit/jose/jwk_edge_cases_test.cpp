// Edge cases of JWK parsing found in review: RSA exponents and moduli that
// OpenSSL refuses for reasons the message must name, Edwards points off the
// curve, the cost of a hostile modulus, and kid collisions after unescaping.
#include "common/base64url.h"
#include "common/json.h"
#include "jose/jwk.h"
#include "test_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <openssl/bn.h>

#include <chrono>
#include <string>

namespace inmor::jose {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using namespace inmor::jose::testing;

std::string message_of(const Result<Jwk>& result) {
    return result ? std::string("(parsed)") : result.error().message();
}

json::object rsa_public_with_exponent(std::string_view exponent_bytes) {
    json::object members = private_key("RS256").public_json();
    members["e"] = base64url_encode(exponent_bytes);
    return members;
}

TEST(JwkEdges, RejectsRsaExponentOneOrEven) {
    for (std::string_view exponent : {std::string_view("\x01"), std::string_view("\x02"),
                                      std::string_view("\x01\x00\x00", 3)}) {
        EXPECT_THAT(message_of(Jwk::from_json(rsa_public_with_exponent(exponent),
                                              KeyPart::kPublic)),
                    HasSubstr("jwk.e: "));
    }
}

TEST(JwkEdges, RejectsEvenRsaModulus) {
    json::object members = private_key("RS256").public_json();
    std::string modulus = *base64url_decode(members["n"].as_string());
    modulus.back() = static_cast<char>(modulus.back() & ~1);
    members["n"] = base64url_encode(modulus);

    EXPECT_THAT(message_of(Jwk::from_json(members, KeyPart::kPublic)), HasSubstr("jwk.n: "));
}

// A modulus the size of the upper limit, odd and free of small factors, the
// way a hostile JWK Set would send it: parsing it must stay cheap, since a
// JWK Set from the network may hold many such keys.
TEST(JwkEdges, ParsesLargestModulusQuickly) {
    BIGNUM* modulus = BN_new();
    ASSERT_EQ(BN_rand(modulus, kMaxRsaModulusBits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD), 1);
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(modulus)), '\0');
    BN_bn2bin(modulus, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(modulus);
    const json::object members{{"kty", "RSA"}, {"n", base64url_encode(bytes)}, {"e", "AQAB"}};

    const auto started = std::chrono::steady_clock::now();
    auto parsed = Jwk::from_json(members, KeyPart::kPublic);
    const auto elapsed = std::chrono::steady_clock::now() - started;

    // Whether a random number passes OpenSSL's checks does not matter here.
    static_cast<void>(parsed);
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 200)
        << "one 16384-bit key took this long to check";
}

json::object okp_public(std::string_view curve, std::string_view x) {
    return {{"kty", "OKP"}, {"crv", curve}, {"x", x}};
}

struct OffCurveCase {
    const char* name;
    const char* curve;
    const char* x;
};

class EdwardsPointsOffCurve : public ::testing::TestWithParam<OffCurveCase> {};

TEST_P(EdwardsPointsOffCurve, AreRejected) {
    const auto& param = GetParam();

    EXPECT_EQ(message_of(Jwk::from_json(okp_public(param.curve, param.x), KeyPart::kPublic)),
              "jwk.x: not a point on curve " + std::string(param.curve));
}

// y = 2 has no x on either curve; y = p is out of range; y = 1 gives x = 0,
// whose encoding may not set the sign bit (RFC 8032 sections 5.1.3, 5.2.3).
INSTANTIATE_TEST_SUITE_P(
    Cases, EdwardsPointsOffCurve,
    ::testing::Values(
        OffCurveCase{"Ed25519NoSquareRoot", "Ed25519",
                     "AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
        OffCurveCase{"Ed25519YEqualsP", "Ed25519",
                     "7f_______________________________________38"},
        OffCurveCase{"Ed25519NegativeZero", "Ed25519",
                     "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIA"},
        OffCurveCase{"Ed448NoSquareRoot", "Ed448",
                     "AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
        OffCurveCase{"Ed448UnusedBitsSet", "Ed448",
                     "AwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(JwkEdges, AcceptsGeneratedEdwardsKeys) {
    for (int round = 0; round < 20; ++round) {
        for (const char* type : {"Ed25519", "Ed448"}) {
            auto key = Jwk::generate(type);
            ASSERT_TRUE(key.has_value());
            EXPECT_TRUE(Jwk::from_json(key->public_json(), KeyPart::kPublic).has_value())
                << type << " " << to_json(key->public_json());
        }
    }
}

// RFC 8037 appendix A.2's public key, on the curve.
TEST(JwkEdges, AcceptsRfc8037PublicKey) {
    auto key = Jwk::from_json(
        okp_public("Ed25519", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"), KeyPart::kPublic);

    EXPECT_TRUE(key.has_value()) << message_of(key);
}

// Two kids that differ only in JSON escaping are the same kid.
TEST(JwkEdges, SetRejectsKidRepeatedWithEscapes) {
    json::object first = private_key("ES256").public_json();
    json::object second = private_key("ES384").public_json();
    first["kid"] = "a";
    second["kid"] = "a";
    const std::string text = R"({"keys":[)" + to_json(first) + "," +
                             [&] {
                                 std::string escaped = to_json(second);
                                 const std::size_t at = escaped.find(R"("kid":"a")");
                                 return escaped.replace(at, 9, R"("kid":"\u0061")");
                             }() +
                             "]}";

    auto set = JwkSet::parse(text);

    ASSERT_FALSE(set.has_value());
    EXPECT_THAT(set.error().message(), HasSubstr("duplicate kid \"a\""));
}

TEST(JwkEdges, RejectsPrivateOkpKeyWhereCallerExpectsPublic) {
    for (const char* type : {"Ed25519", "Ed448", "ES512", "PS256"}) {
        auto key = Jwk::from_json(private_key(type).to_json(), KeyPart::kPublic);

        EXPECT_THAT(message_of(key), HasSubstr("jwk.d: private key member present")) << type;
    }
}

TEST(JwkEdges, RejectsNonStringKidUseAndAlg) {
    for (const char* member : {"kid", "use", "alg"}) {
        json::object members = private_key("ES256").public_json();
        members[member] = 7;

        EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
                  "jwk." + std::string(member) + ": must be a string");
    }
}

}  // namespace
}  // namespace inmor::jose
