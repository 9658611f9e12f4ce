// Login throttling: too many failed logins for one username or from one
// client address lock further attempts for a while.
#pragma once

#include "admin/database.h"
#include "common/clock.h"

#include <cstdint>
#include <string>

namespace inmor::admin {

/// Limits on failed logins. Failures are counted over `window_seconds`; at
/// `max_failures` the username or address is locked until `lockout_seconds`
/// after its latest failure.
struct ThrottlePolicy {
    std::int64_t max_failures = 5;
    std::int64_t window_seconds = 15 * 60;
    std::int64_t lockout_seconds = 15 * 60;
};

/// Whether a login may be tried now, and if not, for how long to wait.
struct ThrottleDecision {
    bool allowed = true;
    std::int64_t retry_after_seconds = 0;
};

/// Decides whether a login for `username` from `client_address` may go
/// ahead. A success for the username clears its count. Failures from an
/// address count until they age out of the window, so that one good account
/// does not unlock guessing against others from the same address.
Result<ThrottleDecision> check_login_throttle(SqlExecutor& executor, std::string_view username,
                                              std::string_view client_address, UnixSeconds now,
                                              const ThrottlePolicy& policy = {});

/// A login that passed the throttle. Its attempt counts as a failure until
/// `settle_login_attempt` records another outcome.
struct LoginAttempt {
    ThrottleDecision decision;
    /// The row counted for this attempt; set only when `decision.allowed`.
    std::int64_t id = 0;
};

/// The outcome of a started attempt.
enum class AttemptOutcome {
    kFailed,     ///< Stays counted as a failure.
    kSucceeded,  ///< Counted as the success that clears the username's count.
    kNotCounted  ///< Neither (a password accepted but a second factor pending, an error).
};

/// Checks the throttle and, when allowed, records the attempt as a failure,
/// in one transaction that concurrent logins take one after another. Each
/// guess is counted before its password is verified, so the limit applies
/// however many logins run at once.
Result<LoginAttempt> begin_login_attempt(Database& database, std::string_view username,
                                         std::string_view client_address, UnixSeconds now,
                                         const ThrottlePolicy& policy = {});

/// Records how an attempt from `begin_login_attempt` ended.
Result<void> settle_login_attempt(SqlExecutor& executor, std::int64_t id,
                                  AttemptOutcome outcome);

/// Records the outcome of one login attempt.
Result<void> record_login_attempt(SqlExecutor& executor, std::string_view username,
                                  std::string_view client_address, bool succeeded,
                                  UnixSeconds now);

/// Deletes attempts older than `before`; returns how many.
Result<std::int64_t> prune_login_attempts(SqlExecutor& executor, UnixSeconds before);

}  // namespace inmor::admin
