// API key and session authentication, CSRF and Origin checks, cookies.
#include "admin/api/authentication.h"

#include "admin/api/web_security.h"
#include "admin/api_key_repository.h"
#include "admin/mfa.h"
#include "common/logging.h"

namespace inmor::admin::api {
namespace {

ApiError unauthorized(std::string message) { return ApiError{401, std::move(message), {}}; }

ApiResult<User> active_user(const AdminServices& services, std::int64_t user_id) {
    Result<std::optional<User>> user = find_user(services.database, user_id);
    if (!user) return api_error_from(user.error());
    if (!user->has_value() || !(*user)->is_active) {
        return unauthorized("account inactive or removed");
    }
    return std::move(**user);
}

ApiResult<Authentication> authenticate_api_key(const AdminServices& services,
                                               const http::Request& request,
                                               std::string_view presented) {
    Result<ApiKey> key =
        admin::authenticate_api_key(services.database, presented, services.clock.now());
    if (!key) {
        if (key.error().code() != ErrorCode::kInvalidClient) return api_error_from(key.error());
        logger("admin")->info("api key rejected client={} request_id={}",
                              request.client_address, request.request_id);
        return unauthorized("invalid API key: unknown, revoked, expired or of an inactive user");
    }
    auto user = active_user(services, key->user_id);
    if (!user) return user.error();

    Authentication authentication{std::move(*user), {}, {}, std::nullopt};
    authentication.actor = actor_of(request, authentication.user.username, "api_key");
    authentication.caller = Caller{authentication.user.id, authentication.user.is_superuser, ""};
    return authentication;
}

}  // namespace

ApiResult<std::optional<Session>> session_of(const AdminServices& services,
                                             const http::Request& request) {
    const std::optional<std::string> token =
        cookie_value(request.header("Cookie"), kSessionCookie);
    if (!token || token->empty()) return std::optional<Session>();
    Result<Session> session = find_session(services.database, *token, services.clock.now());
    if (!session) {
        if (session.error().code() == ErrorCode::kInvalidClient) return std::optional<Session>();
        return api_error_from(session.error());
    }
    return std::optional<Session>(std::move(*session));
}

ApiResult<Authentication> authenticate(const AdminServices& services,
                                       const http::Request& request) {
    if (request.has_header(kApiKeyHeader)) {
        return authenticate_api_key(services, request, request.header(kApiKeyHeader));
    }

    auto session = session_of(services, request);
    if (!session) return session.error();
    if (!session->has_value()) {
        return unauthorized("authentication required: sign in or send an X-API-Key header");
    }
    if ((*session)->mfa_pending) {
        return unauthorized("second factor required: finish the login at /auth/login/totp");
    }
    auto user = active_user(services, (*session)->user_id);
    if (!user) return user.error();

    Authentication authentication{std::move(*user), {}, {}, std::move(*session)};
    authentication.actor = actor_of(request, authentication.user.username, "session");
    authentication.caller = Caller{authentication.user.id, authentication.user.is_superuser,
                                   authentication.session->id};
    return authentication;
}

std::optional<ApiError> check_csrf(const Config& config, const http::Request& request,
                                   const std::optional<Session>& session) {
    const std::string cookie =
        cookie_value(request.header("Cookie"), kCsrfCookie).value_or(std::string());
    const std::string_view header = request.header(kCsrfHeader);
    if (cookie.empty()) {
        return ApiError{403, "CSRF cookie missing: GET /api/v1/auth/csrf first", {}};
    }
    if (!csrf_tokens_match(cookie, header)) {
        return ApiError{403, "CSRF token missing or wrong: send the csrftoken cookie's value in "
                             "the X-CSRFToken header", {}};
    }
    if (session && !csrf_matches(*session, header)) {
        return ApiError{403, "CSRF token does not belong to this session: GET /api/v1/auth/csrf "
                             "for the current one", {}};
    }
    if (auto problem = check_request_origin(request, config.admin.csrf_trusted_origins)) {
        return ApiError{403, *problem, {}};
    }
    return std::nullopt;
}

bool secure_cookies(const Config& config, const http::Request& request) {
    return config.admin.session_cookie_secure || request_scheme(request) == "https";
}

void set_session_cookies(http::Response& response, const Config& config,
                         const http::Request& request, const NewSession& session,
                         std::int64_t lifetime_seconds) {
    const bool secure = secure_cookies(config, request);
    response.add_header("Set-Cookie", set_cookie_value(kSessionCookie, session.token,
                                                       {true, secure, lifetime_seconds}));
    response.add_header("Set-Cookie",
                        set_cookie_value(kCsrfCookie, session.session.csrf_token,
                                         {false, secure, kCsrfCookieLifetimeSeconds}));
}

void clear_session_cookie(http::Response& response, const Config& config,
                          const http::Request& request) {
    response.add_header("Set-Cookie", set_cookie_value(kSessionCookie, "",
                                                       {true, secure_cookies(config, request), 0}));
}

ApiResult<boost::json::object> user_json(SqlExecutor& executor, const User& user) {
    Result<bool> enabled = mfa_enabled(executor, user.id);
    if (!enabled) return api_error_from(enabled.error());
    boost::json::object body = to_json(user);
    body["mfa_enabled"] = *enabled;
    return body;
}

AuditActor actor_of(const http::Request& request, std::string username,
                    std::string auth_method) {
    return AuditActor{std::move(username), std::move(auth_method), request.client_address};
}

}  // namespace inmor::admin::api
