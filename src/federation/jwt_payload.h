// Reading the claims of a compact JWS without verifying it: for JWTs this
// deployment signed and stored itself, and as the first, cheap step before
// verification of anything else.
#pragma once

#include "common/clock.h"
#include "common/error.h"

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

namespace inmor::federation {

/// Maximum length of a compact JWS accepted from a client, in bytes.
inline constexpr std::size_t kMaxJwtBytes = 65536;

/// The three base64url parts of a compact JWS.
struct CompactJws {
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
};

/// Splits `jwt` into its parts; invalid_request unless it has exactly three
/// non-empty dot-separated parts of base64url characters.
Result<CompactJws> split_compact_jws(std::string_view jwt);

/// Decodes the payload of `jwt` as a JSON object (strict parsing). The
/// signature is NOT checked.
Result<boost::json::object> decode_unverified_payload(std::string_view jwt);

/// Decodes the protected header of `jwt` as a JSON object.
Result<boost::json::object> decode_unverified_header(std::string_view jwt);

/// A NumericDate claim: integer or fractional seconds (fractions dropped).
/// Nothing when absent; invalid_request naming the claim when not a number.
Result<std::optional<UnixSeconds>> numeric_date(const boost::json::object& claims,
                                                std::string_view name);

/// A string claim, or nothing when absent or not a string.
std::optional<std::string_view> string_claim(const boost::json::object& claims,
                                             std::string_view name);

}  // namespace inmor::federation
