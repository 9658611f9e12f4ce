// Compact JWS (RFC 7515) for signed JWTs: signing, decoding without trust, and
// the single verification function every signed document goes through.
#pragma once

#include "common/clock.h"
#include "common/error.h"
#include "jose/algorithm.h"
#include "jose/jwk.h"

#include <boost/json/object.hpp>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace inmor::jose {

struct JwsVerifier;

/// The largest compact JWS accepted, checked before any decoding. One MiB
/// leaves room for entity statements with large metadata and trust chains
/// while bounding the work an attacker can cause.
inline constexpr std::size_t kMaxJwsBytes = 1024 * 1024;

/// How far `exp`, `nbf` and `iat` may be off from our clock, in seconds, to
/// absorb clock drift between federation entities.
inline constexpr UnixSeconds kClockSkewSeconds = 60;

/// A compact JWS split and decoded, with nothing checked beyond its form.
/// Use it only to pick keys (`kid`, `iss`); trust nothing in it.
class UnverifiedJws {
public:
    const boost::json::object& header() const { return header_; }
    const boost::json::object& payload() const { return payload_; }
    /// The `kid` header, empty when absent or not a string.
    std::string kid() const;
    /// The `alg` header, empty when absent or not a string.
    std::string alg() const;
    /// The `iss` claim, empty when absent or not a string.
    std::string issuer() const;

private:
    friend struct JwsVerifier;

    boost::json::object header_;
    boost::json::object payload_;
    std::string signing_input_;
    std::string signature_;
};

/// A JWS whose signature, header and time claims passed verify_jws(). Only
/// verify_jws() constructs one.
class VerifiedJws {
public:
    const boost::json::object& header() const { return header_; }
    const boost::json::object& payload() const { return payload_; }
    const std::string& kid() const { return kid_; }
    JwsAlgorithm algorithm() const { return algorithm_; }

    /// Moves the payload out, for a caller that keeps only the claims.
    boost::json::object take_payload() { return std::move(payload_); }

private:
    friend struct JwsVerifier;
    VerifiedJws() = default;

    boost::json::object header_;
    boost::json::object payload_;
    std::string kid_;
    JwsAlgorithm algorithm_ = JwsAlgorithm::kRs256;
};

/// Options that relax or extend the default checks of verify_jws().
struct VerifyOptions {
    /// The `alg` values accepted; empty means all of JwsAlgorithm. `none`
    /// and the HMAC algorithms are never accepted.
    std::vector<JwsAlgorithm> allowed_algorithms;
    /// Header parameter names the caller processes, allowed in header `crit`.
    std::set<std::string, std::less<>> understood_header_parameters;
    /// Claim names the caller processes, allowed in a payload `crit` claim
    /// (the OpenID Federation `crit` claim of entity statements).
    std::set<std::string, std::less<>> understood_claims;
    /// Whether `exp` must be present; it is checked whenever present.
    bool require_exp = true;
    /// Whether `iat` must be present; it is checked whenever present.
    bool require_iat = true;
};

/// Splits and decodes a compact JWS: at most kMaxJwsBytes, exactly three
/// parts, strict base64url, header and payload JSON objects without
/// duplicate member names. The signature is not checked.
Result<UnverifiedJws> decode_unverified(std::string_view token);

/// Verifies a compact JWS: decode_unverified()'s checks, `alg` allowed,
/// `kid` present and found in `keys`, the key fitting `alg`, the signature,
/// `typ` naming the media type `expected_typ` (RFC 7515 section 4.1.9: case
/// ignored, "application/" optional), header `crit` and payload `crit`
/// understood and without repeats, no `b64` other than true, and
/// `exp`/`nbf`/`iat` against `clock` within kClockSkewSeconds. NumericDates
/// may be fractional. Header members such as `jwk`, `jku` and `x5u` never
/// supply or choose a key. Every failure is an invalid_request error whose
/// message names the header or claim.
Result<VerifiedJws> verify_jws(std::string_view token, const JwkSet& keys,
                               std::string_view expected_typ, const Clock& clock,
                               const VerifyOptions& options = {});

/// Verifies a token already decoded by decode_unverified() with the checks
/// of verify_jws(), without decoding it a second time. For a caller that
/// reads a claim before choosing how to verify.
Result<VerifiedJws> verify_decoded_jws(UnverifiedJws decoded, const JwkSet& keys,
                                       std::string_view expected_typ, const Clock& clock,
                                       const VerifyOptions& options = {});

/// Signs `payload` with `key` (which must be private) and returns the
/// compact JWS. The header carries `alg` (key.signing_algorithm(), EdDSA for
/// OKP keys), `kid` (the key's `kid`, else its thumbprint) and then
/// `header_extras` such as `typ`; extras may not set `alg` or `kid`.
Result<std::string> sign_jws(const Jwk& key, const boost::json::object& payload,
                             const boost::json::object& header_extras = {});

/// A signer of many payloads with one key under one header. The header is
/// the one sign_jws() writes, serialized and encoded once, so each sign()
/// costs only the payload's encoding and the signature. sign() may run on
/// several threads at once.
class JwsSigner {
public:
    /// Fails as sign_jws() does when `header_extras` sets `alg` or `kid`.
    static Result<JwsSigner> create(Jwk key, const boost::json::object& header_extras = {});

    /// The compact JWS of `payload`, byte for byte what sign_jws() makes.
    Result<std::string> sign(const boost::json::object& payload) const;

    const Jwk& key() const { return key_; }

private:
    JwsSigner(Jwk key, JwsAlgorithm algorithm, std::string encoded_header)
        : key_(std::move(key)), algorithm_(algorithm), encoded_header_(std::move(encoded_header)) {}

    Jwk key_;
    JwsAlgorithm algorithm_;
    std::string encoded_header_;
};

}  // namespace inmor::jose
