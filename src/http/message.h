// Request and Response: what handlers see of HTTP, independent of Beast.
#pragma once

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
