// Published JOSE test vectors run beneath verify_jws(): RFC 7515 appendix A,
// RFC 7520 sections 4.1 to 4.3, RFC 8037 appendix A and RFC 7638 section 3.1.
#include "common/base64url.h"
#include "jose/jwk.h"
#include "jose/signature.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace inmor::jose {
namespace {

// Splits a compact JWS into its signing input and decoded signature.
struct SplitToken {
    std::string signing_input;
    std::string signature;
};

SplitToken split(std::string_view token) {
    const std::size_t last_dot = token.rfind('.');
    auto signature = base64url_decode(token.substr(last_dot + 1));
    EXPECT_TRUE(signature.has_value());
    return {std::string(token.substr(0, last_dot)), signature ? *signature : std::string()};
}

Jwk parse_key(std::string_view json, KeyPart part) {
    auto key = Jwk::parse(json, part);
    EXPECT_TRUE(key.has_value()) << (key ? "" : key.error().message());
    return *key;
}

// RFC 7515 appendix A.2: RSASSA-PKCS1-v1_5 SHA-256.
constexpr std::string_view kRfc7515RsaKey = R"({"kty":"RSA",
"n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
"e":"AQAB",
"d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
"p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
"q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
"dp":"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
"dq":"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
"qi":"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"})";

constexpr std::string_view kRfc7515RsaToken =
    "eyJhbGciOiJSUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5"
    "jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L0"
    "7Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipU"
    "TI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

// RFC 7515 appendix A.3: ECDSA P-256 SHA-256.
constexpr std::string_view kRfc7515EcKey = R"({"kty":"EC","crv":"P-256",
"x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
"y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
"d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"})";

constexpr std::string_view kRfc7515EcToken =
    "eyJhbGciOiJFUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

// RFC 7520 figure 4: the RSA 2048-bit private key.
constexpr std::string_view kRfc7520RsaKey = R"({"kty":"RSA",
"kid":"bilbo.baggins@hobbiton.example","use":"sig",
"n":"n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw",
"e":"AQAB",
"d":"bWUC9B-EFRIo8kpGfh0ZuyGPvMNKvYWNtB_ikiH9k20eT-O1q_I78eiZkpXxXQ0UTEs2LsNRS-8uJbvQ-A1irkwMSMkK1J3XTGgdrhCku9gRldY7sNA_AKZGh-Q661_42rINLRCe8W-nZ34ui_qOfkLnK9QWDDqpaIsA-bMwWWSDFu2MUBYwkHTMEzLYGqOe04noqeq1hExBTHBOBdkMXiuFhUq1BU6l-DqEiWxqg82sXt2h-LMnT3046AOYJoRioz75tSUQfGCshWTBnP5uDjd18kKhyv07lhfSJdrPdM5Plyl21hsFf4L_mHCuoFau7gdsPfHPxxjVOcOpBrQzwQ",
"p":"3Slxg_DwTXJcb6095RoXygQCAZ5RnAvZlno1yhHtnUex_fp7AZ_9nRaO7HX_-SFfGQeutao2TDjDAWU4Vupk8rw9JR0AzZ0N2fvuIAmr_WCsmGpeNqQnev1T7IyEsnh8UMt-n5CafhkikzhEsrmndH6LxOrvRJlsPp6Zv8bUq0k",
"q":"uKE2dh-cTf6ERF4k4e_jy78GfPYUIaUyoSSJuBzp3Cubk3OCqs6grT8bR_cu0Dm1MZwWmtdqDyI95HrUeq3MP15vMMON8lHTeZu2lmKvwqW7anV5UzhM1iZ7z4yMkuUwFWoBvyY898EXvRD-hdqRxHlSqAZ192zB3pVFJ0s7pFc",
"dp":"B8PVvXkvJrj2L-GYQ7v3y9r6Kw5g9SahXBwsWUzp19TVlgI-YV85q1NIb1rxQtD-IsXXR3-TanevuRPRt5OBOdiMGQp8pbt26gljYfKU_E9xn-RULHz0-ed9E9gXLKD4VGngpz-PfQ_q29pk5xWHoJp009Qf1HvChixRX59ehik",
"dq":"CLDmDGduhylc9o7r84rEUVn7pzQ6PF83Y-iBZx5NT-TpnOZKF1pErAMVeKzFEl41DlHHqqBLSM0W1sOFbwTxYWZDm6sI6og5iTbwQGIC3gnJKbi_7k_vJgGHwHxgPaX2PnvP-zyEkDERuf-ry4c_Z11Cq9AqC2yeL6kdKT1cYF8",
"qi":"3PiqvXQN0zwMeE-sBvZgi289XP9XCQF3VWqPzMKnIgQp7_Tugo6-NZBKCQsMf3HaEGBjTVJs_jcK8-TRXvaKe-7ZMaQj8VfBdYkssbu0NKDDhjJ-GtiseaDVWt7dcH0cfwxgFUHpQh7FoCrjFJ6h6ZEpMF6xmujs4qMpPz8aaI4"})";

// RFC 7520 figure 8: the payload every section 4 example signs.
constexpr std::string_view kRfc7520Payload =
    "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250"
    "byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hl"
    "cmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4";

// RFC 7520 section 4.1: RS256 signature (figure 13).
constexpr std::string_view kRfc7520RsaHeader =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9";
constexpr std::string_view kRfc7520RsaSignature =
    "MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xugl"
    "II7PNDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x"
    "8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE"
    "_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5y18kDquDg";

// RFC 7520 section 4.2: PS384 signature (figure 20). PSS signatures are
// randomized, so this vector can only be verified, not reproduced.
constexpr std::string_view kRfc7520PssHeader =
    "eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9";
constexpr std::string_view kRfc7520PssSignature =
    "cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2IpN6-tPid6VrklHkqsGqDqHCdP6O8"
    "TTB5dDDItllVo6_1OLPpcbUrhiUSMxbbXUvdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8ZnyPEgVFn442ZdNqiVJRm"
    "BqrYRXe8P_ijQ7p8Vdz0TTrxUeT3lm8d9shnr2lfJT8ImUjvAA2Xez2Mlp8cBE5awDzT0qI0n6uiP1aCN_2_jLAeQT"
    "lqRHtfa64QQSUmFAAjVKPbByi7xho0uTOcbH510a6GYmJUAfmWjwZ6oD4ifKo8DYM-X72Eaw";

// RFC 7520 figure 2 and section 4.3: ES512 on P-521 (figure 27).
constexpr std::string_view kRfc7520EcKey = R"({"kty":"EC",
"kid":"bilbo.baggins@hobbiton.example","use":"sig","crv":"P-521",
"x":"AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",
"y":"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1",
"d":"AAhRON2r9cqXX1hg-RoI6R1tX5p2rUAYdmpHZoC1XNM56KtscrX6zbKipQrCW9CGZH3T4ubpnoTKLDYJ_fF3_rJt"})";
constexpr std::string_view kRfc7520EcHeader =
    "eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9";
constexpr std::string_view kRfc7520EcSignature =
    "AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3"
    "mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2";

// RFC 8037 appendix A.1 and A.4: Ed25519.
constexpr std::string_view kRfc8037Key = R"({"kty":"OKP","crv":"Ed25519",
"d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
"x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})";
constexpr std::string_view kRfc8037SigningInput =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
constexpr std::string_view kRfc8037Signature =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

TEST(Rfc7515Vectors, VerifiesAppendixA2Rs256) {
    const Jwk key = parse_key(kRfc7515RsaKey, KeyPart::kPrivate).public_key();
    const SplitToken token = split(kRfc7515RsaToken);

    auto verified =
        verify_signature(key, JwsAlgorithm::kRs256, token.signing_input, token.signature);

    EXPECT_TRUE(verified.has_value()) << (verified ? "" : verified.error().message());
}

TEST(Rfc7515Vectors, SignsAppendixA2Rs256ByteForByte) {
    const Jwk key = parse_key(kRfc7515RsaKey, KeyPart::kPrivate);
    const SplitToken token = split(kRfc7515RsaToken);

    auto signature = sign_signature(key, JwsAlgorithm::kRs256, token.signing_input);

    ASSERT_TRUE(signature.has_value());
    EXPECT_EQ(*signature, token.signature);
}

TEST(Rfc7515Vectors, VerifiesAppendixA3Es256) {
    const Jwk key = parse_key(kRfc7515EcKey, KeyPart::kPrivate).public_key();
    const SplitToken token = split(kRfc7515EcToken);

    auto verified =
        verify_signature(key, JwsAlgorithm::kEs256, token.signing_input, token.signature);

    EXPECT_TRUE(verified.has_value()) << (verified ? "" : verified.error().message());
}

TEST(Rfc7515Vectors, RejectsAppendixA3WithAlteredPayload) {
    const Jwk key = parse_key(kRfc7515EcKey, KeyPart::kPrivate).public_key();
    const SplitToken token = split(kRfc7515EcToken);

    auto verified =
        verify_signature(key, JwsAlgorithm::kEs256, token.signing_input + "A", token.signature);

    EXPECT_FALSE(verified.has_value());
}

TEST(Rfc7520Vectors, VerifiesSection41Rs256) {
    const Jwk key = parse_key(kRfc7520RsaKey, KeyPart::kPrivate).public_key();
    const std::string input = std::string(kRfc7520RsaHeader) + "." + std::string(kRfc7520Payload);
    const std::string signature = *base64url_decode(kRfc7520RsaSignature);

    auto verified = verify_signature(key, JwsAlgorithm::kRs256, input, signature);

    EXPECT_TRUE(verified.has_value()) << (verified ? "" : verified.error().message());
}

TEST(Rfc7520Vectors, SignsSection41Rs256ByteForByte) {
    const Jwk key = parse_key(kRfc7520RsaKey, KeyPart::kPrivate);
    const std::string input = std::string(kRfc7520RsaHeader) + "." + std::string(kRfc7520Payload);

    auto signature = sign_signature(key, JwsAlgorithm::kRs256, input);

    ASSERT_TRUE(signature.has_value());
    EXPECT_EQ(base64url_encode(*signature), kRfc7520RsaSignature);
}

TEST(Rfc7520Vectors, VerifiesSection42Ps384) {
    const Jwk key = parse_key(kRfc7520RsaKey, KeyPart::kPrivate).public_key();
    const std::string input = std::string(kRfc7520PssHeader) + "." + std::string(kRfc7520Payload);
    const std::string signature = *base64url_decode(kRfc7520PssSignature);

    auto verified = verify_signature(key, JwsAlgorithm::kPs384, input, signature);

    EXPECT_TRUE(verified.has_value()) << (verified ? "" : verified.error().message());
}

TEST(Rfc7520Vectors, RejectsSection42WithAlteredPayload) {
    const Jwk key = parse_key(kRfc7520RsaKey, KeyPart::kPrivate).public_key();
    const std::string input = std::string(kRfc7520PssHeader) + "." +
                              std::string(kRfc7520Payload.substr(1));
    const std::string signature = *base64url_decode(kRfc7520PssSignature);

    auto verified = verify_signature(key, JwsAlgorithm::kPs384, input, signature);

    EXPECT_FALSE(verified.has_value());
}

TEST(Rfc7520Vectors, VerifiesSection43Es512) {
    const Jwk key = parse_key(kRfc7520EcKey, KeyPart::kPrivate).public_key();
    const std::string input = std::string(kRfc7520EcHeader) + "." + std::string(kRfc7520Payload);
    const std::string signature = *base64url_decode(kRfc7520EcSignature);

    auto verified = verify_signature(key, JwsAlgorithm::kEs512, input, signature);

    EXPECT_TRUE(verified.has_value()) << (verified ? "" : verified.error().message());
}

TEST(Rfc7520Vectors, Section43SignatureIsFixedWidth) {
    const Jwk key = parse_key(kRfc7520EcKey, KeyPart::kPrivate);
    const std::string input = std::string(kRfc7520EcHeader) + "." + std::string(kRfc7520Payload);

    auto signature = sign_signature(key, JwsAlgorithm::kEs512, input);

    ASSERT_TRUE(signature.has_value());
    EXPECT_EQ(signature->size(), 132U);
    EXPECT_TRUE(verify_signature(key.public_key(), JwsAlgorithm::kEs512, input, *signature));
}

TEST(Rfc8037Vectors, SignsAppendixA4ByteForByte) {
    const Jwk key = parse_key(kRfc8037Key, KeyPart::kPrivate);

    auto signature = sign_signature(key, JwsAlgorithm::kEdDsa, kRfc8037SigningInput);

    ASSERT_TRUE(signature.has_value());
    EXPECT_EQ(base64url_encode(*signature), kRfc8037Signature);
}

TEST(Rfc8037Vectors, VerifiesAppendixA5) {
    const Jwk key = parse_key(kRfc8037Key, KeyPart::kPrivate).public_key();
    const std::string signature = *base64url_decode(kRfc8037Signature);

    auto verified = verify_signature(key, JwsAlgorithm::kEdDsa, kRfc8037SigningInput, signature);

    EXPECT_TRUE(verified.has_value()) << (verified ? "" : verified.error().message());
}

TEST(Rfc8037Vectors, ThumbprintMatchesAppendixA3) {
    const Jwk key = parse_key(kRfc8037Key, KeyPart::kPrivate);

    EXPECT_EQ(key.thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

TEST(Rfc7638Vectors, ThumbprintMatchesSection31) {
    const Jwk key = parse_key(R"({"kty":"RSA",
"n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
"e":"AQAB","alg":"RS256","kid":"2011-04-29"})",
                              KeyPart::kPublic);

    EXPECT_EQ(key.thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

}  // namespace
}  // namespace inmor::jose
