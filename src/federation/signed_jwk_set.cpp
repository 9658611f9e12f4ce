// Verification of signed JWK Sets.
#include "federation/signed_jwk_set.h"

#include "jose/jws.h"

namespace inmor::federation {

namespace json = boost::json;

namespace {

Error invalid(std::string_view where, std::string_view problem) {
    return Error::invalid_request("signed jwks " + std::string(where) + ": " +
                                  std::string(problem));
}

}  // namespace

Result<jose::JwkSet> verify_signed_jwk_set(std::string_view jwt, const EntityId& entity_id,
                                           const jose::JwkSet& federation_keys,
                                           const Clock& clock) {
    jose::VerifyOptions options;
    options.require_exp = false;
    options.require_iat = false;
    auto verified = jose::verify_jws(jwt, federation_keys, kSignedJwkSetJwtType, clock, options);
    if (!verified) {
        return verified.error().with_context("signed jwks");
    }
    const json::object& claims = verified->payload();

    const json::value* issuer = claims.if_contains("iss");
    if (issuer == nullptr || !issuer->is_string()) {
        return invalid("iss", "missing or not a string");
    }
    if (issuer->get_string() != entity_id.str()) {
        return invalid("iss", "is \"" + std::string(issuer->get_string()) + "\", expected \"" +
                                  entity_id.str() + "\"");
    }
    // `sub` should equal `iss`, but only its presence is required.
    const json::value* subject = claims.if_contains("sub");
    if (subject == nullptr || !subject->is_string() || subject->get_string().empty()) {
        return invalid("sub", "missing or not a string");
    }

    const json::value* keys = claims.if_contains("keys");
    if (keys == nullptr || !keys->is_array()) {
        return invalid("keys", "missing or not an array");
    }
    auto key_set = jose::JwkSet::from_json(json::object{{"keys", *keys}});
    if (!key_set) {
        return key_set.error().with_context("signed jwks");
    }
    return key_set;
}

}  // namespace inmor::federation
