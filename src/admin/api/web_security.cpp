// Cookies, Host, origins and CSRF tokens of the admin API.
#include "admin/api/web_security.h"

#include "admin/secrets.h"

#include <algorithm>
#include <cctype>

namespace inmor::admin::api {
namespace {

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

// Letters, digits, '-', '.', and ':' or brackets for IPv6 literals: what a
// host name or address may hold. Anything else makes the Host header invalid.
bool valid_host_characters(std::string_view host) {
    return std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == ':' || c == '[' || c == ']';
    });
}

// A trusted origin from the configuration, normalized like origin_of.
std::string normalize_origin(std::string_view configured) {
    std::string origin = lowercase(trim(configured));
    while (!origin.empty() && origin.back() == '/') origin.pop_back();
    return origin;
}

}  // namespace

std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name) {
    while (!cookie_header.empty()) {
        const auto separator = cookie_header.find(';');
        const std::string_view part = trim(cookie_header.substr(0, separator));
        cookie_header = separator == std::string_view::npos
                            ? std::string_view{}
                            : cookie_header.substr(separator + 1);

        const auto equals = part.find('=');
        if (equals == std::string_view::npos) continue;
        if (trim(part.substr(0, equals)) != name) continue;
        std::string_view value = trim(part.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        return std::string(value);
    }
    return std::nullopt;
}

std::string set_cookie_value(std::string_view name, std::string_view value,
                             const CookieAttributes& attributes) {
    std::string header(name);
    header += '=';
    header += value;
    header += "; Path=/; Max-Age=" + std::to_string(attributes.max_age_seconds);
    if (attributes.http_only) header += "; HttpOnly";
    if (attributes.secure) header += "; Secure";
    header += "; SameSite=Lax";
    return header;
}

bool is_write_method(std::string_view method) {
    return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string request_scheme(const http::Request& request) {
    if (request.tls) return "https";
    if (request.from_trusted_proxy &&
        lowercase(trim(request.header("X-Forwarded-Proto"))) == "https") {
        return "https";
    }
    return "http";
}

std::optional<std::string> host_of(std::string_view host_header) {
    const std::string host = lowercase(trim(host_header));
    if (host.empty() || !valid_host_characters(host)) return std::nullopt;

    if (host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string::npos) return std::nullopt;
        const std::string rest = host.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || rest.size() == 1)) return std::nullopt;
        return host.substr(0, close + 1);
    }
    const auto colon = host.find(':');
    if (colon == std::string::npos) return host;
    const std::string port = host.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), ::isdigit)) return std::nullopt;
    return host.substr(0, colon);
}

bool host_allowed(std::string_view host_header, const std::vector<std::string>& allowed_hosts) {
    const std::optional<std::string> host = host_of(host_header);
    if (!host) return false;
    for (const std::string& entry : allowed_hosts) {
        const std::string allowed = lowercase(trim(entry));
        if (allowed == "*" || allowed == *host) return true;
        // ".example.org" covers the domain itself and every subdomain.
        if (allowed.size() > 1 && allowed.front() == '.' &&
            (*host == allowed.substr(1) || host->ends_with(allowed))) {
            return true;
        }
    }
    return false;
}

std::optional<std::string> origin_of(std::string_view url) {
    const std::string text = lowercase(trim(url));
    std::size_t authority_start = 0;
    if (text.starts_with("https://")) {
        authority_start = 8;
    } else if (text.starts_with("http://")) {
        authority_start = 7;
    } else {
        return std::nullopt;
    }
    const auto authority_end = text.find_first_of("/?#", authority_start);
    const std::string authority = text.substr(authority_start, authority_end - authority_start);
    // userinfo in an origin is not allowed; a URL carrying it is not trusted.
    if (authority.empty() || authority.find('@') != std::string::npos ||
        !host_of(authority)) {
        return std::nullopt;
    }
    return text.substr(0, authority_start) + authority;
}

std::string own_origin(const http::Request& request) {
    return request_scheme(request) + "://" + lowercase(trim(request.header("Host")));
}

std::optional<std::string> check_request_origin(const http::Request& request,
                                                const std::vector<std::string>& trusted_origins) {
    std::string_view header_name = "Origin";
    std::string_view presented = trim(request.header("Origin"));
    if (presented.empty()) {
        header_name = "Referer";
        presented = trim(request.header("Referer"));
    }
    if (presented.empty()) {
        return "Origin header missing: a write with a session must come from the admin's "
               "own pages";
    }

    const std::optional<std::string> origin = origin_of(presented);
    if (!origin) return std::string(header_name) + " header is not an http(s) origin";
    if (*origin == own_origin(request)) return std::nullopt;
    for (const std::string& trusted : trusted_origins) {
        if (normalize_origin(trusted) == *origin) return std::nullopt;
    }
    return std::string(header_name) + " " + *origin +
           " is not this admin's origin nor in admin.csrf_trusted_origins";
}

bool csrf_tokens_match(std::string_view cookie_token, std::string_view header_token) {
    if (cookie_token.empty() || header_token.empty()) return false;
    return constant_time_equals(cookie_token, header_token);
}

}  // namespace inmor::admin::api
