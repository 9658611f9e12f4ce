// Strict base64url (RFC 4648 section 5) without padding, as JOSE requires.
#pragma once

#include "common/error.h"

#include <string>
#include <string_view>

namespace inmor {

/// Encodes bytes as base64url with no padding.
std::string base64url_encode(std::string_view bytes);

/// Decodes unpadded base64url. Rejects padding, characters outside the
/// base64url alphabet, a length of 1 modulo 4, and non-zero trailing bits,
/// so every byte string has exactly one accepted encoding.
Result<std::string> base64url_decode(std::string_view text);

}  // namespace inmor
