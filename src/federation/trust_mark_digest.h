// The digest that identifies an issued trust mark in `inmor:tm:alltime`.
#pragma once

#include <string>
#include <string_view>

namespace inmor::federation {

/// Lowercase hex SHA-256 of the exact JWT text.
std::string trust_mark_digest(std::string_view jwt);

}  // namespace inmor::federation
