// Browser-facing checks of the admin API: cookies, the Host header, the
// request's own origin, the Origin/Referer check and the CSRF token
// comparison. Pure functions over a request, so each rule is unit tested.
#pragma once

#include "http/message.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inmor::admin::api {

/// Cookie holding the login session token (HttpOnly).
inline constexpr std::string_view kSessionCookie = "sessionid";
/// Cookie holding the CSRF token, readable by the web UI's script.
inline constexpr std::string_view kCsrfCookie = "csrftoken";
/// Header in which a write echoes the CSRF cookie.
inline constexpr std::string_view kCsrfHeader = "X-CSRFToken";
/// Header carrying an API key.
inline constexpr std::string_view kApiKeyHeader = "X-API-Key";

/// The value of cookie `name` in a Cookie header, or nullopt when absent.
/// Of repeated names the first wins, as browsers send the most specific first.
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

/// Attributes of a Set-Cookie header. Every cookie is `Path=/; SameSite=Lax`.
struct CookieAttributes {
    bool http_only = true;
    bool secure = false;
    /// Seconds until the browser drops the cookie; 0 deletes it at once.
    std::int64_t max_age_seconds = 0;
};

/// The Set-Cookie value for `name=value` with `attributes`.
std::string set_cookie_value(std::string_view name, std::string_view value,
                             const CookieAttributes& attributes);

/// True for POST, PUT, PATCH and DELETE: the methods that need the CSRF check.
bool is_write_method(std::string_view method);

/// "https" when the request came over TLS, or through a trusted proxy that
/// sent `X-Forwarded-Proto: https`; else "http". The header is ignored from
/// any other peer, since a client could send it itself.
std::string request_scheme(const http::Request& request);

/// The host part of a Host header, lowercase, without the port (IPv6 keeps
/// its brackets); nullopt when the header is empty or malformed.
std::optional<std::string> host_of(std::string_view host_header);

/// True when `host_header` names one of `allowed_hosts`. An entry "*"
/// allows any host; an entry ".example.org" allows example.org and its
/// subdomains; other entries must equal the host exactly (case-insensitive).
bool host_allowed(std::string_view host_header, const std::vector<std::string>& allowed_hosts);

/// `scheme://host[:port]` from an absolute URL, lowercase; nullopt when the
/// text is not an http or https URL. "null" (an opaque origin) gives nullopt.
std::optional<std::string> origin_of(std::string_view url);

/// The admin's own origin as this request reached it: request_scheme and
/// the Host header.
std::string own_origin(const http::Request& request);

/// Checks that a write comes from a page of the admin's own origin or of one
/// of `trusted_origins`: the Origin header, or the Referer's origin when
/// Origin is absent. Returns nullopt when it passes, else a message naming
/// the header and the origin it found.
std::optional<std::string> check_request_origin(const http::Request& request,
                                                const std::vector<std::string>& trusted_origins);

/// True when the CSRF cookie and header are both present, well formed and
/// equal (compared in constant time).
bool csrf_tokens_match(std::string_view cookie_token, std::string_view header_token);

}  // namespace inmor::admin::api
