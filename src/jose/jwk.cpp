// Jwk and JwkSet: parsing, the members kept beside the key material, public
// export and the RFC 7638 thumbprint.
#include "jose/jwk.h"

#include "common/base64url.h"
#include "common/json.h"
#include "jose/jwk_access.h"
#include "jose/jwk_material.h"

#include <openssl/evp.h>

#include <array>
#include <vector>

namespace inmor::jose {
namespace {

namespace json = boost::json;

struct GenerationType {
    std::string_view name;
    KeyType key_type;
    Curve curve;
};

constexpr std::array<GenerationType, 11> kGenerationTypes{{
    {"RS256", KeyType::kRsa, Curve::kNone},
    {"RS384", KeyType::kRsa, Curve::kNone},
    {"RS512", KeyType::kRsa, Curve::kNone},
    {"PS256", KeyType::kRsa, Curve::kNone},
    {"PS384", KeyType::kRsa, Curve::kNone},
    {"PS512", KeyType::kRsa, Curve::kNone},
    {"ES256", KeyType::kEc, Curve::kP256},
    {"ES384", KeyType::kEc, Curve::kP384},
    {"ES512", KeyType::kEc, Curve::kP521},
    {"Ed25519", KeyType::kOkp, Curve::kEd25519},
    {"Ed448", KeyType::kOkp, Curve::kEd448},
}};

Result<std::string> optional_string(const json::object& members, std::string_view name) {
    const json::value* value = members.if_contains(name);
    if (value == nullptr) {
        return std::string();
    }
    if (!value->is_string()) {
        return Error::invalid_request("jwk." + std::string(name) + ": must be a string");
    }
    return std::string(value->get_string());
}

// The curve an ES algorithm signs on (RFC 7518 section 3.4).
Curve curve_of(JwsAlgorithm algorithm) {
    switch (algorithm) {
        case JwsAlgorithm::kEs256: return Curve::kP256;
        case JwsAlgorithm::kEs384: return Curve::kP384;
        case JwsAlgorithm::kEs512: return Curve::kP521;
        default: return Curve::kNone;
    }
}

KeyType key_type_of(JwsAlgorithm algorithm) {
    switch (algorithm) {
        case JwsAlgorithm::kEs256:
        case JwsAlgorithm::kEs384:
        case JwsAlgorithm::kEs512: return KeyType::kEc;
        case JwsAlgorithm::kEdDsa: return KeyType::kOkp;
        default: return KeyType::kRsa;
    }
}

bool key_fits_algorithm(KeyType key_type, Curve curve, JwsAlgorithm algorithm) {
    if (key_type != key_type_of(algorithm)) {
        return false;
    }
    return key_type != KeyType::kEc || curve == curve_of(algorithm);
}

std::string_view key_type_name(KeyType key_type) {
    switch (key_type) {
        case KeyType::kRsa: return "RSA";
        case KeyType::kEc: return "EC";
        case KeyType::kOkp: return "OKP";
    }
    return "unknown";
}

}  // namespace

std::string_view curve_name(Curve curve) {
    switch (curve) {
        case Curve::kNone: return "";
        case Curve::kP256: return "P-256";
        case Curve::kP384: return "P-384";
        case Curve::kP521: return "P-521";
        case Curve::kEd25519: return "Ed25519";
        case Curve::kEd448: return "Ed448";
    }
    return "";
}

Result<Jwk> Jwk::from_json(const json::object& members, KeyPart expected) {
    auto material = detail::import_key(members);
    if (!material) {
        return material.error();
    }

    // Say which member made the key private (or is missing) in the message.
    if (expected == KeyPart::kPublic && material->is_private) {
        return Error::invalid_request(
            "jwk.d: private key member present where a public key is expected");
    }
    if (expected == KeyPart::kPrivate && !material->is_private) {
        return Error::invalid_request("jwk.d: missing, a private key is expected");
    }

    Jwk key;
    key.key_type_ = material->key_type;
    key.curve_ = material->curve;
    key.is_private_ = material->is_private;
    key.material_ = std::make_shared<const Material>(std::move(material->pkey));
    key.members_ = members;
    auto common = key.read_common_members();
    if (!common) {
        return common.error();
    }
    return key;
}

Result<Jwk> Jwk::parse(std::string_view text, KeyPart expected) {
    auto members = parse_json_object(text, "JWK");
    if (!members) {
        return members.error();
    }
    return from_json(*members, expected);
}

Result<void> Jwk::read_common_members() {
    auto kid = optional_string(members_, "kid");
    if (!kid) {
        return kid.error();
    }
    auto alg = optional_string(members_, "alg");
    if (!alg) {
        return alg.error();
    }
    auto use = optional_string(members_, "use");
    if (!use) {
        return use.error();
    }
    kid_ = std::move(*kid);
    alg_ = std::move(*alg);

    // An `alg` we know must fit the key; an unknown one (say, an encryption
    // algorithm) is kept, and such a key never verifies a signature.
    const auto algorithm = parse_algorithm(alg_);
    if (algorithm && !key_fits_algorithm(key_type_, curve_, *algorithm)) {
        return Error::invalid_request("jwk.alg: \"" + alg_ + "\" does not fit a " +
                                      std::string(key_type_name(key_type_)) + " key" +
                                      (curve_ == Curve::kNone
                                           ? std::string()
                                           : " on " + std::string(curve_name(curve_))));
    }
    if (algorithm == JwsAlgorithm::kEdDsa && alg_ != "EdDSA" && alg_ != curve_name(curve_)) {
        return Error::invalid_request("jwk.alg: \"" + alg_ + "\" does not fit curve " +
                                      std::string(curve_name(curve_)));
    }
    return {};
}

Result<Jwk> Jwk::generate(std::string_view type) {
    const GenerationType* chosen = nullptr;
    for (const auto& candidate : kGenerationTypes) {
        if (candidate.name == type) {
            chosen = &candidate;
        }
    }
    if (chosen == nullptr) {
        return Error::invalid_request("key type \"" + std::string(type) + "\" is not supported");
    }

    auto material = detail::generate_key(chosen->key_type, chosen->curve);
    if (!material) {
        return material.error();
    }
    auto members = detail::export_key(*material);
    if (!members) {
        return members.error();
    }

    Jwk key;
    key.key_type_ = material->key_type;
    key.curve_ = material->curve;
    key.is_private_ = true;
    key.material_ = std::make_shared<const Material>(std::move(material->pkey));
    key.members_ = std::move(*members);
    key.members_["kid"] = key.thumbprint();
    key.members_["use"] = "sig";
    key.members_["alg"] = chosen->name;
    key.kid_ = key.members_["kid"].get_string();
    key.alg_ = chosen->name;
    return key;
}

JwsAlgorithm Jwk::signing_algorithm() const {
    if (const auto algorithm = parse_algorithm(alg_)) {
        return *algorithm;
    }
    switch (key_type_) {
        case KeyType::kRsa: return JwsAlgorithm::kRs256;
        case KeyType::kOkp: return JwsAlgorithm::kEdDsa;
        case KeyType::kEc: break;
    }
    switch (curve_) {
        case Curve::kP384: return JwsAlgorithm::kEs384;
        case Curve::kP521: return JwsAlgorithm::kEs512;
        default: return JwsAlgorithm::kEs256;
    }
}

bool Jwk::fits(JwsAlgorithm algorithm) const {
    if (!key_fits_algorithm(key_type_, curve_, algorithm)) {
        return false;
    }
    const json::value* use = members_.if_contains("use");
    if (use != nullptr && use->as_string() != "sig") {
        return false;
    }
    if (alg_.empty()) {
        return true;
    }
    // read_common_members() already tied "Ed25519"/"Ed448" to the key's curve.
    return parse_algorithm(alg_) == algorithm;
}

json::object Jwk::public_json() const {
    json::object members;
    for (const auto& member : members_) {
        if (!detail::is_private_member(key_type_, member.key())) {
            members.emplace(member.key(), member.value());
        }
    }
    return members;
}

Jwk Jwk::public_key() const {
    // Re-import the public members so the copy's OpenSSL key holds no secret.
    // They were checked when this key was made, so the import cannot fail
    // short of running out of memory, where value() throws.
    return Jwk::from_json(public_json(), KeyPart::kPublic).value();
}

std::string Jwk::thumbprint() const {
    // RFC 7638 section 3.2: the required members, sorted, no whitespace. All
    // values are base64url or fixed names, so none needs JSON escaping.
    std::vector<std::string_view> names;
    switch (key_type_) {
        case KeyType::kRsa: names = {"e", "kty", "n"}; break;
        case KeyType::kEc: names = {"crv", "kty", "x", "y"}; break;
        case KeyType::kOkp: names = {"crv", "kty", "x"}; break;
    }
    std::string input = "{";
    for (std::string_view name : names) {
        if (input.size() > 1) {
            input += ',';
        }
        input += '"';
        input += name;
        input += "\":\"";
        input += std::string_view(members_.at(name).as_string());
        input += '"';
    }
    input += '}';

    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_size = 0;
    if (EVP_Digest(input.data(), input.size(), digest.data(), &digest_size, EVP_sha256(),
                   nullptr) != 1) {
        // SHA-256 over memory fails only when OpenSSL cannot allocate.
        detail::clear_openssl_errors();
        throw std::bad_alloc();
    }
    return base64url_encode(
        std::string_view(reinterpret_cast<const char*>(digest.data()), digest_size));
}

Result<Jwk> Jwk::with_member(std::string_view name, json::value value) const {
    if (detail::is_key_material_member(key_type_, name)) {
        return Error::invalid_request("jwk." + std::string(name) +
                                      ": key material cannot be replaced");
    }
    Jwk key = *this;
    key.members_[name] = std::move(value);
    auto common = key.read_common_members();
    if (!common) {
        return common.error();
    }
    return key;
}

Result<JwkSet> JwkSet::from_json(const json::object& jwks) {
    const json::value* keys = jwks.if_contains("keys");
    if (keys == nullptr) {
        return Error::invalid_request("jwks.keys: missing");
    }
    if (!keys->is_array()) {
        return Error::invalid_request("jwks.keys: must be an array");
    }

    JwkSet set;
    const json::array& entries = keys->get_array();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string where = "jwks.keys[" + std::to_string(i) + "]";
        if (!entries[i].is_object()) {
            return Error::invalid_request(where + ": must be an object");
        }
        auto key = Jwk::from_json(entries[i].get_object(), KeyPart::kPublic);
        if (!key) {
            return key.error().with_context(where);
        }
        auto added = set.add(std::move(*key));
        if (!added) {
            return added.error().with_context(where);
        }
    }
    return set;
}

Result<JwkSet> JwkSet::parse(std::string_view text) {
    auto jwks = parse_json_object(text, "JWK Set");
    if (!jwks) {
        return jwks.error();
    }
    return from_json(*jwks);
}

Result<void> JwkSet::add(Jwk key) {
    if (key.kid().empty()) {
        return Error::invalid_request("jwk.kid: missing, every key in a set needs one");
    }
    if (find(key.kid()) != nullptr) {
        return Error::invalid_request("jwk.kid: duplicate kid \"" + key.kid() + "\"");
    }
    keys_.push_back(std::move(key));
    return {};
}

const Jwk* JwkSet::find(std::string_view kid) const {
    for (const Jwk& key : keys_) {
        if (key.kid() == kid) {
            return &key;
        }
    }
    return nullptr;
}

json::object JwkSet::public_json() const {
    json::array keys;
    for (const Jwk& key : keys_) {
        keys.emplace_back(key.public_json());
    }
    return json::object{{"keys", std::move(keys)}};
}

}  // namespace inmor::jose
