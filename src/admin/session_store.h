// Login sessions: a random token in a cookie, stored only as its SHA-256,
// with a CSRF token of its own and an expiry.
#pragma once

#include "admin/database.h"
#include "common/clock.h"

#include <cstdint>
#include <optional>
#include <string>

namespace inmor::admin {

/// Random bytes in a session token and in a CSRF token.
inline constexpr std::size_t kSessionTokenBytes = 32;

/// A row of `sessions`. `id` is the SHA-256 hex of the cookie's token.
struct Session {
    std::string id;
    std::int64_t user_id = 0;
    std::string csrf_token;
    UnixSeconds created_at = 0;
    UnixSeconds expires_at = 0;
    /// Password checked, second factor still owed: the session may only
    /// finish the MFA step.
    bool mfa_pending = false;
};

/// A new session and the token for the cookie, never stored.
struct NewSession {
    Session session;
    std::string token;
};

/// Starts a session of `lifetime_seconds` for `user_id`.
Result<NewSession> create_session(SqlExecutor& executor, std::int64_t user_id,
                                  std::int64_t lifetime_seconds, bool mfa_pending,
                                  UnixSeconds now);

/// The live session for a cookie token. kInvalidClient "session expired or
/// invalid" when unknown or expired (an expired one is deleted).
Result<Session> find_session(SqlExecutor& executor, std::string_view token, UnixSeconds now);

/// True when `presented` is this session's CSRF token (constant time).
bool csrf_matches(const Session& session, std::string_view presented);

/// Clears mfa_pending once the second factor is verified.
Result<void> complete_session_mfa(SqlExecutor& executor, std::string_view session_id);

/// Ends a session (logout). Unknown tokens are ignored.
Result<void> delete_session(SqlExecutor& executor, std::string_view token);

/// Ends every session of a user (password change, deactivation).
Result<std::int64_t> delete_user_sessions(SqlExecutor& executor, std::int64_t user_id);

/// Deletes sessions that expired before `now`; returns how many.
Result<std::int64_t> delete_expired_sessions(SqlExecutor& executor, UnixSeconds now);

}  // namespace inmor::admin
