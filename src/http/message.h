// Request and Response: what handlers see of HTTP, independent of Beast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace inmor::http {

/// A parsed request, as the router and handlers see it.
struct Request {
    std::string method;        // "GET", "POST", "HEAD", ...
    std::string path;          // target before '?', not decoded
    std::string query;         // target after '?', not decoded
    std::string content_type;  // Content-Type header, as sent
    std::string body;
    std::string client_address;  // peer, or X-Forwarded-For from a trusted proxy
    bool no_cache = false;       // client sent Cache-Control: no-cache
    std::uint64_t connection_id = 0;
    std::uint64_t request_id = 0;
    /// Every header as sent, names as spelled by the client. Filled only when
    /// the listener keeps headers (ServerOptions::keep_headers).
    std::vector<std::pair<std::string, std::string>> headers;
    /// The request arrived over TLS on this connection.
    bool tls = false;
    /// The TCP peer is a trusted proxy, so its X-Forwarded-* headers may be believed.
    bool from_trusted_proxy = false;

    /// Returns the value of the first header called `name` (compared
    /// case-insensitively), or an empty view when the header is absent or
    /// headers were not kept.
    std::string_view header(std::string_view name) const {
        for (const auto& [field, value] : headers) {
            if (equals_ignoring_case(field, name)) return value;
        }
        return {};
    }

    /// True when some header is called `name`, even with an empty value.
    bool has_header(std::string_view name) const {
        for (const auto& entry : headers) {
            if (equals_ignoring_case(entry.first, name)) return true;
        }
        return false;
    }

    /// ASCII case-insensitive comparison, as HTTP field names are compared.
    static bool equals_ignoring_case(std::string_view left, std::string_view right) {
        if (left.size() != right.size()) return false;
        for (std::size_t i = 0; i < left.size(); ++i) {
            auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
            if (lower(left[i]) != lower(right[i])) return false;
        }
        return true;
    }
};

/// A response to send; the server adds Content-Length, Date and Server.
struct Response {
    unsigned status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    void add_header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
    }
};

/// Content types of the federation protocol and of everything else served.
namespace content_type {
inline constexpr std::string_view kEntityStatement = "application/entity-statement+jwt";
inline constexpr std::string_view kResolveResponse = "application/resolve-response+jwt";
inline constexpr std::string_view kTrustMark = "application/trust-mark+jwt";
inline constexpr std::string_view kTrustMarkStatus =
    "application/trust-mark-status-response+jwt";
inline constexpr std::string_view kJwkSet = "application/jwk-set+jwt";
inline constexpr std::string_view kJson = "application/json";
inline constexpr std::string_view kHtml = "text/html; charset=utf-8";
inline constexpr std::string_view kPrometheus = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kForm = "application/x-www-form-urlencoded";
}  // namespace content_type

}  // namespace inmor::http
