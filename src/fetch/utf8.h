// UTF-8 validation for response bodies that must be text.
#pragma once

#include <string_view>

namespace inmor::fetch {

/// True when `text` is well-formed UTF-8 (RFC 3629): no overlong forms, no
/// surrogates, nothing above U+10FFFF, no truncated sequence.
bool is_valid_utf8(std::string_view text);

}  // namespace inmor::fetch
