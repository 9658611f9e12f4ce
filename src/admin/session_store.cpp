// Session creation, lookup and expiry.
#include "admin/session_store.h"

#include "admin/repository_support.h"
#include "admin/secrets.h"

namespace inmor::admin {

Result<NewSession> create_session(SqlExecutor& executor, std::int64_t user_id,
                                  std::int64_t lifetime_seconds, bool mfa_pending,
                                  UnixSeconds now) {
    if (lifetime_seconds <= 0) {
        return field_error("lifetime", "must be a positive number of seconds");
    }
    Result<std::string> token = random_token(kSessionTokenBytes);
    Result<std::string> csrf = random_token(kSessionTokenBytes);
    if (!token || !csrf) {
        return token ? csrf.error() : token.error();
    }

    Session session{sha256_hex(*token), user_id, *csrf, now, now + lifetime_seconds, mfa_pending};
    Result<std::int64_t> inserted = executor.execute(
        "INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, mfa_pending) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        {session.id, user_id, session.csrf_token, now, session.expires_at,
         std::int64_t{mfa_pending}});
    if (!inserted) {
        return inserted.error();
    }
    return NewSession{std::move(session), std::move(*token)};
}

Result<Session> find_session(SqlExecutor& executor, std::string_view token, UnixSeconds now) {
    Error rejected(ErrorCode::kInvalidClient, "session expired or invalid");
    if (token.empty() || token.size() > 200) {
        return rejected;
    }
    std::string id = sha256_hex(token);
    Result<std::optional<Row>> row = executor.query_one(
        "SELECT id, user_id, csrf_token, created_at, expires_at, mfa_pending FROM sessions "
        "WHERE id = ?",
        {id});
    if (!row) {
        return row.error();
    }
    if (!row->has_value()) {
        return rejected;
    }

    const Row& found = **row;
    Session session{found.text(0),    found.integer(1), found.text(2),
                    found.integer(3), found.integer(4), found.boolean(5)};
    if (session.expires_at <= now) {
        (void)executor.execute("DELETE FROM sessions WHERE id = ?", {id});
        return rejected;
    }
    return session;
}

bool csrf_matches(const Session& session, std::string_view presented) {
    return !presented.empty() && constant_time_equals(session.csrf_token, presented);
}

Result<void> complete_session_mfa(SqlExecutor& executor, std::string_view session_id) {
    Result<std::int64_t> changed = executor.execute(
        "UPDATE sessions SET mfa_pending = 0 WHERE id = ?", {std::string(session_id)});
    if (!changed) {
        return changed.error();
    }
    return {};
}

Result<void> delete_session(SqlExecutor& executor, std::string_view token) {
    Result<std::int64_t> deleted =
        executor.execute("DELETE FROM sessions WHERE id = ?", {sha256_hex(token)});
    if (!deleted) {
        return deleted.error();
    }
    return {};
}

Result<std::int64_t> delete_user_sessions(SqlExecutor& executor, std::int64_t user_id) {
    return executor.execute("DELETE FROM sessions WHERE user_id = ?", {user_id});
}

Result<std::int64_t> delete_expired_sessions(SqlExecutor& executor, UnixSeconds now) {
    return executor.execute("DELETE FROM sessions WHERE expires_at <= ?", {now});
}

}  // namespace inmor::admin
