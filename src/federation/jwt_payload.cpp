// Unverified decoding of compact JWS parts.
#include "federation/jwt_payload.h"

#include "common/base64url.h"
#include "common/json.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace inmor::federation {
namespace {

constexpr std::array<bool, 256> make_base64url_table() {
    std::array<bool, 256> table{};
    for (const char c : std::string_view(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")) {
        table[static_cast<unsigned char>(c)] = true;
    }
    return table;
}

// One look-up per character: every trust mark posted is checked this way.
constexpr auto kBase64urlCharacters = make_base64url_table();

bool is_base64url_text(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return kBase64urlCharacters[static_cast<unsigned char>(c)];
    });
}

Result<boost::json::object> decode_part(std::string_view part, std::string_view what) {
    auto bytes = base64url_decode(part);
    if (!bytes) {
        return Error::invalid_request(std::string(what) + " is not valid base64url");
    }
    return parse_json_object(*bytes, what);
}

}  // namespace

Result<CompactJws> split_compact_jws(std::string_view jwt) {
    if (jwt.size() > kMaxJwtBytes) {
        return Error::invalid_request("JWT longer than 65536 bytes");
    }
    const std::size_t first = jwt.find('.');
    const std::size_t second =
        first == std::string_view::npos ? first : jwt.find('.', first + 1);
    if (second == std::string_view::npos || jwt.find('.', second + 1) != std::string_view::npos) {
        return Error::invalid_request("not a compact JWS (expected three dot-separated parts)");
    }

    CompactJws parts{jwt.substr(0, first), jwt.substr(first + 1, second - first - 1),
                     jwt.substr(second + 1)};
    if (parts.header.empty() || parts.payload.empty() || parts.signature.empty()) {
        return Error::invalid_request("not a compact JWS (an empty part)");
    }
    if (!is_base64url_text(parts.header) || !is_base64url_text(parts.payload) ||
        !is_base64url_text(parts.signature)) {
        return Error::invalid_request("not a compact JWS (characters outside base64url)");
    }
    return parts;
}

Result<boost::json::object> decode_unverified_payload(std::string_view jwt) {
    auto parts = split_compact_jws(jwt);
    if (!parts) return parts.error();
    return decode_part(parts->payload, "JWT payload");
}

Result<boost::json::object> decode_unverified_header(std::string_view jwt) {
    auto parts = split_compact_jws(jwt);
    if (!parts) return parts.error();
    return decode_part(parts->header, "JWS header");
}

Result<std::optional<UnixSeconds>> numeric_date(const boost::json::object& claims,
                                                std::string_view name) {
    const auto* value = claims.if_contains(name);
    if (!value) return std::optional<UnixSeconds>();
    if (value->is_int64()) return std::optional<UnixSeconds>(value->as_int64());
    if (value->is_uint64() &&
        value->as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<UnixSeconds>::max())) {
        return std::optional<UnixSeconds>(static_cast<UnixSeconds>(value->as_uint64()));
    }
    if (value->is_double()) {
        const double seconds = value->as_double();
        // Far beyond any real date, but inside the range a cast can represent.
        if (std::isfinite(seconds) && std::fabs(seconds) < 1e17) {
            return std::optional<UnixSeconds>(static_cast<UnixSeconds>(std::floor(seconds)));
        }
    }
    return Error::invalid_request(std::string(name) + ": must be a NumericDate");
}

std::optional<std::string_view> string_claim(const boost::json::object& claims,
                                             std::string_view name) {
    const auto* value = claims.if_contains(name);
    if (!value || !value->is_string()) return std::nullopt;
    return std::string_view(value->as_string());
}

}  // namespace inmor::federation
