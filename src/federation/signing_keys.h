// The anchor's own keys as configured: the private signing key and the
// public keys it publishes, read from private.json and publickeys/.
#pragma once

#include "common/config.h"
#include "common/error.h"
#include "jose/jwk.h"

#include <string>
#include <vector>

namespace inmor::federation {

struct SigningKeys {
    jose::Jwk private_key;
    /// publickeys/*.json plus the public half of the private key.
    jose::JwkSet verification_keys;
    /// Number of files in publickeys/ (shown on / and /status).
    std::size_t public_key_files = 0;
    /// Problems worth a warning (private.json readable by group or others).
    std::vector<std::string> warnings;
};

/// Loads `private_key` and every `public_keys_dir/*.json`. Errors name the
/// file: a missing or unreadable private.json, a public key directory that
/// cannot be read, a file that is not a JWK of the expected kind.
Result<SigningKeys> load_signing_keys(const Config& config);

}  // namespace inmor::federation
