// TOTP through liboath, recovery codes and the mfa_secrets table.
#include "admin/mfa.h"

#include "admin/repository_support.h"
#include "admin/secrets.h"
#include "common/json.h"

#include <boost/json/array.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <liboath/oath.h>

#include <cstdlib>

namespace inmor::admin {
namespace {

namespace json = boost::json;

// Recovery codes are 10 characters of this alphabet (50 bits), shown as
// "xxxxx-xxxxx"; letters that look alike (0/o, 1/l/i) are left out.
constexpr std::string_view kRecoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";
constexpr std::size_t kRecoveryCodeLength = 10;

Result<void> ensure_oath() {
    static const int status = oath_init();
    if (status != OATH_OK) {
        return Error::server_error("TOTP library failed to start",
                                   std::string("liboath: ") + oath_strerror(status));
    }
    return {};
}

std::string normalize_recovery_code(std::string_view code) {
    std::string normalized;
    for (char c : code) {
        if (c == '-' || c == ' ') {
            continue;
        }
        normalized += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return normalized;
}

Result<std::vector<std::string>> new_recovery_codes() {
    std::vector<std::string> codes;
    for (std::size_t i = 0; i < kRecoveryCodeCount; ++i) {
        Result<std::string> bytes = random_bytes(kRecoveryCodeLength);
        if (!bytes) {
            return bytes.error();
        }
        // 256 is not a multiple of 31, so the first letters are a little
        // likelier; at 10 characters the code still has about 49 bits.
        std::string code;
        for (unsigned char byte : *bytes) {
            if (code.size() == 5) {
                code += '-';
            }
            code += kRecoveryAlphabet[byte % kRecoveryAlphabet.size()];
        }
        codes.push_back(std::move(code));
    }
    return codes;
}

struct StoredMfa {
    std::string secret;  // raw bytes
    bool confirmed = false;
    std::optional<std::int64_t> last_used_step;
    std::vector<std::string> recovery_hashes;
};

Result<std::optional<StoredMfa>> load(SqlExecutor& executor, std::int64_t user_id) {
    Result<std::optional<Row>> row = executor.query_one(
        "SELECT totp_secret, confirmed, last_used_step, recovery_code_hashes FROM mfa_secrets "
        "WHERE user_id = ?",
        {user_id});
    if (!row) {
        return row.error();
    }
    if (!row->has_value()) {
        return std::optional<StoredMfa>();
    }

    const Row& found = **row;
    Result<std::string> secret = base32_decode(found.text(0));
    Result<json::value> hashes = parse_json(found.text(3), "recovery_code_hashes");
    if (!secret || !hashes || !hashes->is_array()) {
        return Error::server_error("stored MFA secret is damaged",
                                   "user_id=" + std::to_string(user_id));
    }
    StoredMfa stored{std::move(*secret), found.boolean(1), found.optional_integer(2), {}};
    for (const json::value& hash : hashes->as_array()) {
        if (hash.is_string()) {
            stored.recovery_hashes.emplace_back(hash.as_string());
        }
    }
    return std::optional<StoredMfa>(std::move(stored));
}

std::string hashes_json(const std::vector<std::string>& hashes) {
    json::array array;
    for (const std::string& hash : hashes) {
        array.emplace_back(hash);
    }
    return inmor::to_json(array);
}

Error invalid_code() {
    return Error(ErrorCode::kInvalidClient, "invalid MFA code");
}

}  // namespace

Result<std::string> totp_code(std::string_view secret, UnixSeconds at, unsigned digits) {
    if (Result<void> ready = ensure_oath(); !ready) {
        return ready.error();
    }
    if (digits < 6 || digits > 8) {
        return field_error("digits", "must be 6, 7 or 8");
    }
    char output[16] = {};
    int status = oath_totp_generate(secret.data(), secret.size(), static_cast<time_t>(at),
                                    kTotpStepSeconds, 0, digits, output);
    if (status != OATH_OK) {
        return Error::server_error("TOTP computation failed",
                                   std::string("liboath: ") + oath_strerror(status));
    }
    return std::string(output);
}

Result<std::optional<std::int64_t>> matching_totp_step(std::string_view secret,
                                                       std::string_view code, UnixSeconds now) {
    if (Result<void> ready = ensure_oath(); !ready) {
        return ready.error();
    }
    if (code.size() != kTotpDigits ||
        code.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::optional<std::int64_t>();
    }
    std::string code_text(code);
    int position = 0;
    int status = oath_totp_validate2(secret.data(), secret.size(), static_cast<time_t>(now),
                                     kTotpStepSeconds, 0, kTotpWindowSteps, &position,
                                     code_text.c_str());
    if (status < 0) {
        return std::optional<std::int64_t>();
    }
    // `position` is the matching step relative to the step of `now`.
    return std::optional<std::int64_t>(now / kTotpStepSeconds + position);
}

Result<std::string> base32_encode(std::string_view bytes) {
    char* encoded = nullptr;
    std::size_t length = 0;
    int status = oath_base32_encode(bytes.data(), bytes.size(), &encoded, &length);
    if (status != OATH_OK) {
        return Error::server_error("base32 encoding failed", oath_strerror(status));
    }
    std::string text(encoded, length);
    std::free(encoded);
    return text;
}

Result<std::string> base32_decode(std::string_view text) {
    char* decoded = nullptr;
    std::size_t length = 0;
    int status = oath_base32_decode(text.data(), text.size(), &decoded, &length);
    if (status != OATH_OK) {
        return field_error("secret", "is not valid base32");
    }
    std::string bytes(decoded, length);
    std::free(decoded);
    return bytes;
}

std::string totp_uri(std::string_view issuer, std::string_view account,
                     std::string_view secret_base32) {
    auto encode = [](std::string_view text) {
        return boost::urls::encode(text, boost::urls::unreserved_chars);
    };
    std::string secret(secret_base32);
    secret.erase(secret.find_last_not_of('=') + 1);
    return "otpauth://totp/" + encode(issuer) + ":" + encode(account) + "?secret=" + secret +
           "&issuer=" + encode(issuer) + "&algorithm=SHA1&digits=" +
           std::to_string(kTotpDigits) + "&period=" + std::to_string(kTotpStepSeconds);
}

Result<MfaEnrolment> begin_mfa_enrolment(SqlExecutor& executor, std::int64_t user_id) {
    Result<std::string> secret = random_bytes(kTotpSecretBytes);
    if (!secret) {
        return secret.error();
    }
    Result<std::string> secret_base32 = base32_encode(*secret);
    Result<std::vector<std::string>> codes = new_recovery_codes();
    if (!secret_base32 || !codes) {
        return secret_base32 ? codes.error() : secret_base32.error();
    }
    std::vector<std::string> hashes;
    for (const std::string& code : *codes) {
        hashes.push_back(sha256_hex(normalize_recovery_code(code)));
    }

    Result<std::int64_t> stored = executor.execute(
        "INSERT INTO mfa_secrets (user_id, totp_secret, confirmed, last_used_step, "
        "recovery_code_hashes) VALUES (?, ?, 0, NULL, ?) ON CONFLICT (user_id) DO UPDATE SET "
        "totp_secret = excluded.totp_secret, confirmed = 0, last_used_step = NULL, "
        "recovery_code_hashes = excluded.recovery_code_hashes",
        {user_id, *secret_base32, hashes_json(hashes)});
    if (!stored) {
        return stored.error();
    }
    return MfaEnrolment{std::move(*secret_base32), std::move(*codes)};
}

Result<void> confirm_mfa(SqlExecutor& executor, std::int64_t user_id, std::string_view code,
                         UnixSeconds now) {
    Result<std::optional<StoredMfa>> stored = load(executor, user_id);
    if (!stored) {
        return stored.error();
    }
    if (!stored->has_value()) {
        return field_error("code", "no MFA enrolment is pending");
    }
    Result<std::optional<std::int64_t>> step = matching_totp_step((*stored)->secret, code, now);
    if (!step) {
        return step.error();
    }
    if (!step->has_value()) {
        return field_error("code", "does not match the authenticator");
    }

    Result<std::int64_t> confirmed = executor.execute(
        "UPDATE mfa_secrets SET confirmed = 1, last_used_step = ? WHERE user_id = ?",
        {**step, user_id});
    if (!confirmed) {
        return confirmed.error();
    }
    return {};
}

Result<bool> mfa_enabled(SqlExecutor& executor, std::int64_t user_id) {
    Result<std::optional<Row>> row = executor.query_one(
        "SELECT confirmed FROM mfa_secrets WHERE user_id = ?", {user_id});
    if (!row) {
        return row.error();
    }
    return row->has_value() && (*row)->boolean(0);
}

Result<void> verify_totp(SqlExecutor& executor, std::int64_t user_id, std::string_view code,
                         UnixSeconds now) {
    Result<std::optional<StoredMfa>> stored = load(executor, user_id);
    if (!stored) {
        return stored.error();
    }
    if (!stored->has_value() || !(*stored)->confirmed) {
        return invalid_code();
    }
    Result<std::optional<std::int64_t>> step = matching_totp_step((*stored)->secret, code, now);
    if (!step) {
        return step.error();
    }
    if (!step->has_value()) {
        return invalid_code();
    }

    // Moving last_used_step forward only when it is older makes a second use
    // of the same code fail, even when two requests race.
    Result<std::int64_t> advanced = executor.execute(
        "UPDATE mfa_secrets SET last_used_step = ? WHERE user_id = ? AND "
        "(last_used_step IS NULL OR last_used_step < ?)",
        {**step, user_id, **step});
    if (!advanced) {
        return advanced.error();
    }
    if (*advanced == 0) {
        return Error(ErrorCode::kInvalidClient, "invalid MFA code", "replayed step");
    }
    return {};
}

Result<void> use_recovery_code(SqlExecutor& executor, std::int64_t user_id,
                               std::string_view code) {
    Error rejected(ErrorCode::kInvalidClient, "invalid recovery code");
    Result<std::optional<StoredMfa>> stored = load(executor, user_id);
    if (!stored) {
        return stored.error();
    }
    if (!stored->has_value() || !(*stored)->confirmed) {
        return rejected;
    }

    std::string presented = sha256_hex(normalize_recovery_code(code));
    std::vector<std::string> remaining;
    bool matched = false;
    for (const std::string& hash : (*stored)->recovery_hashes) {
        if (!matched && constant_time_equals(hash, presented)) {
            matched = true;
            continue;
        }
        remaining.push_back(hash);
    }
    if (!matched) {
        return rejected;
    }

    // Compare-and-set on the old list: of two requests spending the same
    // code at once, only one changes the row.
    Result<std::int64_t> spent = executor.execute(
        "UPDATE mfa_secrets SET recovery_code_hashes = ? WHERE user_id = ? AND "
        "recovery_code_hashes = ?",
        {hashes_json(remaining), user_id, hashes_json((*stored)->recovery_hashes)});
    if (!spent) {
        return spent.error();
    }
    if (*spent == 0) {
        return rejected;
    }
    return {};
}

Result<std::size_t> remaining_recovery_codes(SqlExecutor& executor, std::int64_t user_id) {
    Result<std::optional<StoredMfa>> stored = load(executor, user_id);
    if (!stored) {
        return stored.error();
    }
    return stored->has_value() ? (*stored)->recovery_hashes.size() : 0;
}

Result<void> disable_mfa(SqlExecutor& executor, std::int64_t user_id) {
    Result<std::int64_t> removed =
        executor.execute("DELETE FROM mfa_secrets WHERE user_id = ?", {user_id});
    if (!removed) {
        return removed.error();
    }
    return {};
}

}  // namespace inmor::admin
