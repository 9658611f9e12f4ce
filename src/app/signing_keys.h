// The anchor's keys as the federation server uses them: the private key
// signs trust mark status responses, the public keys verify marks.
#pragma once

#include "common/config.h"
#include "common/error.h"
#include "endpoints/endpoints.h"
#include "jose/jwk.h"

#include <string>
#include <vector>

namespace inmor::app {

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

/// TrustMarkSigner over SigningKeys with the JOSE layer.
class JoseTrustMarkSigner final : public endpoints::TrustMarkSigner {
public:
    explicit JoseTrustMarkSigner(SigningKeys keys, const Clock& clock)
        : keys_(std::move(keys)), clock_(clock) {}

    Result<boost::json::object> verify_trust_mark(std::string_view jwt) const override;
    Result<std::string> sign_status_response(const boost::json::object& claims) const override;

private:
    SigningKeys keys_;
    const Clock& clock_;
};

}  // namespace inmor::app
