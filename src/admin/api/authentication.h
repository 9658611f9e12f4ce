// Authentication of admin API requests (X-API-Key or the session cookie),
// the CSRF and Origin check of session writes, and the session cookies.
#pragma once

#include "admin/api/api_route.h"
#include "admin/api/request_input.h"
#include "admin/session_store.h"
#include "admin/user_repository.h"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace inmor::admin::api {

/// How long a login session lasts, in seconds (12 hours).
inline constexpr std::int64_t kSessionLifetimeSeconds = 12 * 3600;
/// How long a password-checked login may wait for its second factor.
inline constexpr std::int64_t kMfaPendingLifetimeSeconds = 5 * 60;
/// Lifetime of the csrftoken cookie (one year, as the token is not a secret
/// on its own: a write also needs the session or the matching cookie).
inline constexpr std::int64_t kCsrfCookieLifetimeSeconds = 365 * 24 * 3600;

/// Maximum password length, in bytes: far above any real password, and low
/// enough that hashing stays cheap.
inline constexpr std::size_t kMaxPasswordBytes = 1024;

/// The identity behind an authenticated request.
struct Authentication {
    User user;
    AuditActor actor;
    Caller caller;
    /// Set when the request authenticated with the session cookie.
    std::optional<Session> session;
};

/// Authenticates a request by its `X-API-Key` header, else by the session
/// cookie of a session that finished its second factor. A key is checked by
/// its SHA-256, expiry, active flag and owner, and its last use is recorded.
/// The 401 error names what was missing or wrong.
ApiResult<Authentication> authenticate(const AdminServices& services,
                                       const http::Request& request);

/// The session of a request's cookie even when its second factor is still
/// owed; nullopt without a cookie or for an unknown or expired session.
ApiResult<std::optional<Session>> session_of(const AdminServices& services,
                                             const http::Request& request);

/// Checks a write made with cookies: the X-CSRFToken header must equal the
/// csrftoken cookie (and, with a session, the session's own token), and the
/// Origin (or Referer) must be the admin's own origin or a trusted one.
/// Returns the 403 to send, or nullopt when the write may go ahead.
std::optional<ApiError> check_csrf(const Config& config, const http::Request& request,
                                   const std::optional<Session>& session);

/// Whether cookies set on this response get the Secure attribute:
/// `admin.session_cookie_secure`, or a request that arrived over https.
bool secure_cookies(const Config& config, const http::Request& request);

/// Adds Set-Cookie headers for a new session: the HttpOnly session cookie
/// and the csrftoken cookie holding the session's CSRF token.
void set_session_cookies(http::Response& response, const Config& config,
                         const http::Request& request, const NewSession& session,
                         std::int64_t lifetime_seconds);

/// Adds the Set-Cookie header that deletes the session cookie.
void clear_session_cookie(http::Response& response, const Config& config,
                          const http::Request& request);

/// The user as the API shows it: to_json(User) plus `mfa_enabled`.
ApiResult<boost::json::object> user_json(SqlExecutor& executor, const User& user);

/// The actor of audit entries for a request made by `username`.
AuditActor actor_of(const http::Request& request, std::string username,
                    std::string auth_method);

}  // namespace inmor::admin::api
