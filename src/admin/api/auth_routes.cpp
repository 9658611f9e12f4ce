// /auth/*: the CSRF cookie, session login with the TOTP step, logout and
// the signed-in user. These routes run before authentication; the HTTP
// layer has already checked the CSRF token and Origin of their writes.
#include "admin/api/admin_routes.h"
#include "admin/api/authentication.h"
#include "admin/api/web_security.h"
#include "admin/login_throttle.h"
#include "admin/mfa.h"
#include "admin/secrets.h"
#include "common/logging.h"

#include <algorithm>

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

constexpr std::size_t kCsrfTokenBytes = 32;
/// Maximum MFA code length, in bytes (a recovery code with separators fits).
constexpr std::size_t kMaxCodeBytes = 64;

// A token the client already has is kept if it looks like one we issued, so
// two tabs requesting one at once do not invalidate each other's token.
bool looks_like_csrf_token(std::string_view token) {
    return token.size() >= 32 && token.size() <= 128 &&
           std::all_of(token.begin(), token.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '-' || c == '_';
           });
}

http::Response too_many_attempts(const ThrottleDecision& decision) {
    http::Response response = api_error_response(ApiError{
        429,
        "too many failed logins for this account or address; retry in " +
            std::to_string(decision.retry_after_seconds) + " seconds",
        {}});
    response.add_header("Retry-After", std::to_string(decision.retry_after_seconds));
    return response;
}

// Audits a failed login step. `begin_login_attempt` has already counted it.
void record_failure(const AdminServices& services, const ApiCall& call,
                    const std::string& username, std::string_view step) {
    const UnixSeconds now = services.clock.now();
    auto recorded = services.database.with_transaction([&](SqlExecutor& tx) -> Result<bool> {
        auto audited = write_audit(tx, actor_of(call.request, username, "session"), now, "login",
                                   "session", username, std::nullopt,
                                   json::object{{"step", step}}, "failure");
        if (!audited) return audited.error();
        return true;
    });
    if (!recorded) {
        logger("admin")->error("failed login not audited username={} error={} detail={}",
                               username, recorded.error().message(), recorded.error().detail());
    }
    logger("admin")->info("login failed username={} step={} client={}", username, step,
                          call.request.client_address);
}

// Settles a counted attempt. If that fails, the attempt stays counted as a failure.
void settle_attempt(const AdminServices& services, std::int64_t id, AttemptOutcome outcome) {
    if (auto settled = settle_login_attempt(services.database, id, outcome); !settled) {
        logger("admin")->error("login attempt not settled id={} error={} detail={}", id,
                               settled.error().message(), settled.error().detail());
    }
}

// Starts a full session, sets its cookies and returns {"user": ...}.
http::Response grant_session(const AdminServices& services, const ApiCall& call,
                             const User& user, std::string_view method) {
    const UnixSeconds now = services.clock.now();
    // The session and its audit entry commit together.
    auto session = services.database.with_transaction([&](SqlExecutor& tx) -> Result<NewSession> {
        auto created = create_session(tx, user.id, kSessionLifetimeSeconds, false, now);
        if (!created) return created.error();
        auto audited = write_audit(tx, actor_of(call.request, user.username, "session"), now,
                                   "login", "session", std::to_string(user.id), std::nullopt,
                                   json::object{{"method", method}});
        if (!audited) return audited.error();
        return created;
    });
    if (!session) return api_error_response(api_error_from(session.error()));
    auto body = user_json(services.database, user);
    if (!body) return api_error_response(body.error());
    logger("admin")->info("login succeeded username={} method={} client={}", user.username,
                          method, call.request.client_address);

    http::Response response = api_json_response(json::object{{"user", std::move(*body)}});
    set_session_cookies(response, services.config, call.request, *session,
                        kSessionLifetimeSeconds);
    return response;
}

// Ends the session named by the request's cookie, if any.
void end_cookie_session(const AdminServices& services, const http::Request& request) {
    const auto token = cookie_value(request.header("Cookie"), kSessionCookie);
    if (token && !token->empty()) (void)delete_session(services.database, *token);
}

http::Response get_csrf(const AdminServices& services, const ApiCall& call) {
    std::string token;
    auto session = session_of(services, call.request);
    if (!session) return api_error_response(session.error());
    if (session->has_value()) {
        token = (*session)->csrf_token;
    } else {
        const auto existing = cookie_value(call.request.header("Cookie"), kCsrfCookie);
        if (existing && looks_like_csrf_token(*existing)) {
            token = *existing;
        } else {
            auto fresh = random_token(kCsrfTokenBytes);
            if (!fresh) return api_error_response(api_error_from(fresh.error()));
            token = std::move(*fresh);
        }
    }
    http::Response response = api_json_response(json::object{{"csrftoken", token}});
    response.add_header("Set-Cookie",
                        set_cookie_value(kCsrfCookie, token,
                                         {false, secure_cookies(services.config, call.request),
                                          kCsrfCookieLifetimeSeconds}));
    return response;
}

http::Response login(const AdminServices& services, const ApiCall& call) {
    auto body = body_object(call.request);
    if (!body) return api_error_response(body.error());
    if (auto known = reject_unknown_members(*body, {"username", "password"}); !known) {
        return api_error_response(known.error());
    }
    auto username = string_member(*body, "username", true);
    if (!username) return api_error_response(username.error());
    auto password = string_member(*body, "password", true);
    if (!password) return api_error_response(password.error());
    // Bounded before they reach the throttle table, the audit log and argon2.
    if ((*username)->size() > kMaxUsernameBytes) {
        return api_error_response(ApiError{
            400, "username: longer than " + std::to_string(kMaxUsernameBytes) + " bytes", {}});
    }
    if ((*password)->size() > kMaxPasswordBytes) {
        return api_error_response(ApiError{
            400, "password: longer than " + std::to_string(kMaxPasswordBytes) + " bytes", {}});
    }

    // The attempt counts as a failure before argon2 runs, so logins running
    // at once never get more guesses than the limit.
    const UnixSeconds now = services.clock.now();
    auto attempt =
        begin_login_attempt(services.database, **username, call.request.client_address, now);
    if (!attempt) return api_error_response(api_error_from(attempt.error()));
    if (!attempt->decision.allowed) return too_many_attempts(attempt->decision);

    auto user = authenticate_password(services.database, **username, **password, now);
    if (!user) {
        if (user.error().code() != ErrorCode::kInvalidClient) {
            settle_attempt(services, attempt->id, AttemptOutcome::kNotCounted);
            return api_error_response(api_error_from(user.error()));
        }
        record_failure(services, call, **username, "password");
        return api_error_response(ApiError{401, "invalid username or password", {}});
    }
    end_cookie_session(services, call.request);

    auto enrolled = mfa_enabled(services.database, user->id);
    if (!enrolled) {
        settle_attempt(services, attempt->id, AttemptOutcome::kNotCounted);
        return api_error_response(api_error_from(enrolled.error()));
    }
    if (!*enrolled) {
        settle_attempt(services, attempt->id, AttemptOutcome::kSucceeded);
        return grant_session(services, call, *user, "password");
    }

    // A password alone is not enough: the pending session only unlocks
    // /auth/login/totp. Success is not recorded for the throttle yet, so that
    // failed codes keep counting against this account.
    settle_attempt(services, attempt->id, AttemptOutcome::kNotCounted);
    auto pending =
        create_session(services.database, user->id, kMfaPendingLifetimeSeconds, true, now);
    if (!pending) return api_error_response(api_error_from(pending.error()));
    http::Response response = api_json_response(json::object{{"mfa_required", true}});
    set_session_cookies(response, services.config, call.request, *pending,
                        kMfaPendingLifetimeSeconds);
    return response;
}

http::Response login_totp(const AdminServices& services, const ApiCall& call) {
    auto session = session_of(services, call.request);
    if (!session) return api_error_response(session.error());
    if (!session->has_value() || !(*session)->mfa_pending) {
        return api_error_response(
            ApiError{401, "no login is waiting for a second factor: POST /auth/login first", {}});
    }
    auto code = code_member(call.request);
    if (!code) return api_error_response(code.error());
    if (code->size() > kMaxCodeBytes) {
        return api_error_response(ApiError{
            400, "code: longer than " + std::to_string(kMaxCodeBytes) + " bytes", {}});
    }

    auto found = find_user(services.database, (*session)->user_id);
    if (!found) return api_error_response(api_error_from(found.error()));
    if (!found->has_value() || !(*found)->is_active) {
        return api_error_response(ApiError{401, "account inactive or removed", {}});
    }
    const User& user = **found;

    const UnixSeconds now = services.clock.now();
    auto attempt =
        begin_login_attempt(services.database, user.username, call.request.client_address, now);
    if (!attempt) return api_error_response(api_error_from(attempt.error()));
    if (!attempt->decision.allowed) return too_many_attempts(attempt->decision);

    // Six digits are a TOTP code; anything else is tried as a recovery code.
    const bool totp = code->size() == kTotpDigits &&
                      code->find_first_not_of("0123456789") == std::string::npos;
    Result<void> verified = totp ? verify_totp(services.database, user.id, *code, now)
                                 : use_recovery_code(services.database, user.id, *code);
    if (!verified) {
        if (verified.error().code() != ErrorCode::kInvalidClient) {
            settle_attempt(services, attempt->id, AttemptOutcome::kNotCounted);
            return api_error_response(api_error_from(verified.error()));
        }
        record_failure(services, call, user.username, totp ? "totp" : "recovery_code");
        return api_error_response(ApiError{401, "invalid MFA code", {}});
    }

    settle_attempt(services, attempt->id, AttemptOutcome::kSucceeded);
    end_cookie_session(services, call.request);
    return grant_session(services, call, user, totp ? "totp" : "recovery_code");
}

http::Response logout(const AdminServices& services, const ApiCall& call) {
    auto session = session_of(services, call.request);
    if (!session) return api_error_response(session.error());
    if (session->has_value()) {
        const std::int64_t user_id = (*session)->user_id;
        auto user = find_user(services.database, user_id);
        const std::string username =
            user && user->has_value() ? (*user)->username : std::to_string(user_id);
        const std::string token =
            cookie_value(call.request.header("Cookie"), kSessionCookie).value_or("");
        auto ended = services.database.with_transaction([&](SqlExecutor& tx) -> Result<bool> {
            if (auto deleted = delete_session(tx, token); !deleted) return deleted.error();
            auto audited = write_audit(tx, actor_of(call.request, username, "session"),
                                       services.clock.now(), "logout", "session",
                                       std::to_string(user_id), std::nullopt, std::nullopt);
            if (!audited) return audited.error();
            return true;
        });
        if (!ended) return api_error_response(api_error_from(ended.error()));
    }
    http::Response response = api_json_response(json::object{});
    clear_session_cookie(response, services.config, call.request);
    return response;
}

http::Response me(const AdminServices& services, const ApiCall& call) {
    auto authentication = authenticate(services, call.request);
    if (!authentication) return api_error_response(authentication.error());
    auto body = user_json(services.database, authentication->user);
    if (!body) return api_error_response(body.error());
    return api_json_response(*body);
}

}  // namespace

std::vector<ApiRoute> auth_routes(const AdminServices& services) {
    auto bind = [services](http::Response (*handler)(const AdminServices&, const ApiCall&)) {
        return [services, handler](const ApiCall& call) { return handler(services, call); };
    };
    return {
        {"GET", "/auth/csrf", bind(&get_csrf),
         "Set the csrftoken cookie and return its value ({csrftoken})"},
        {"POST", "/auth/login", bind(&login),
         "Sign in with {username, password}: {user}, or {mfa_required: true} when the account "
         "has TOTP"},
        {"POST", "/auth/login/totp", bind(&login_totp),
         "Finish a login with {code}, a TOTP code or a recovery code: {user}"},
        {"POST", "/auth/logout", bind(&logout), "End the session"},
        {"GET", "/auth/me", bind(&me), "The signed-in user (session or API key)"},
    };
}

}  // namespace inmor::admin::api
