// Compact JWS signing, decoding and verification (RFC 7515, RFC 7519 for the
// time claims, OpenID Federation for the payload `crit` claim).
#include "jose/jws.h"

#include "common/base64url.h"
#include "common/json.h"
#include "jose/signature.h"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <set>

namespace inmor::jose {

namespace json = boost::json;

namespace {

// Header parameters registered by RFC 7515 section 4.1; `crit` may not list them.
constexpr std::array<std::string_view, 11> kRegisteredHeaderParameters{
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"};

// Claims defined by RFC 7519 and OpenID Federation 1.0. A payload `crit` may
// only list extension claims, so these names are rejected in it.
constexpr std::array<std::string_view, 26> kStandardClaims{
    "iss",          "sub",
    "aud",          "exp",
    "nbf",          "iat",
    "jti",          "jwks",
    "authority_hints", "metadata",
    "metadata_policy", "constraints",
    "crit",         "metadata_policy_crit",
    "trust_marks",  "trust_mark_issuers",
    "trust_mark_owners", "source_endpoint",
    "trust_anchor", "trust_chain",
    "trust_mark_type", "trust_mark",
    "logo_uri",     "ref",
    "delegation",   "keys"};

Error invalid(std::string message) {
    return Error::invalid_request(std::move(message));
}

std::string string_member(const json::object& object, std::string_view name) {
    const json::value* value = object.if_contains(name);
    if (value == nullptr || !value->is_string()) {
        return {};
    }
    return std::string(value->get_string());
}

template <std::size_t N>
bool contains_name(const std::array<std::string_view, N>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

Result<std::string> decode_part(std::string_view encoded, std::string_view what) {
    auto decoded = base64url_decode(encoded);
    if (!decoded) {
        return invalid(std::string(what) + ": invalid base64url: " + decoded.error().message());
    }
    return decoded;
}

Result<JwsAlgorithm> read_algorithm(const json::object& header, const VerifyOptions& options) {
    const json::value* value = header.if_contains("alg");
    if (value == nullptr) {
        return invalid("jws header alg: missing");
    }
    if (!value->is_string()) {
        return invalid("jws header alg: must be a string");
    }

    const std::string name(value->get_string());
    const auto algorithm = parse_algorithm(name);
    if (!algorithm) {
        return invalid("jws header alg: \"" + name + "\" is not accepted");
    }
    const auto& allowed = options.allowed_algorithms;
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), *algorithm) == allowed.end()) {
        return invalid("jws header alg: \"" + name + "\" is not allowed here");
    }
    return *algorithm;
}

Result<const Jwk*> find_key(const json::object& header, const JwkSet& keys) {
    const json::value* value = header.if_contains("kid");
    if (value == nullptr) {
        return invalid("jws header kid: missing");
    }
    if (!value->is_string() || value->get_string().empty()) {
        return invalid("jws header kid: must be a non-empty string");
    }

    const std::string kid(value->get_string());
    const Jwk* key = keys.find(kid);
    if (key == nullptr) {
        return invalid("jws header kid: no key with kid \"" + kid + "\"");
    }
    return key;
}

// RFC 7515 section 4.1.11.
Result<void> check_header_crit(const json::object& header, const VerifyOptions& options) {
    const json::value* crit = header.if_contains("crit");
    if (crit == nullptr) {
        return {};
    }
    if (!crit->is_array() || crit->get_array().empty()) {
        return invalid("jws header crit: must be a non-empty array");
    }

    std::set<std::string, std::less<>> listed;
    for (const json::value& entry : crit->get_array()) {
        if (!entry.is_string()) {
            return invalid("jws header crit: entries must be strings");
        }
        const std::string name(entry.get_string());
        if (!listed.insert(name).second) {
            return invalid("jws header crit: lists \"" + name + "\" twice");
        }
        if (contains_name(kRegisteredHeaderParameters, name)) {
            return invalid("jws header crit: lists registered parameter \"" + name + "\"");
        }
        if (!header.contains(name)) {
            return invalid("jws header crit: lists \"" + name + "\", which is not in the header");
        }
        if (!options.understood_header_parameters.contains(name)) {
            return invalid("jws header crit: parameter \"" + name + "\" is not understood");
        }
    }
    return {};
}

// The OpenID Federation `crit` claim: extension claims the reader must understand.
Result<void> check_payload_crit(const json::object& payload, const VerifyOptions& options) {
    const json::value* crit = payload.if_contains("crit");
    if (crit == nullptr) {
        return {};
    }
    if (!crit->is_array() || crit->get_array().empty()) {
        return invalid("jws claim crit: must be a non-empty array");
    }

    std::set<std::string, std::less<>> listed;
    for (const json::value& entry : crit->get_array()) {
        if (!entry.is_string()) {
            return invalid("jws claim crit: entries must be strings");
        }
        const std::string name(entry.get_string());
        if (!listed.insert(name).second) {
            return invalid("jws claim crit: lists \"" + name + "\" twice");
        }
        if (contains_name(kStandardClaims, name)) {
            return invalid("jws claim crit: lists standard claim \"" + name + "\"");
        }
        if (!payload.contains(name)) {
            return invalid("jws claim crit: lists \"" + name + "\", which is not in the payload");
        }
        if (!options.understood_claims.contains(name)) {
            return invalid("jws claim crit: claim \"" + name + "\" is not understood");
        }
    }
    return {};
}

// A NumericDate (RFC 7519 section 2): seconds since the epoch, possibly
// fractional. Absent gives NaN.
Result<double> read_numeric_date(const json::object& payload, std::string_view name,
                                 bool required) {
    const json::value* value = payload.if_contains(name);
    if (value == nullptr) {
        if (required) {
            return invalid("jws claim " + std::string(name) + ": missing");
        }
        return std::nan("");
    }
    if (!value->is_number()) {
        return invalid("jws claim " + std::string(name) + ": must be a number (NumericDate)");
    }
    return value->to_number<double>();
}

Result<void> check_times(const json::object& payload, const Clock& clock,
                         const VerifyOptions& options) {
    auto expires = read_numeric_date(payload, "exp", options.require_exp);
    if (!expires) {
        return expires.error();
    }
    auto not_before = read_numeric_date(payload, "nbf", false);
    if (!not_before) {
        return not_before.error();
    }
    auto issued = read_numeric_date(payload, "iat", options.require_iat);
    if (!issued) {
        return issued.error();
    }

    // Comparisons with NaN are false, so absent claims pass.
    const auto now = static_cast<double>(clock.now());
    const auto skew = static_cast<double>(kClockSkewSeconds);
    if (now >= *expires + skew) {
        return invalid("jws claim exp: token expired");
    }
    if (now + skew < *not_before) {
        return invalid("jws claim nbf: token not valid yet");
    }
    if (now + skew < *issued) {
        return invalid("jws claim iat: issued in the future");
    }
    return {};
}

// RFC 7797: with "b64": false the payload is signed unencoded. We never
// process that form, so the member may only be absent or true; its listing in
// `crit` is refused earlier as not understood.
Result<void> check_b64(const json::object& header) {
    const json::value* b64 = header.if_contains("b64");
    if (b64 != nullptr && !(b64->is_bool() && b64->get_bool())) {
        return invalid("jws header b64: unencoded payloads (RFC 7797) are not supported");
    }
    return {};
}

bool equal_ignoring_case(std::string_view left, std::string_view right) {
    return std::equal(left.begin(), left.end(), right.begin(), right.end(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                  std::tolower(static_cast<unsigned char>(b)); });
}

// RFC 7515 section 4.1.9: `typ` is a media type, so case does not matter and
// "application/" may be left out ("entity-statement+jwt" is
// "application/entity-statement+jwt").
bool typ_matches(std::string_view typ, std::string_view expected_typ) {
    constexpr std::string_view kApplication = "application/";
    if (typ.size() > kApplication.size() &&
        equal_ignoring_case(typ.substr(0, kApplication.size()), kApplication)) {
        typ.remove_prefix(kApplication.size());
    }
    return typ.find('/') == std::string_view::npos && equal_ignoring_case(typ, expected_typ);
}

Result<void> check_typ(const json::object& header, std::string_view expected_typ) {
    const json::value* typ = header.if_contains("typ");
    if (typ == nullptr) {
        return invalid("jws header typ: missing, expected \"" + std::string(expected_typ) + "\"");
    }
    if (!typ->is_string() || !typ_matches(typ->get_string(), expected_typ)) {
        return invalid("jws header typ: expected \"" + std::string(expected_typ) + "\", got " +
                       to_json(*typ));
    }
    return {};
}

}  // namespace

// Builds the decoded and verified types, which have no public constructors.
struct JwsVerifier {
    static Result<UnverifiedJws> decode(std::string_view token) {
        if (token.size() > kMaxJwsBytes) {
            return invalid("jws: token is " + std::to_string(token.size()) +
                           " bytes, the maximum is " + std::to_string(kMaxJwsBytes));
        }
        const std::size_t first_dot = token.find('.');
        const std::size_t second_dot =
            first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
        if (second_dot == std::string_view::npos) {
            return invalid("jws: compact serialization must have three parts");
        }
        if (token.find('.', second_dot + 1) != std::string_view::npos) {
            return invalid("jws: data after the signature part");
        }

        UnverifiedJws decoded;
        auto header = decode_part(token.substr(0, first_dot), "jws header");
        if (!header) {
            return header.error();
        }
        auto header_object = parse_json_object(*header, "JWS header");
        if (!header_object) {
            return header_object.error();
        }
        decoded.header_ = std::move(*header_object);

        auto payload = decode_part(token.substr(first_dot + 1, second_dot - first_dot - 1),
                                   "jws payload");
        if (!payload) {
            return payload.error();
        }
        auto payload_object = parse_json_object(*payload, "JWS payload");
        if (!payload_object) {
            return payload_object.error();
        }
        decoded.payload_ = std::move(*payload_object);

        auto signature = decode_part(token.substr(second_dot + 1), "jws signature");
        if (!signature) {
            return signature.error();
        }
        if (signature->empty()) {
            return invalid("jws signature: missing");
        }
        decoded.signature_ = std::move(*signature);
        decoded.signing_input_ = std::string(token.substr(0, second_dot));
        return decoded;
    }

    static Result<VerifiedJws> verify(UnverifiedJws decoded, const JwkSet& keys,
                                      std::string_view expected_typ, const Clock& clock,
                                      const VerifyOptions& options) {
        const json::object& header = decoded.header_;
        auto algorithm = read_algorithm(header, options);
        if (!algorithm) {
            return algorithm.error();
        }
        auto key = find_key(header, keys);
        if (!key) {
            return key.error();
        }

        // A fully-specified EdDSA name ("Ed25519", "Ed448") must match the curve.
        const std::string alg = decoded.alg();
        const Jwk& jwk = **key;
        if (!jwk.fits(*algorithm) ||
            (*algorithm == JwsAlgorithm::kEdDsa && alg != "EdDSA" && alg != curve_name(jwk.curve()))) {
            return invalid("jws header alg: \"" + alg + "\" does not fit key \"" + jwk.kid() + "\"");
        }
        auto signature_checked =
            verify_signature(jwk, *algorithm, decoded.signing_input_, decoded.signature_);
        if (!signature_checked) {
            return signature_checked.error();
        }

        auto checked = check_typ(header, expected_typ);
        if (checked) {
            checked = check_header_crit(header, options);
        }
        if (checked) {
            checked = check_b64(header);
        }
        if (checked) {
            checked = check_payload_crit(decoded.payload_, options);
        }
        if (checked) {
            checked = check_times(decoded.payload_, clock, options);
        }
        if (!checked) {
            return checked.error();
        }

        VerifiedJws verified;
        verified.header_ = std::move(decoded.header_);
        verified.payload_ = std::move(decoded.payload_);
        verified.kid_ = jwk.kid();
        verified.algorithm_ = *algorithm;
        return verified;
    }
};

std::string UnverifiedJws::kid() const {
    return string_member(header_, "kid");
}

std::string UnverifiedJws::alg() const {
    return string_member(header_, "alg");
}

std::string UnverifiedJws::issuer() const {
    return string_member(payload_, "iss");
}

Result<UnverifiedJws> decode_unverified(std::string_view token) {
    return JwsVerifier::decode(token);
}

Result<VerifiedJws> verify_jws(std::string_view token, const JwkSet& keys,
                               std::string_view expected_typ, const Clock& clock,
                               const VerifyOptions& options) {
    auto decoded = JwsVerifier::decode(token);
    if (!decoded) {
        return decoded.error();
    }
    return JwsVerifier::verify(std::move(*decoded), keys, expected_typ, clock, options);
}

Result<VerifiedJws> verify_decoded_jws(UnverifiedJws decoded, const JwkSet& keys,
                                       std::string_view expected_typ, const Clock& clock,
                                       const VerifyOptions& options) {
    return JwsVerifier::verify(std::move(decoded), keys, expected_typ, clock, options);
}

namespace {

// The protected header sign_jws() writes, serialized and base64url-encoded.
Result<std::string> encode_header(const Jwk& key, JwsAlgorithm algorithm,
                                  const json::object& header_extras) {
    if (header_extras.contains("alg") || header_extras.contains("kid")) {
        return invalid("jws header: alg and kid come from the signing key, not the extras");
    }
    json::object header;
    header["alg"] = algorithm_name(algorithm);
    header["kid"] = key.kid().empty() ? key.thumbprint() : key.kid();
    for (const auto& member : header_extras) {
        header.emplace(member.key(), member.value());
    }
    return base64url_encode(to_json(header));
}

Result<std::string> sign_with_header(const Jwk& key, JwsAlgorithm algorithm,
                                     std::string_view encoded_header,
                                     const json::object& payload) {
    // serialize(object) directly: to_json() takes a value, and turning the
    // object into one would copy every member first.
    const std::string encoded_payload = base64url_encode(json::serialize(payload));
    // Room for the signature too (RSA-4096's 512 bytes encode to 683), so the
    // token is built in one allocation.
    constexpr std::size_t kEncodedSignatureRoom = 700;
    std::string token;
    token.reserve(encoded_header.size() + encoded_payload.size() + 2 + kEncodedSignatureRoom);
    token.append(encoded_header).append(1, '.').append(encoded_payload);
    auto signature = sign_signature(key, algorithm, token);
    if (!signature) {
        return signature.error();
    }
    token += '.';
    token += base64url_encode(*signature);
    return token;
}

}  // namespace

Result<JwsSigner> JwsSigner::create(Jwk key, const json::object& header_extras) {
    const JwsAlgorithm algorithm = key.signing_algorithm();
    auto encoded_header = encode_header(key, algorithm, header_extras);
    if (!encoded_header) {
        return encoded_header.error();
    }
    return JwsSigner(std::move(key), algorithm, std::move(*encoded_header));
}

Result<std::string> JwsSigner::sign(const json::object& payload) const {
    return sign_with_header(key_, algorithm_, encoded_header_, payload);
}

Result<std::string> sign_jws(const Jwk& key, const json::object& payload,
                             const json::object& header_extras) {
    const JwsAlgorithm algorithm = key.signing_algorithm();
    auto encoded_header = encode_header(key, algorithm, header_extras);
    if (!encoded_header) {
        return encoded_header.error();
    }
    return sign_with_header(key, algorithm, *encoded_header, payload);
}

}  // namespace inmor::jose
