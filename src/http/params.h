// Form and query parameters (application/x-www-form-urlencoded), with the
// checks every parameter that may reach a store key gets.
#pragma once

#include "common/error.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace inmor::http {

/// Maximum length of a parameter value, in bytes after decoding.
inline constexpr std::size_t kMaxParamBytes = 2048;

class Params {
public:
    /// Decodes `a=1&b=2`: '+' is a space, %XX a byte. A '%' not followed by
    /// two hex digits is kept as it is, so a raw, unencoded URL survives.
    static Params parse(std::string_view text);

    /// The first value of `name`; errors when missing or invalid (see check).
    Result<std::string> required(std::string_view name,
                                 std::size_t max_bytes = kMaxParamBytes) const;

    /// The first value of `name`, or nothing when absent; present values are
    /// checked as for `required`.
    Result<std::optional<std::string>> optional(std::string_view name,
                                                std::size_t max_bytes = kMaxParamBytes) const;

    /// Every value of a repeatable parameter, each checked.
    Result<std::vector<std::string>> all(std::string_view name) const;

    /// "true" or "false"; anything else is invalid_request naming `name`.
    Result<std::optional<bool>> boolean(std::string_view name) const;

    bool contains(std::string_view name) const;

    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

    /// Rejects an empty value, one longer than `max_bytes` and one with a
    /// control character, with a message naming the parameter.
    static Result<void> check(std::string_view name, std::string_view value,
                              std::size_t max_bytes = kMaxParamBytes);

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

/// Percent-decodes one component ('+' as space).
std::string decode_form_component(std::string_view text);

/// True when a Content-Type header names `expected` (parameters such as
/// charset ignored, case-insensitive).
bool content_type_is(std::string_view header, std::string_view expected);

}  // namespace inmor::http
