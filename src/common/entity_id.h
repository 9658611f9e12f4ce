// EntityId: a validated Entity Identifier (an https URL with a host, no query
// or fragment), never a bare string.
#pragma once

#include "common/error.h"

#include <string>
#include <string_view>

namespace inmor {

/// Longest Entity Identifier accepted from outside, in bytes.
inline constexpr std::size_t kMaxEntityIdBytes = 2048;

class EntityId {
public:
    /// Validates `text` as an Entity Identifier: scheme https (or http when
    /// `allow_http`, the development switch), a host, no user info, query or
    /// fragment, at most kMaxEntityIdBytes, no control characters. The
    /// identifier keeps its exact spelling, since comparison is by code point.
    static Result<EntityId> parse(std::string_view text, bool allow_http = false);

    const std::string& str() const { return value_; }

    /// The URL of this entity's configuration: any trailing "/" removed, then
    /// "/.well-known/openid-federation" appended after the path.
    std::string configuration_url() const;

    friend bool operator==(const EntityId&, const EntityId&) = default;
    friend auto operator<=>(const EntityId&, const EntityId&) = default;

private:
    explicit EntityId(std::string value) : value_(std::move(value)) {}
    std::string value_;
};

/// True when `text` is empty, longer than kMaxEntityIdBytes or contains a
/// control character; such input must never become part of a store key.
bool is_unsafe_key_part(std::string_view text);

}  // namespace inmor
