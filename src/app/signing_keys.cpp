// Reading key files and the JOSE work of /trust_mark_status.
#include "app/signing_keys.h"

#include "federation/jwt_payload.h"
#include "jose/jws.h"

namespace inmor::app {

namespace {

jose::JwsSigner make_status_signer(const jose::Jwk& key) {
    // Fails only for extras that set alg or kid, which these do not.
    return jose::JwsSigner::create(key, {{"typ", "trust-mark-status-response+jwt"}}).value();
}

}  // namespace

JoseTrustMarkSigner::JoseTrustMarkSigner(SigningKeys keys, const Clock& clock)
    : keys_(std::move(keys)), clock_(clock), status_signer_(make_status_signer(keys_.private_key)) {}

Result<boost::json::object> JoseTrustMarkSigner::verify_trust_mark(std::string_view jwt) const {
    // Decoded once, so exp comes from the same decoding that is verified.
    auto decoded = jose::decode_unverified(jwt);
    if (!decoded) return decoded.error();

    // An expired mark still has a status ("expired"), so its signature is
    // checked as of a moment before its expiry; the caller compares exp with now.
    UnixSeconds when = clock_.now();
    if (auto exp = federation::numeric_date(decoded->payload(), "exp");
        exp && *exp && **exp <= when) {
        when = **exp - 1;
    }
    const FixedClock verification_clock(when);

    jose::VerifyOptions options;
    options.require_exp = false;
    auto verified = jose::verify_decoded_jws(std::move(*decoded), keys_.verification_keys,
                                             "trust-mark+jwt", verification_clock, options);
    if (!verified) return verified.error();
    return verified->take_payload();
}

Result<std::string> JoseTrustMarkSigner::sign_status_response(
    const boost::json::object& claims) const {
    return status_signer_.sign(claims);
}

}  // namespace inmor::app
