// JSON Web Keys (RFC 7517, RFC 7518 section 6, RFC 8037) for signing: RSA, EC
// on P-256/P-384/P-521 and OKP on Ed25519/Ed448, and the key set `JwkSet`.
#pragma once

#include "common/error.h"
#include "jose/algorithm.h"

#include <boost/json/object.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inmor::jose {

namespace detail {
struct JwkAccess;
}

/// The JWK `kty` families the trust anchor signs with.
enum class KeyType { kRsa, kEc, kOkp };

/// The `crv` of an EC or OKP key; kNone for RSA.
enum class Curve { kNone, kP256, kP384, kP521, kEd25519, kEd448 };

/// The half of a key pair the caller expects when parsing. A private JWK
/// where a public one is expected (or the reverse) is an error, so a private
/// key never lands in a published key set by mistake.
enum class KeyPart { kPublic, kPrivate };

/// The smallest RSA modulus accepted, in bits (RFC 7518 section 3.3 requires
/// 2048 or larger).
inline constexpr int kMinRsaModulusBits = 2048;

/// The largest RSA modulus accepted, in bits, so that a hostile key cannot
/// make each check or verification arbitrarily slow.
inline constexpr int kMaxRsaModulusBits = 16384;

/// The largest RSA public exponent accepted, in bits (OpenSSL applies the
/// same limit to moduli above 3072 bits); real keys use 65537.
inline constexpr int kMaxRsaExponentBits = 64;

/// One signing key. The key material is checked when the JWK is parsed: the
/// members each key type requires, coordinate sizes, the point on the curve,
/// the RSA modulus size, and for private keys that the public half matches.
/// Copies share the immutable key material.
class Jwk {
public:
    /// Parses a JWK object. Errors name the member: "jwk.crv: ...". Members
    /// other than the key material (`kid`, `use`, `alg`, `exp`, ...) are kept
    /// as given and written back by to_json().
    static Result<Jwk> from_json(const boost::json::object& members, KeyPart expected);

    /// Parses a JWK from JSON text; duplicate member names are an error.
    static Result<Jwk> parse(std::string_view text, KeyPart expected);

    /// Generates a private key for `type`: a JWS algorithm name (RS256 ...
    /// PS512 give RSA 2048, ES256/ES384/ES512 give P-256/P-384/P-521) or an
    /// EdDSA curve name (Ed25519, Ed448). The key carries `kty`, its key
    /// members, `kid` (the RFC 7638 thumbprint), `use: "sig"` and `alg: type`.
    /// OKP keys thus carry the RFC 9864 names "Ed25519"/"Ed448" as `alg`;
    /// jwcrypto 1.5.6 and npm jose 6.2 load such keys (tests/interop checks).
    static Result<Jwk> generate(std::string_view type);

    KeyType key_type() const { return key_type_; }
    Curve curve() const { return curve_; }
    bool is_private() const { return is_private_; }

    /// The `kid` member, empty when the JWK has none.
    const std::string& kid() const { return kid_; }

    /// The `alg` member, empty when the JWK has none.
    const std::string& alg() const { return alg_; }

    /// The algorithm this key signs with: `alg` when it names a JWS algorithm,
    /// else RS256 for RSA, ES256/ES384/ES512 by curve and EdDSA for OKP.
    JwsAlgorithm signing_algorithm() const;

    /// Whether a JWS with header `alg` may be checked with this key: the key
    /// type and curve fit the algorithm, `use` (when present) is "sig", and
    /// `alg` (when present) names the same algorithm. A key whose `alg` is
    /// "Ed25519" or "Ed448" fits EdDSA on that curve.
    bool fits(JwsAlgorithm algorithm) const;

    /// The JWK as parsed or generated, private members included when private.
    const boost::json::object& to_json() const { return members_; }

    /// The JWK without private key members (`d`, `p`, `q`, `dp`, `dq`, `qi`).
    boost::json::object public_json() const;

    /// The public half of this key, with the same non-secret members.
    Jwk public_key() const;

    /// The RFC 7638 thumbprint: base64url (no padding) of the SHA-256 of the
    /// required members in lexicographic order.
    std::string thumbprint() const;

    /// A copy with `name` set to `value`, for members such as `kid`, `use`,
    /// `alg`, `exp` or `revoked`. Key material members cannot be changed.
    Result<Jwk> with_member(std::string_view name, boost::json::value value) const;

private:
    struct Material;
    friend struct detail::JwkAccess;

    Jwk() = default;
    Result<void> read_common_members();

    std::shared_ptr<const Material> material_;
    boost::json::object members_;
    KeyType key_type_ = KeyType::kRsa;
    Curve curve_ = Curve::kNone;
    bool is_private_ = false;
    std::string kid_;
    std::string alg_;
};

/// The `crv` spelling of a curve ("P-256", "Ed25519"); empty for kNone.
std::string_view curve_name(Curve curve);

/// A JWK Set whose keys each have a unique, non-empty `kid`.
class JwkSet {
public:
    JwkSet() = default;

    /// Parses `{"keys": [...]}` of public keys. Errors name the entry:
    /// "keys[1]: jwk.x: ...", and a repeated `kid` is an error.
    static Result<JwkSet> from_json(const boost::json::object& jwks);

    /// Parses a JWK Set from JSON text.
    static Result<JwkSet> parse(std::string_view text);

    /// Adds a key; it must have a `kid` not yet in the set.
    Result<void> add(Jwk key);

    /// The key with this `kid`, or nullptr.
    const Jwk* find(std::string_view kid) const;

    std::size_t size() const { return keys_.size(); }
    bool empty() const { return keys_.empty(); }
    std::vector<Jwk>::const_iterator begin() const { return keys_.begin(); }
    std::vector<Jwk>::const_iterator end() const { return keys_.end(); }

    /// `{"keys": [...]}` with the public members of each key only.
    boost::json::object public_json() const;

private:
    std::vector<Jwk> keys_;
};

}  // namespace inmor::jose
