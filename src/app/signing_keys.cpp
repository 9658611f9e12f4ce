// Reading key files and the JOSE work of /trust_mark_status.
#include "app/signing_keys.h"

#include "federation/jwt_payload.h"
#include "jose/jws.h"

namespace inmor::app {

Result<boost::json::object> JoseTrustMarkSigner::verify_trust_mark(std::string_view jwt) const {
    // An expired mark still has a status ("expired"), so its signature is
    // checked as of a moment before its expiry; the caller compares exp with now.
    UnixSeconds when = clock_.now();
    if (auto claims = federation::decode_unverified_payload(jwt)) {
        if (auto exp = federation::numeric_date(*claims, "exp"); exp && *exp && **exp <= when) {
            when = **exp - 1;
        }
    }
    const FixedClock verification_clock(when);

    jose::VerifyOptions options;
    options.require_exp = false;
    auto verified = jose::verify_jws(jwt, keys_.verification_keys, "trust-mark+jwt",
                                     verification_clock, options);
    if (!verified) return verified.error();
    return verified->payload();
}

Result<std::string> JoseTrustMarkSigner::sign_status_response(
    const boost::json::object& claims) const {
    return jose::sign_jws(keys_.private_key, claims,
                          {{"typ", "trust-mark-status-response+jwt"}});
}

}  // namespace inmor::app
