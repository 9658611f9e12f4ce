// Jwk and JwkSet: parsing, export, thumbprints, and each malformed key
// rejected with an error naming the member.
#include "common/base64url.h"
#include "common/json.h"
#include "jose/jwk.h"
#include "test_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace inmor::jose {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using namespace inmor::jose::testing;

// RFC 7515 appendix A.3's P-256 key: a point known to be on the curve.
json::object p256_public() {
    return {{"kty", "EC"},
            {"crv", "P-256"},
            {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
            {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};
}

std::string message_of(const Result<Jwk>& result) {
    return result ? std::string("(parsed)") : result.error().message();
}

class JwkRoundTrip : public ::testing::TestWithParam<std::string_view> {};

TEST_P(JwkRoundTrip, PrivateJsonParsesBack) {
    const Jwk& key = private_key(GetParam());

    auto parsed = Jwk::from_json(key.to_json(), KeyPart::kPrivate);

    ASSERT_TRUE(parsed.has_value()) << message_of(parsed);
    EXPECT_TRUE(parsed->is_private());
    EXPECT_EQ(parsed->thumbprint(), key.thumbprint());
    EXPECT_EQ(parsed->kid(), key.kid());
}

TEST_P(JwkRoundTrip, PublicJsonHasNoPrivateMembers) {
    const Jwk& key = private_key(GetParam());

    const json::object members = key.public_json();

    for (const char* name : {"d", "p", "q", "dp", "dq", "qi"}) {
        EXPECT_FALSE(members.contains(name)) << name;
    }
    auto parsed = Jwk::from_json(members, KeyPart::kPublic);
    ASSERT_TRUE(parsed.has_value()) << message_of(parsed);
    EXPECT_EQ(parsed->thumbprint(), key.thumbprint());
}

TEST_P(JwkRoundTrip, GeneratedKeyCarriesKidUseAndAlg) {
    const Jwk& key = private_key(GetParam());

    EXPECT_EQ(key.kid(), key.thumbprint());
    EXPECT_EQ(key.to_json().at("use").as_string(), "sig");
    EXPECT_EQ(key.alg(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, JwkRoundTrip, ::testing::ValuesIn(kKeyTypes),
                         [](const auto& test_info) { return std::string(test_info.param); });

TEST(Jwk, PublicKeyIsNotPrivate) {
    const Jwk key = private_key("ES256").public_key();

    EXPECT_FALSE(key.is_private());
    EXPECT_FALSE(key.to_json().contains("d"));
}

TEST(Jwk, RejectsPrivateKeyWhereCallerExpectsPublic) {
    const Jwk& key = private_key("ES256");

    auto parsed = Jwk::from_json(key.to_json(), KeyPart::kPublic);

    EXPECT_EQ(message_of(parsed),
              "jwk.d: private key member present where a public key is expected");
}

TEST(Jwk, RejectsPublicKeyWhereCallerExpectsPrivate) {
    auto parsed = Jwk::from_json(p256_public(), KeyPart::kPrivate);

    EXPECT_EQ(message_of(parsed), "jwk.d: missing, a private key is expected");
}

TEST(Jwk, RejectsMissingKty) {
    json::object members = p256_public();
    members.erase("kty");

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)), "jwk.kty: missing");
}

TEST(Jwk, RejectsUnknownKty) {
    json::object members = p256_public();
    members["kty"] = "oct";

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.kty: unsupported key type \"oct\"");
}

TEST(Jwk, RejectsWrongCurve) {
    json::object members = p256_public();
    members["crv"] = "P-384";

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.x: must be 48 bytes for P-384, got 32");
}

TEST(Jwk, RejectsUnknownCurve) {
    json::object members = p256_public();
    members["crv"] = "secp256k1";

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.crv: unsupported curve \"secp256k1\"");
}

TEST(Jwk, RejectsEdwardsCurveOnEcKey) {
    json::object members = p256_public();
    members["crv"] = "Ed25519";

    EXPECT_THAT(message_of(Jwk::from_json(members, KeyPart::kPublic)),
                HasSubstr("jwk.crv: \"Ed25519\" does not belong to kty EC"));
}

TEST(Jwk, RejectsKeyAgreementCurve) {
    const json::object members{{"kty", "OKP"}, {"crv", "X25519"},
                               {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}};

    EXPECT_THAT(message_of(Jwk::from_json(members, KeyPart::kPublic)),
                HasSubstr("jwk.crv: \"X25519\" is a key agreement curve"));
}

TEST(Jwk, RejectsShortCoordinate) {
    json::object members = p256_public();
    members["y"] = base64url_encode(std::string(31, '\x01'));

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.y: must be 32 bytes for P-256, got 31");
}

TEST(Jwk, RejectsMissingCoordinate) {
    json::object members = p256_public();
    members.erase("y");

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)), "jwk.y: missing");
}

TEST(Jwk, RejectsPointNotOnCurve) {
    json::object members = p256_public();
    std::string y = *base64url_decode(members["y"].as_string());
    y[31] = static_cast<char>(y[31] ^ 0x01);
    members["y"] = base64url_encode(y);

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.x: x and y are not a point on curve P-256");
}

TEST(Jwk, RejectsMismatchedEcPrivateKey) {
    json::object members = private_key("ES256").to_json();
    members["d"] = base64url_encode(std::string(31, '\0') + "\x07");

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPrivate)),
              "jwk.d: does not match the public key in x and y");
}

TEST(Jwk, RejectsMismatchedOkpPrivateKey) {
    json::object members = private_key("Ed25519").to_json();
    members["d"] = base64url_encode(std::string(32, '\x07'));

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPrivate)),
              "jwk.d: does not match the public key in x");
}

TEST(Jwk, RejectsOkpKeyOfWrongSize) {
    json::object members = private_key("Ed448").public_json();
    members["crv"] = "Ed25519";

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.x: must be 32 bytes for Ed25519, got 57");
}

TEST(Jwk, RejectsSmallRsaModulus) {
    const json::object members{{"kty", "RSA"},
                               {"n", base64url_encode("\xc1" + std::string(127, '\x01'))},
                               {"e", "AQAB"}};

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.n: RSA modulus has 1024 bits, at least 2048 are required");
}

TEST(Jwk, RejectsHugeRsaModulus) {
    const json::object members{{"kty", "RSA"},
                               {"n", base64url_encode("\xc1" + std::string(2048 + 1, '\x01'))},
                               {"e", "AQAB"}};

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.n: RSA modulus has 16400 bits, at most 16384 are supported");
}

TEST(Jwk, RejectsHugeRsaExponent) {
    json::object members = private_key("RS256").public_json();
    members["e"] = base64url_encode("\x01" + std::string(8, '\x01'));

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.e: RSA public exponent longer than 64 bits is not supported");
}

TEST(Jwk, RejectsRsaModulusWithLeadingZero) {
    json::object members = private_key("RS256").public_json();
    members["n"] = base64url_encode('\0' + *base64url_decode(members["n"].as_string()));

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.n: must not start with a zero octet");
}

TEST(Jwk, RejectsMissingRsaExponent) {
    json::object members = private_key("RS256").public_json();
    members.erase("e");

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)), "jwk.e: missing");
}

TEST(Jwk, RejectsRsaPrivateKeyWithoutPrimes) {
    json::object members = private_key("RS256").to_json();
    members.erase("p");

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPrivate)), "jwk.p: missing");
}

TEST(Jwk, RejectsRsaCrtMembersWithoutD) {
    json::object members = private_key("RS256").to_json();
    members.erase("d");

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.d: missing, but other private RSA members are present");
}

TEST(Jwk, RejectsMismatchedRsaPrivateKey) {
    json::object members = private_key("RS256").to_json();
    members["qi"] = private_key("RS384").to_json().at("qi");

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPrivate)),
              "jwk.d: private RSA members do not match the public key");
}

TEST(Jwk, RejectsMultiPrimeRsa) {
    json::object members = private_key("RS256").to_json();
    members["oth"] = json::array{};

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPrivate)),
              "jwk.oth: multi-prime RSA keys are not supported");
}

TEST(Jwk, RejectsInvalidBase64url) {
    json::object members = p256_public();
    members["x"] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU=";

    EXPECT_THAT(message_of(Jwk::from_json(members, KeyPart::kPublic)),
                HasSubstr("jwk.x: invalid base64url"));
}

TEST(Jwk, RejectsNonStringMember) {
    json::object members = p256_public();
    members["x"] = 42;

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)), "jwk.x: must be a string");
}

TEST(Jwk, RejectsAlgThatDoesNotFitKey) {
    json::object members = p256_public();
    members["alg"] = "RS256";

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.alg: \"RS256\" does not fit a EC key on P-256");
}

TEST(Jwk, RejectsEd448AlgOnEd25519Key) {
    json::object members = private_key("Ed25519").public_json();
    members["alg"] = "Ed448";

    EXPECT_EQ(message_of(Jwk::from_json(members, KeyPart::kPublic)),
              "jwk.alg: \"Ed448\" does not fit curve Ed25519");
}

TEST(Jwk, KeepsUnknownAlgButNeverFits) {
    json::object members = p256_public();
    members["alg"] = "ECDH-ES";

    auto parsed = Jwk::from_json(members, KeyPart::kPublic);

    ASSERT_TRUE(parsed.has_value()) << message_of(parsed);
    EXPECT_FALSE(parsed->fits(JwsAlgorithm::kEs256));
}

TEST(Jwk, EncryptionUseNeverFits) {
    json::object members = p256_public();
    members["use"] = "enc";

    auto parsed = Jwk::from_json(members, KeyPart::kPublic);

    ASSERT_TRUE(parsed.has_value()) << message_of(parsed);
    EXPECT_FALSE(parsed->fits(JwsAlgorithm::kEs256));
}

TEST(Jwk, Ed25519AlgFitsEdDsa) {
    const Jwk& key = private_key("Ed25519");

    EXPECT_EQ(key.alg(), "Ed25519");
    EXPECT_TRUE(key.fits(JwsAlgorithm::kEdDsa));
    EXPECT_EQ(key.signing_algorithm(), JwsAlgorithm::kEdDsa);
}

TEST(Jwk, RejectsDuplicateMemberInText) {
    auto parsed = Jwk::parse(R"({"kty":"EC","kty":"RSA"})", KeyPart::kPublic);

    ASSERT_FALSE(parsed.has_value());
    EXPECT_THAT(parsed.error().message(), HasSubstr("kty"));
}

TEST(Jwk, WithMemberRejectsKeyMaterial) {
    auto changed = private_key("ES256").with_member("x", "AAAA");

    EXPECT_EQ(message_of(changed), "jwk.x: key material cannot be replaced");
}

TEST(Jwk, WithMemberAddsExp) {
    auto changed = private_key("ES256").public_key().with_member("exp", 1700000000);

    ASSERT_TRUE(changed.has_value());
    EXPECT_EQ(changed->to_json().at("exp").as_int64(), 1700000000);
}

TEST(JwkSet, FindsKeyByKid) {
    const Jwk& first = private_key("ES256");
    const Jwk& second = private_key("Ed25519");
    const json::object jwks{
        {"keys", json::array{first.public_json(), second.public_json()}}};

    auto set = JwkSet::from_json(jwks);

    ASSERT_TRUE(set.has_value()) << set.error().message();
    ASSERT_NE(set->find(second.kid()), nullptr);
    EXPECT_EQ(set->find(second.kid())->thumbprint(), second.thumbprint());
    EXPECT_EQ(set->find("absent"), nullptr);
}

TEST(JwkSet, RejectsDuplicateKid) {
    const Jwk& key = private_key("ES256");
    const json::object jwks{{"keys", json::array{key.public_json(), key.public_json()}}};

    auto set = JwkSet::from_json(jwks);

    ASSERT_FALSE(set.has_value());
    EXPECT_EQ(set.error().message(),
              "jwks.keys[1]: jwk.kid: duplicate kid \"" + key.kid() + "\"");
}

TEST(JwkSet, RejectsKeyWithoutKid) {
    const json::object jwks{{"keys", json::array{p256_public()}}};

    auto set = JwkSet::from_json(jwks);

    ASSERT_FALSE(set.has_value());
    EXPECT_THAT(set.error().message(), HasSubstr("jwks.keys[0]: jwk.kid: missing"));
}

TEST(JwkSet, NamesTheBadEntry) {
    json::object bad = p256_public();
    bad["kid"] = "bad";
    bad["crv"] = "P-999";
    const json::object jwks{
        {"keys", json::array{private_key("ES256").public_json(), bad}}};

    auto set = JwkSet::from_json(jwks);

    ASSERT_FALSE(set.has_value());
    EXPECT_EQ(set.error().message(), "jwks.keys[1]: jwk.crv: unsupported curve \"P-999\"");
}

TEST(JwkSet, RejectsPrivateKeyInSet) {
    const json::object jwks{{"keys", json::array{private_key("ES256").to_json()}}};

    auto set = JwkSet::from_json(jwks);

    ASSERT_FALSE(set.has_value());
    EXPECT_THAT(set.error().message(), HasSubstr("jwk.d: private key member present"));
}

TEST(JwkSet, PublicJsonHasOnlyPublicMembers) {
    JwkSet set;
    ASSERT_TRUE(set.add(private_key("RS256")));

    const json::object jwks = set.public_json();

    const json::object& entry = jwks.at("keys").as_array().at(0).as_object();
    EXPECT_FALSE(entry.contains("d"));
    EXPECT_FALSE(entry.contains("p"));
    EXPECT_TRUE(entry.contains("n"));
}

}  // namespace
}  // namespace inmor::jose
