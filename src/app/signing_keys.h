// The anchor's keys as the federation server uses them: the private key
// signs trust mark status responses, the public keys verify marks.
#pragma once

#include "common/config.h"
#include "common/error.h"
#include "endpoints/endpoints.h"
#include "federation/signing_keys.h"
#include "jose/jwk.h"
#include "jose/jws.h"

#include <string>
#include <vector>

namespace inmor::app {

using federation::load_signing_keys;
using federation::SigningKeys;

/// TrustMarkSigner over SigningKeys with the JOSE layer.
class JoseTrustMarkSigner final : public endpoints::TrustMarkSigner {
public:
    /// Encodes the status response header once, for every response signed later.
    explicit JoseTrustMarkSigner(SigningKeys keys, const Clock& clock);

    Result<boost::json::object> verify_trust_mark(std::string_view jwt) const override;
    Result<std::string> sign_status_response(const boost::json::object& claims) const override;

private:
    SigningKeys keys_;
    const Clock& clock_;
    jose::JwsSigner status_signer_;
};

}  // namespace inmor::app
