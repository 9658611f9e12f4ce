// Strict JSON parsing for everything that arrives from outside: duplicate
// member names and excessive nesting are errors, not silently resolved.
#pragma once

#include "common/error.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string_view>

namespace inmor {

/// Nesting deeper than this is rejected; federation documents stay far below it.
inline constexpr std::size_t kMaxJsonDepth = 64;

/// Parses one JSON text. Rejects syntax errors, invalid UTF-8, a duplicate
/// member name in any object and nesting beyond kMaxJsonDepth. `what` names
/// the document in the error message ("JWS header", "metadata_policy").
Result<boost::json::value> parse_json(std::string_view text, std::string_view what = "JSON");

/// As parse_json, and the top level must be an object.
Result<boost::json::object> parse_json_object(std::string_view text,
                                              std::string_view what = "JSON");

/// Serializes a value compactly, members in insertion order.
std::string to_json(const boost::json::value& value);

}  // namespace inmor
