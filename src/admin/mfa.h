// Second factor: TOTP (RFC 6238, through liboath) with single-use recovery
// codes, and the `mfa_secrets` rows that hold them.
#pragma once

#include "admin/database.h"
#include "common/clock.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inmor::admin {

/// RFC 6238 parameters: HMAC-SHA-1, 30 s steps counted from the Unix epoch,
/// 6 digits, and one step of clock drift accepted either way.
inline constexpr unsigned kTotpStepSeconds = 30;
inline constexpr unsigned kTotpDigits = 6;
inline constexpr std::size_t kTotpWindowSteps = 1;
/// Bytes in a TOTP secret (160 bits, the HMAC-SHA-1 output size RFC 4226
/// recommends).
inline constexpr std::size_t kTotpSecretBytes = 20;
/// Recovery codes handed out per enrolment.
inline constexpr std::size_t kRecoveryCodeCount = 10;

/// The TOTP value of raw `secret` at `at` with `digits` digits (6 to 8).
Result<std::string> totp_code(std::string_view secret, UnixSeconds at,
                              unsigned digits = kTotpDigits);

/// The time step (`at / 30`) in which `code` is valid for `secret`, looking
/// one step either side of `now`; nullopt when it matches none.
Result<std::optional<std::int64_t>> matching_totp_step(std::string_view secret,
                                                       std::string_view code, UnixSeconds now);

/// Raw bytes as RFC 4648 base32 (what authenticator apps take), and back.
Result<std::string> base32_encode(std::string_view bytes);
Result<std::string> base32_decode(std::string_view text);

/// The `otpauth://totp/ISSUER:ACCOUNT?secret=...` URI for enrolment QR codes.
std::string totp_uri(std::string_view issuer, std::string_view account,
                     std::string_view secret_base32);

/// A new enrolment, shown to the user once: the secret for the authenticator
/// app and the recovery codes in clear. Only the codes' hashes are stored.
struct MfaEnrolment {
    std::string secret_base32;
    std::vector<std::string> recovery_codes;
};

/// Starts (or restarts) enrolment: a new secret and new recovery codes,
/// unconfirmed until confirm_mfa. Replaces any earlier enrolment.
// NOTE: the TOTP secret is stored in clear in `mfa_secrets` because the
// server computes codes from it. Anyone who can read the database can compute
// codes too. Encrypting it with `[admin] secret_key` is not done yet.
Result<MfaEnrolment> begin_mfa_enrolment(SqlExecutor& executor, std::int64_t user_id);

/// Confirms enrolment with a first valid code. kInvalidRequest "code: ..."
/// when the code is wrong or no enrolment is pending.
Result<void> confirm_mfa(SqlExecutor& executor, std::int64_t user_id, std::string_view code,
                         UnixSeconds now);

/// True when the user has a confirmed second factor.
Result<bool> mfa_enabled(SqlExecutor& executor, std::int64_t user_id);

/// Checks a TOTP code of a confirmed enrolment. A code is accepted at most
/// once: a code from the same or an earlier step than the last accepted one
/// is rejected as a replay. kInvalidClient "invalid MFA code" on failure.
Result<void> verify_totp(SqlExecutor& executor, std::int64_t user_id, std::string_view code,
                         UnixSeconds now);

/// Accepts one unused recovery code and spends it. Case, spaces and dashes
/// are ignored. kInvalidClient "invalid recovery code" on failure.
Result<void> use_recovery_code(SqlExecutor& executor, std::int64_t user_id,
                               std::string_view code);

/// How many recovery codes are left.
Result<std::size_t> remaining_recovery_codes(SqlExecutor& executor, std::int64_t user_id);

/// Removes the second factor.
Result<void> disable_mfa(SqlExecutor& executor, std::int64_t user_id);

}  // namespace inmor::admin
