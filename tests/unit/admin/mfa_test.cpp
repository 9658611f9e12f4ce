// TOTP against the RFC 6238 test vectors, enrolment, replay rejection and
// single-use recovery codes.
#include "database_test_fixture.h"

#include "admin/mfa.h"
#include "admin/user_repository.h"

#include <gtest/gtest.h>

namespace inmor::admin {
namespace {

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
constexpr std::string_view kRfcSecret = "12345678901234567890";

TEST(Totp, MatchesRfc6238EightDigitVectors) {
    struct Vector {
        UnixSeconds time;
        const char* code;
    };
    const Vector vectors[] = {{59, "94287082"},         {1111111109, "07081804"},
                              {1111111111, "14050471"}, {1234567890, "89005924"},
                              {2000000000, "69279037"}, {20000000000, "65353130"}};

    for (const Vector& vector : vectors) {
        Result<std::string> code = totp_code(kRfcSecret, vector.time, 8);
        ASSERT_TRUE(code.has_value());
        EXPECT_EQ(*code, vector.code) << "time " << vector.time;
    }
}

TEST(Totp, SixDigitCodeIsLastSixOfVector) {
    Result<std::string> code = totp_code(kRfcSecret, 1111111109);

    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, "081804");
}

TEST(Totp, AcceptsOneStepOfDriftOnly) {
    UnixSeconds now = 1111111109;  // step 37037036
    std::string code = totp_code(kRfcSecret, now).value();

    Result<std::optional<std::int64_t>> same = matching_totp_step(kRfcSecret, code, now);
    Result<std::optional<std::int64_t>> next = matching_totp_step(kRfcSecret, code, now + 30);
    Result<std::optional<std::int64_t>> far = matching_totp_step(kRfcSecret, code, now + 90);

    ASSERT_TRUE(same.has_value());
    ASSERT_TRUE(next.has_value());
    ASSERT_TRUE(far.has_value());
    EXPECT_EQ(*same, now / 30);
    EXPECT_EQ(*next, now / 30);
    EXPECT_FALSE(far->has_value());
}

TEST(Totp, MalformedCodeNeverMatches) {
    for (std::string_view code : {"", "12345", "1234567", "abcdef", "08180a"}) {
        Result<std::optional<std::int64_t>> step = matching_totp_step(kRfcSecret, code, 1111111109);
        ASSERT_TRUE(step.has_value());
        EXPECT_FALSE(step->has_value()) << code;
    }
}

TEST(Totp, Base32RoundTripAndUri) {
    std::string secret_base32 = base32_encode(kRfcSecret).value();

    EXPECT_EQ(secret_base32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    EXPECT_EQ(base32_decode(secret_base32).value(), kRfcSecret);
    EXPECT_EQ(totp_uri("Example TA", "alice@example.test", secret_base32),
              "otpauth://totp/Example%20TA:alice%40example.test?"
              "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example%20TA&algorithm=SHA1&"
              "digits=6&period=30");
}

class MfaTest : public testing::DatabaseTest {
protected:
    void SetUp() override {
        DatabaseTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        Result<User> user = create_user(database(), "alice", "", "password123", true, 1);
        ASSERT_TRUE(user.has_value());
        user_id_ = user->id;
        Result<MfaEnrolment> enrolment = begin_mfa_enrolment(database(), user_id_);
        ASSERT_TRUE(enrolment.has_value());
        enrolment_ = *enrolment;
        secret_ = base32_decode(enrolment_.secret_base32).value();
    }

    std::string code_at(UnixSeconds at) { return totp_code(secret_, at).value(); }

    std::int64_t user_id_ = 0;
    MfaEnrolment enrolment_;
    std::string secret_;
};

TEST_P(MfaTest, EnrolmentNeedsConfirmation) {
    std::string code = code_at(1000);
    std::string wrong = code;
    wrong[0] = static_cast<char>('0' + (wrong[0] - '0' + 1) % 10);
    EXPECT_FALSE(mfa_enabled(database(), user_id_).value());
    EXPECT_FALSE(verify_totp(database(), user_id_, code, 1000).has_value());

    Result<void> rejected = confirm_mfa(database(), user_id_, wrong, 1000);
    Result<void> confirmed = confirm_mfa(database(), user_id_, code, 1000);

    ASSERT_FALSE(rejected.has_value());
    EXPECT_EQ(rejected.error().message(), "code: does not match the authenticator");
    EXPECT_TRUE(confirmed.has_value());
    EXPECT_TRUE(mfa_enabled(database(), user_id_).value());
    EXPECT_EQ(enrolment_.recovery_codes.size(), kRecoveryCodeCount);
}

TEST_P(MfaTest, SameCodeIsAcceptedOnce) {
    ASSERT_TRUE(confirm_mfa(database(), user_id_, code_at(1000), 1000).has_value());
    std::string code = code_at(2000);

    Result<void> first = verify_totp(database(), user_id_, code, 2000);
    Result<void> replay = verify_totp(database(), user_id_, code, 2010);
    Result<void> later = verify_totp(database(), user_id_, code_at(2030), 2030);

    EXPECT_TRUE(first.has_value());
    ASSERT_FALSE(replay.has_value());
    EXPECT_EQ(replay.error().code(), ErrorCode::kInvalidClient);
    EXPECT_TRUE(later.has_value());
}

TEST_P(MfaTest, CodeOfConfirmationStepCannotBeReplayed) {
    std::string code = code_at(1000);
    ASSERT_TRUE(confirm_mfa(database(), user_id_, code, 1000).has_value());

    EXPECT_FALSE(verify_totp(database(), user_id_, code, 1000).has_value());
}

TEST_P(MfaTest, OlderStepAfterNewerIsRejected) {
    ASSERT_TRUE(confirm_mfa(database(), user_id_, code_at(900), 900).has_value());
    std::string older = code_at(1970);
    ASSERT_TRUE(verify_totp(database(), user_id_, code_at(2000), 2000).has_value());

    EXPECT_FALSE(verify_totp(database(), user_id_, older, 2000).has_value());
}

TEST_P(MfaTest, RecoveryCodesAreSingleUse) {
    ASSERT_TRUE(confirm_mfa(database(), user_id_, code_at(1000), 1000).has_value());
    std::string code = enrolment_.recovery_codes[3];
    std::string shouted;
    for (char c : code) {
        shouted += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }

    Result<void> first = use_recovery_code(database(), user_id_, shouted);
    Result<void> again = use_recovery_code(database(), user_id_, code);
    Result<void> invented = use_recovery_code(database(), user_id_, "aaaaa-aaaaa");

    EXPECT_TRUE(first.has_value());
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().message(), "invalid recovery code");
    EXPECT_FALSE(invented.has_value());
    EXPECT_EQ(remaining_recovery_codes(database(), user_id_).value(), kRecoveryCodeCount - 1);
    EXPECT_TRUE(use_recovery_code(database(), user_id_, enrolment_.recovery_codes[0]).has_value());
}

TEST_P(MfaTest, RecoveryCodesAreStoredHashed) {
    Result<std::optional<Row>> row = database().query_one(
        "SELECT recovery_code_hashes FROM mfa_secrets WHERE user_id = ?", {user_id_});

    ASSERT_TRUE(row.has_value());
    ASSERT_TRUE(row->has_value());
    for (const std::string& code : enrolment_.recovery_codes) {
        EXPECT_EQ((*row)->text(0).find(code), std::string::npos);
    }
}

TEST_P(MfaTest, DisableRemovesSecondFactor) {
    ASSERT_TRUE(confirm_mfa(database(), user_id_, code_at(1000), 1000).has_value());

    ASSERT_TRUE(disable_mfa(database(), user_id_).has_value());

    EXPECT_FALSE(mfa_enabled(database(), user_id_).value());
    EXPECT_FALSE(verify_totp(database(), user_id_, code_at(2000), 2000).has_value());
}

INMOR_FOR_BOTH_ENGINES(MfaTest);

}  // namespace
}  // namespace inmor::admin
