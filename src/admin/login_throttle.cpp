// Counting failed logins per username and per client address.
#include "admin/login_throttle.h"

#include <algorithm>

namespace inmor::admin {
namespace {

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

Result<std::int64_t> prune_login_attempts(SqlExecutor& executor, UnixSeconds before) {
    return executor.execute("DELETE FROM login_attempts WHERE at < ?", {before});
}

}  // namespace inmor::admin
