// Counting failed logins per username and per client address.
#include "admin/login_throttle.h"

#include <algorithm>

namespace inmor::admin {
namespace {

// Key of the PostgreSQL advisory lock that serializes the throttle check with
// the attempt it records. Any constant unique to this use works.
constexpr std::int64_t kLoginThrottleLockKey = 0x696e6d6f72'6c6f67;  // "inmor" "log"

struct FailureCount {
    std::int64_t failures = 0;
    UnixSeconds latest = 0;
};

Result<FailureCount> count_failures(SqlExecutor& executor, std::string_view column,
                                    std::string_view value, UnixSeconds since) {
    std::string sql = "SELECT COUNT(*), MAX(at) FROM login_attempts WHERE " +
                      std::string(column) + " = ? AND succeeded = 0 AND at > ?";
    Result<std::optional<Row>> row = executor.query_one(sql, {std::string(value), since});
    if (!row) {
        return row.error();
    }
    if (!row->has_value()) {
        return FailureCount{};
    }
    return FailureCount{(*row)->integer(0), (*row)->integer(1)};
}

Result<UnixSeconds> last_success(SqlExecutor& executor, std::string_view username) {
    Result<std::optional<Row>> row = executor.query_one(
        "SELECT MAX(at) FROM login_attempts WHERE username = ? AND succeeded = 1",
        {std::string(username)});
    if (!row) {
        return row.error();
    }
    return row->has_value() ? (*row)->integer(0) : 0;
}

}  // namespace

Result<ThrottleDecision> check_login_throttle(SqlExecutor& executor, std::string_view username,
                                              std::string_view client_address, UnixSeconds now,
                                              const ThrottlePolicy& policy) {
    UnixSeconds window_start = now - policy.window_seconds;
    Result<UnixSeconds> succeeded = last_success(executor, username);
    if (!succeeded) {
        return succeeded.error();
    }

    Result<FailureCount> by_name =
        count_failures(executor, "username", username, std::max(window_start, *succeeded));
    Result<FailureCount> by_address =
        count_failures(executor, "client_address", client_address, window_start);
    if (!by_name || !by_address) {
        return by_name ? by_address.error() : by_name.error();
    }

    ThrottleDecision decision;
    for (const FailureCount& count : {*by_name, *by_address}) {
        UnixSeconds locked_until = count.latest + policy.lockout_seconds;
        if (count.failures >= policy.max_failures && locked_until > now) {
            decision.allowed = false;
            decision.retry_after_seconds =
                std::max(decision.retry_after_seconds, locked_until - now);
        }
    }
    return decision;
}

Result<void> record_login_attempt(SqlExecutor& executor, std::string_view username,
                                  std::string_view client_address, bool succeeded,
                                  UnixSeconds now) {
    Result<std::int64_t> recorded = executor.execute(
        "INSERT INTO login_attempts (username, client_address, at, succeeded) "
        "VALUES (?, ?, ?, ?)",
        {std::string(username), std::string(client_address), now, std::int64_t{succeeded}});
    if (!recorded) {
        return recorded.error();
    }
    return {};
}

Result<LoginAttempt> begin_login_attempt(Database& database, std::string_view username,
                                         std::string_view client_address, UnixSeconds now,
                                         const ThrottlePolicy& policy) {
    return database.with_transaction([&](SqlExecutor& executor) -> Result<LoginAttempt> {
        // SQLite already runs write transactions one at a time. On PostgreSQL,
        // concurrent transactions would each count the same failures without it.
        if (executor.engine() == DatabaseEngine::kPostgres) {
            Result<std::int64_t> locked = executor.execute("SELECT pg_advisory_xact_lock(?)",
                                                           {kLoginThrottleLockKey});
            if (!locked) {
                return locked.error();
            }
        }
        Result<ThrottleDecision> decision =
            check_login_throttle(executor, username, client_address, now, policy);
        if (!decision) {
            return decision.error();
        }
        LoginAttempt attempt{*decision, 0};
        if (!decision->allowed) {
            return attempt;
        }
        Result<std::optional<Row>> inserted = executor.query_one(
            "INSERT INTO login_attempts (username, client_address, at, succeeded) "
            "VALUES (?, ?, ?, 0) RETURNING id",
            {std::string(username), std::string(client_address), now});
        if (!inserted) {
            return inserted.error();
        }
        if (!inserted->has_value()) {
            return Error(ErrorCode::kServerError, "login attempt: no id returned");
        }
        attempt.id = (*inserted)->integer(0);
        return attempt;
    });
}

Result<void> settle_login_attempt(SqlExecutor& executor, std::int64_t id,
                                  AttemptOutcome outcome) {
    Result<std::int64_t> settled = 0;
    switch (outcome) {
    case AttemptOutcome::kFailed:
        return {};
    case AttemptOutcome::kSucceeded:
        settled = executor.execute("UPDATE login_attempts SET succeeded = 1 WHERE id = ?", {id});
        break;
    case AttemptOutcome::kNotCounted:
        settled = executor.execute("DELETE FROM login_attempts WHERE id = ?", {id});
        break;
    }
    if (!settled) {
        return settled.error();
    }
    return {};
}

Result<std::int64_t> prune_login_attempts(SqlExecutor& executor, UnixSeconds before) {
    return executor.execute("DELETE FROM login_attempts WHERE at < ?", {before});
}

}  // namespace inmor::admin
