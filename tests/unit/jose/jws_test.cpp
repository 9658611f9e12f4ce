// sign_jws(), decode_unverified() and verify_jws(): the round trip for every
// algorithm and each reason a token must be rejected.
#include "common/base64url.h"
#include "common/json.h"
#include "jose/jws.h"
#include "jose/signature.h"
#include "test_keys.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

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

json::object typ_header() {
    return {{"typ", kTyp}};
}

std::string signed_token(const Jwk& key, const json::object& payload = valid_payload()) {
    auto token = sign_jws(key, payload, typ_header());
    EXPECT_TRUE(token.has_value());
    return token ? *token : std::string();
}

std::string error_of(const Result<VerifiedJws>& result) {
    return result ? std::string("(verified)") : result.error().message();
}

class JwsRoundTrip : public ::testing::TestWithParam<std::string_view> {};

TEST_P(JwsRoundTrip, SignedTokenVerifies) {
    const Jwk& key = private_key(GetParam());
    const FixedClock clock(kTestNow);

    auto verified = verify_jws(signed_token(key), public_set(key), kTyp, clock);

    ASSERT_TRUE(verified.has_value()) << error_of(verified);
    EXPECT_EQ(verified->payload().at("iss").as_string(), "https://ta.test");
    EXPECT_EQ(verified->kid(), key.kid());
    EXPECT_EQ(verified->header().at("typ").as_string(), kTyp);
}

TEST_P(JwsRoundTrip, HeaderNamesAlgorithmAndKid) {
    const Jwk& key = private_key(GetParam());

    auto decoded = decode_unverified(signed_token(key));

    ASSERT_TRUE(decoded.has_value());
    const std::string expected_alg =
        key.key_type() == KeyType::kOkp ? "EdDSA" : std::string(GetParam());
    EXPECT_EQ(decoded->alg(), expected_alg);
    EXPECT_EQ(decoded->kid(), key.kid());
    EXPECT_EQ(decoded->issuer(), "https://ta.test");
}

TEST_P(JwsRoundTrip, TamperedPayloadIsRejected) {
    const Jwk& key = private_key(GetParam());
    const FixedClock clock(kTestNow);
    std::string token = signed_token(key);
    const std::size_t first_dot = token.find('.');
    const std::size_t second_dot = token.find('.', first_dot + 1);
    json::object payload = valid_payload();
    payload["sub"] = "https://attacker.test";
    token.replace(first_dot + 1, second_dot - first_dot - 1,
                  base64url_encode(to_json(payload)));

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("signature verification failed"));
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, JwsRoundTrip, ::testing::ValuesIn(kKeyTypes),
                         [](const auto& test_info) { return std::string(test_info.param); });

TEST(VerifyJws, AcceptsFullySpecifiedEd25519HeaderAlg) {
    const Jwk& key = private_key("Ed25519");
    const FixedClock clock(kTestNow);
    const std::string token = sign_raw(
        key, R"({"alg":"Ed25519","kid":")" + key.kid() + R"(","typ":"entity-statement+jwt"})",
        to_json(valid_payload()));

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    EXPECT_TRUE(verified.has_value()) << error_of(verified);
}

TEST(VerifyJws, RejectsEd448HeaderAlgWithEd25519Key) {
    const Jwk& key = private_key("Ed25519");
    const FixedClock clock(kTestNow);
    const std::string token = sign_raw(
        key, R"({"alg":"Ed448","kid":")" + key.kid() + R"(","typ":"entity-statement+jwt"})",
        to_json(valid_payload()));

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("jws header alg"));
}

TEST(VerifyJws, RejectsAlgNone) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const std::string token =
        base64url_encode(R"({"alg":"none","kid":")" + key.kid() + R"(","typ":"entity-statement+jwt"})") +
        "." + base64url_encode(to_json(valid_payload())) + ".c2ln";

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("jws header alg: \"none\""));
}

TEST(VerifyJws, RejectsAlgNoneWithEmptySignature) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const std::string token =
        base64url_encode(R"({"alg":"none","kid":")" + key.kid() + R"("})") + "." +
        base64url_encode(to_json(valid_payload())) + ".";

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    EXPECT_FALSE(verified.has_value());
}

// The classic confusion attack: HMAC keyed with the verifier's RSA public key.
TEST(VerifyJws, RejectsHs256KeyedWithRsaPublicKey) {
    const Jwk& key = private_key("RS256");
    const FixedClock clock(kTestNow);
    const std::string secret = to_json(key.public_json());
    const std::string input =
        base64url_encode(R"({"alg":"HS256","kid":")" + key.kid() + R"(","typ":"entity-statement+jwt"})") +
        "." + base64url_encode(to_json(valid_payload()));
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_size = 0;
    ASSERT_NE(HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
                   reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
                   &mac_size),
              nullptr);
    const std::string token =
        input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), mac_size));

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("jws header alg: \"HS256\""));
}

TEST(VerifyJws, RejectsEs256SignatureInDerForm) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const std::string token = signed_token(key);
    const std::size_t last_dot = token.rfind('.');
    const std::string fixed = *base64url_decode(token.substr(last_dot + 1));
    ECDSA_SIG* signature = ECDSA_SIG_new();
    const auto* bytes = reinterpret_cast<const unsigned char*>(fixed.data());
    ASSERT_EQ(ECDSA_SIG_set0(signature, BN_bin2bn(bytes, 32, nullptr),
                             BN_bin2bn(bytes + 32, 32, nullptr)),
              1);
    unsigned char* der = nullptr;
    const int der_size = i2d_ECDSA_SIG(signature, &der);
    const std::string der_token =
        token.substr(0, last_dot + 1) +
        base64url_encode(std::string(reinterpret_cast<char*>(der), der_size));
    OPENSSL_free(der);
    ECDSA_SIG_free(signature);

    auto verified = verify_jws(der_token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("ECDSA signature must be 64 bytes"));
}

TEST(VerifyJws, RejectsUnknownKid) {
    const Jwk& signer = private_key("ES256");
    const FixedClock clock(kTestNow);

    auto verified = verify_jws(signed_token(signer), public_set(private_key("ES384")), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("jws header kid: no key with kid"));
}

TEST(VerifyJws, RejectsMissingKid) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const std::string token = sign_raw(key, R"({"alg":"ES256","typ":"entity-statement+jwt"})",
                                       to_json(valid_payload()));

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(), "jws header kid: missing");
}

TEST(VerifyJws, RejectsKeyOfWrongType) {
    const Jwk& rsa = private_key("RS256");
    const FixedClock clock(kTestNow);
    const std::string token = sign_raw(
        rsa, R"({"alg":"ES256","kid":")" + rsa.kid() + R"(","typ":"entity-statement+jwt"})",
        to_json(valid_payload()));

    auto verified = verify_jws(token, public_set(rsa), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("does not fit key"));
}

TEST(VerifyJws, RejectsAlgOutsideAllowList) {
    const Jwk& key = private_key("RS256");
    const FixedClock clock(kTestNow);
    VerifyOptions options;
    options.allowed_algorithms = {JwsAlgorithm::kEs256};

    auto verified = verify_jws(signed_token(key), public_set(key), kTyp, clock, options);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("not allowed here"));
}

TEST(VerifyJws, RejectsDuplicateHeaderMember) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const std::string token = sign_raw(key,
                                       R"({"alg":"ES256","kid":")" + key.kid() +
                                           R"(","typ":"x","typ":"entity-statement+jwt"})",
                                       to_json(valid_payload()));

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("typ"));
    EXPECT_THAT(verified.error().message(), HasSubstr("JWS header"));
}

TEST(VerifyJws, RejectsDuplicatePayloadMember) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const std::string token = sign_raw(
        key, R"({"alg":"ES256","kid":")" + key.kid() + R"(","typ":"entity-statement+jwt"})",
        R"({"iss":"https://ta.test","iss":"https://other.test","iat":1700000000,"exp":1700003600})");

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("JWS payload"));
}

TEST(VerifyJws, RejectsUnknownHeaderCrit) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const json::object extras{{"typ", kTyp}, {"crit", json::array{"b64"}}, {"b64", false}};
    const std::string token = *sign_jws(key, valid_payload(), extras);

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(), "jws header crit: parameter \"b64\" is not understood");
}

TEST(VerifyJws, AcceptsUnderstoodHeaderCrit) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const json::object extras{{"typ", kTyp}, {"crit", json::array{"exp_ext"}}, {"exp_ext", 1}};
    const std::string token = *sign_jws(key, valid_payload(), extras);
    VerifyOptions options;
    options.understood_header_parameters = {"exp_ext"};

    auto verified = verify_jws(token, public_set(key), kTyp, clock, options);

    EXPECT_TRUE(verified.has_value()) << error_of(verified);
}

TEST(VerifyJws, RejectsHeaderCritListingRegisteredParameter) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const json::object extras{{"typ", kTyp}, {"crit", json::array{"typ"}}};
    const std::string token = *sign_jws(key, valid_payload(), extras);
    VerifyOptions options;
    options.understood_header_parameters = {"typ"};

    auto verified = verify_jws(token, public_set(key), kTyp, clock, options);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("registered parameter \"typ\""));
}

TEST(VerifyJws, RejectsEmptyHeaderCrit) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const json::object extras{{"typ", kTyp}, {"crit", json::array{}}};
    const std::string token = *sign_jws(key, valid_payload(), extras);

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(), "jws header crit: must be a non-empty array");
}

struct PayloadCritCase {
    const char* name;
    json::value crit;
    const char* expected_message;
};

class PayloadCrit : public ::testing::TestWithParam<PayloadCritCase> {};

TEST_P(PayloadCrit, IsRejected) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    json::object payload = valid_payload();
    payload["crit"] = GetParam().crit;
    payload["known_extension"] = 1;
    payload["unknown_extension"] = 2;
    VerifyOptions options;
    options.understood_claims = {"known_extension"};

    auto verified = verify_jws(signed_token(key, payload), public_set(key), kTyp, clock, options);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr(GetParam().expected_message));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PayloadCrit,
    ::testing::Values(
        PayloadCritCase{"Empty", json::array{}, "jws claim crit: must be a non-empty array"},
        PayloadCritCase{"NotArray", "known_extension", "must be a non-empty array"},
        PayloadCritCase{"StandardClaim", json::array{"iss"}, "standard claim \"iss\""},
        PayloadCritCase{"AbsentClaim", json::array{"missing_extension"}, "not in the payload"},
        PayloadCritCase{"NotUnderstood", json::array{"unknown_extension"}, "is not understood"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(VerifyJws, AcceptsUnderstoodPayloadCrit) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    json::object payload = valid_payload();
    payload["crit"] = json::array{"known_extension"};
    payload["known_extension"] = 1;
    VerifyOptions options;
    options.understood_claims = {"known_extension"};

    auto verified = verify_jws(signed_token(key, payload), public_set(key), kTyp, clock, options);

    EXPECT_TRUE(verified.has_value()) << error_of(verified);
}

TEST(VerifyJws, RejectsExpiredToken) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow + 3600 + kClockSkewSeconds);

    auto verified = verify_jws(signed_token(key), public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(), "jws claim exp: token expired");
}

TEST(VerifyJws, AcceptsExpiryWithinSkew) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow + 3600 + kClockSkewSeconds - 1);

    auto verified = verify_jws(signed_token(key), public_set(key), kTyp, clock);

    EXPECT_TRUE(verified.has_value()) << error_of(verified);
}

TEST(VerifyJws, RejectsExpiredTokenWithFloatExp) {
    const Jwk& key = private_key("ES256");
    json::object payload = valid_payload();
    payload["exp"] = static_cast<double>(kTestNow) + 0.5;
    const FixedClock clock(kTestNow + kClockSkewSeconds + 1);

    auto verified = verify_jws(signed_token(key, payload), public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(), "jws claim exp: token expired");
}

TEST(VerifyJws, AcceptsFloatNumericDates) {
    const Jwk& key = private_key("ES256");
    json::object payload = valid_payload();
    payload["iat"] = static_cast<double>(kTestNow) - 0.25;
    payload["exp"] = static_cast<double>(kTestNow) + 10.75;
    const FixedClock clock(kTestNow);

    auto verified = verify_jws(signed_token(key, payload), public_set(key), kTyp, clock);

    EXPECT_TRUE(verified.has_value()) << error_of(verified);
}

TEST(VerifyJws, RejectsStringExp) {
    const Jwk& key = private_key("ES256");
    json::object payload = valid_payload();
    payload["exp"] = "1700003600";
    const FixedClock clock(kTestNow);

    auto verified = verify_jws(signed_token(key, payload), public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(), "jws claim exp: must be a number (NumericDate)");
}

TEST(VerifyJws, RejectsMissingExp) {
    const Jwk& key = private_key("ES256");
    json::object payload = valid_payload();
    payload.erase("exp");
    const FixedClock clock(kTestNow);

    auto verified = verify_jws(signed_token(key, payload), public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(), "jws claim exp: missing");
}

TEST(VerifyJws, RejectsTokenNotValidYet) {
    const Jwk& key = private_key("ES256");
    json::object payload = valid_payload();
    payload["nbf"] = kTestNow + kClockSkewSeconds + 1;
    const FixedClock clock(kTestNow);

    auto verified = verify_jws(signed_token(key, payload), public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(), "jws claim nbf: token not valid yet");
}

TEST(VerifyJws, RejectsTokenIssuedInFuture) {
    const Jwk& key = private_key("ES256");
    json::object payload = valid_payload();
    payload["iat"] = kTestNow + kClockSkewSeconds + 1;
    const FixedClock clock(kTestNow);

    auto verified = verify_jws(signed_token(key, payload), public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(), "jws claim iat: issued in the future");
}

TEST(VerifyJws, RejectsWrongTyp) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);

    auto verified = verify_jws(signed_token(key), public_set(key), "trust-mark+jwt", clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(),
              "jws header typ: expected \"trust-mark+jwt\", got \"entity-statement+jwt\"");
}

TEST(VerifyJws, RejectsMissingTyp) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const std::string token = *sign_jws(key, valid_payload());

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("jws header typ: missing"));
}

TEST(VerifyJws, RejectsPaddedBase64url) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    std::string token = signed_token(key);
    token.insert(token.find('.'), "=");

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("jws header: invalid base64url"));
}

TEST(VerifyJws, RejectsTruncatedSignature) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    std::string token = signed_token(key);
    token.resize(token.size() - 1);

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    EXPECT_FALSE(verified.has_value());
}

TEST(VerifyJws, RejectsTruncatedToken) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    std::string token = signed_token(key);
    token.resize(token.rfind('.'));

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(), "jws: compact serialization must have three parts");
}

TEST(VerifyJws, RejectsStandardBase64Alphabet) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    std::string token = signed_token(key);
    token[token.size() - 2] = '+';

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("jws signature: invalid base64url"));
}

TEST(VerifyJws, RejectsDataAfterSignature) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const std::string token = signed_token(key) + ".e30";

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().message(), "jws: data after the signature part");
}

TEST(VerifyJws, RejectsWhitespaceAfterSignature) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const std::string token = signed_token(key) + "\n";

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    EXPECT_FALSE(verified.has_value());
}

TEST(VerifyJws, RejectsTenMegabyteToken) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const std::string token = signed_token(key) + std::string(10 * 1024 * 1024, 'A');

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    ASSERT_FALSE(verified.has_value());
    EXPECT_THAT(verified.error().message(), HasSubstr("the maximum is 1048576"));
}

TEST(VerifyJws, RejectsNonObjectPayload) {
    const Jwk& key = private_key("ES256");
    const FixedClock clock(kTestNow);
    const std::string token = sign_raw(
        key, R"({"alg":"ES256","kid":")" + key.kid() + R"(","typ":"entity-statement+jwt"})",
        "[1,2]");

    auto verified = verify_jws(token, public_set(key), kTyp, clock);

    EXPECT_FALSE(verified.has_value());
}

// Each key caches prepared OpenSSL contexts, so threads sharing one key must
// still each get a working context.
TEST(VerifyJws, OneKeyServesManyThreads) {
    const Jwk& key = private_key("ES256");
    const JwkSet keys = public_set(key);
    const FixedClock clock(kTestNow);
    std::atomic<int> verified_count{0};

    std::vector<std::thread> threads;
    for (int thread = 0; thread < 4; ++thread) {
        threads.emplace_back([&] {
            for (int round = 0; round < 25; ++round) {
                auto token = sign_jws(key, valid_payload(), typ_header());
                if (token && verify_jws(*token, keys, kTyp, clock)) {
                    ++verified_count;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }

    EXPECT_EQ(verified_count.load(), 100);
}

TEST(SignJws, RejectsAlgInHeaderExtras) {
    const Jwk& key = private_key("ES256");

    auto token = sign_jws(key, valid_payload(), {{"alg", "none"}});

    ASSERT_FALSE(token.has_value());
    EXPECT_THAT(token.error().message(), HasSubstr("alg and kid come from the signing key"));
}

TEST(SignJws, RejectsPublicKey) {
    const Jwk key = private_key("ES256").public_key();

    auto token = sign_jws(key, valid_payload(), typ_header());

    ASSERT_FALSE(token.has_value());
    EXPECT_THAT(token.error().message(), HasSubstr("is public and cannot sign"));
}

TEST(DecodeUnverified, ReadsIssuerAndKidWithoutKeys) {
    const Jwk& key = private_key("ES384");

    auto decoded = decode_unverified(signed_token(key));

    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->issuer(), "https://ta.test");
    EXPECT_EQ(decoded->kid(), key.kid());
}

}  // namespace
}  // namespace inmor::jose
