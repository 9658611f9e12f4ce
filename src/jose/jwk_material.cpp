// Key material between JWK members (RFC 7518 section 6, RFC 8037 section 2)
// and OpenSSL EVP keys, with the checks every imported key must pass.
#include "jose/jwk_material.h"

#include "common/base64url.h"
#include "jose/jwk_access.h"

#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include <array>
#include <string>
#include <vector>

namespace inmor::jose::detail {
namespace {

namespace json = boost::json;

using Bytes = std::string;

constexpr std::array<std::string_view, 7> kRsaPrivateMembers{"d", "p", "q", "dp", "dq", "qi",
                                                              "oth"};

Error invalid_member(std::string_view name, std::string_view problem) {
    return Error::invalid_request("jwk." + std::string(name) + ": " + std::string(problem));
}

Error invalid_key(std::string_view name, std::string_view problem) {
    Error error = invalid_member(name, problem);
    return Error(error.code(), error.message(), take_openssl_errors());
}

// Reads a required base64url member as bytes; empty values are rejected.
Result<Bytes> read_bytes(const json::object& members, std::string_view name) {
    const json::value* value = members.if_contains(name);
    if (value == nullptr) {
        return invalid_member(name, "missing");
    }
    if (!value->is_string()) {
        return invalid_member(name, "must be a string");
    }

    auto bytes = base64url_decode(value->get_string());
    if (!bytes) {
        return invalid_member(name, "invalid base64url: " + bytes.error().message());
    }
    if (bytes->empty()) {
        return invalid_member(name, "must not be empty");
    }
    return bytes;
}

Result<std::string> read_string(const json::object& members, std::string_view name) {
    const json::value* value = members.if_contains(name);
    if (value == nullptr) {
        return invalid_member(name, "missing");
    }
    if (!value->is_string()) {
        return invalid_member(name, "must be a string");
    }
    return std::string(value->get_string());
}

// RFC 7518 section 6.3.1: RSA integers use the minimum number of octets.
Result<SecureBignumHandle> read_unsigned(const json::object& members, std::string_view name) {
    auto bytes = read_bytes(members, name);
    if (!bytes) {
        return bytes.error();
    }
    if ((*bytes)[0] == '\0') {
        return invalid_member(name, "must not start with a zero octet");
    }

    const auto* data = reinterpret_cast<const unsigned char*>(bytes->data());
    SecureBignumHandle number(BN_bin2bn(data, static_cast<int>(bytes->size()), nullptr));
    OPENSSL_cleanse(bytes->data(), bytes->size());
    if (!number) {
        return openssl_failure("jwk: cannot allocate a big number");
    }
    return number;
}

Result<Bytes> read_fixed_size(const json::object& members, std::string_view name,
                              std::size_t expected_bytes, std::string_view curve) {
    auto bytes = read_bytes(members, name);
    if (!bytes) {
        return bytes.error();
    }
    if (bytes->size() != expected_bytes) {
        return invalid_member(name, "must be " + std::to_string(expected_bytes) + " bytes for " +
                                        std::string(curve) + ", got " +
                                        std::to_string(bytes->size()));
    }
    return bytes;
}

Result<PkeyHandle> build_key(const char* key_type, OSSL_PARAM_BLD* builder, int selection) {
    ParamHandle params(OSSL_PARAM_BLD_to_param(builder));
    PkeyContextHandle context(EVP_PKEY_CTX_new_from_name(nullptr, key_type, nullptr));
    if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1) {
        return openssl_failure("jwk: cannot prepare key import");
    }

    EVP_PKEY* raw_key = nullptr;
    if (EVP_PKEY_fromdata(context.get(), &raw_key, selection, params.get()) != 1) {
        return Error::invalid_request("jwk: key members do not form a valid key");
    }
    return PkeyHandle(raw_key);
}

// Runs OpenSSL's own key checks: the public check (point on the curve, RSA
// modulus sanity) for public keys, the pairwise check for key pairs.
bool passes_key_check(EVP_PKEY* key, bool is_private) {
    PkeyContextHandle context(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!context) {
        return false;
    }
    if (is_private) {
        return EVP_PKEY_pairwise_check(context.get()) == 1;
    }
    return EVP_PKEY_public_check(context.get()) == 1;
}

bool has_any_member(const json::object& members, std::string_view first_skipped,
                    const auto& names) {
    for (std::string_view name : names) {
        if (name != first_skipped && members.contains(name)) {
            return true;
        }
    }
    return false;
}

// Reads `n` and `e` into `builder`; the numbers must outlive the builder.
Result<std::vector<SecureBignumHandle>> push_rsa_public(const json::object& members,
                                                        OSSL_PARAM_BLD* builder) {
    auto modulus = read_unsigned(members, "n");
    if (!modulus) {
        return modulus.error();
    }
    auto exponent = read_unsigned(members, "e");
    if (!exponent) {
        return exponent.error();
    }

    const int modulus_bits = BN_num_bits(modulus->get());
    if (modulus_bits < kMinRsaModulusBits) {
        return invalid_member("n", "RSA modulus has " + std::to_string(modulus_bits) +
                                       " bits, at least " + std::to_string(kMinRsaModulusBits) +
                                       " are required");
    }
    if (modulus_bits > kMaxRsaModulusBits) {
        return invalid_member("n", "RSA modulus has " + std::to_string(modulus_bits) +
                                       " bits, at most " + std::to_string(kMaxRsaModulusBits) +
                                       " are supported");
    }
    if (BN_num_bits(exponent->get()) > kMaxRsaExponentBits) {
        return invalid_member("e", "RSA public exponent longer than " +
                                       std::to_string(kMaxRsaExponentBits) +
                                       " bits is not supported");
    }

    if (OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus->get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent->get()) != 1) {
        return openssl_failure("jwk: cannot prepare RSA key import");
    }
    std::vector<SecureBignumHandle> numbers;
    numbers.push_back(std::move(*modulus));
    numbers.push_back(std::move(*exponent));
    return numbers;
}

// Reads the private members into `builder`, appending them to `numbers`.
// NOTE: a private RSA JWK must carry the CRT members (p, q, dp, dq, qi).
// RFC 7518 only recommends them, so a key with `d` alone is rejected here.
Result<void> push_rsa_private(const json::object& members, OSSL_PARAM_BLD* builder,
                              std::vector<SecureBignumHandle>& numbers) {
    constexpr std::array<std::pair<std::string_view, const char*>, 6> kPrivateParams{{
        {"d", OSSL_PKEY_PARAM_RSA_D},
        {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
        {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
        {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    }};
    for (const auto& [name, param] : kPrivateParams) {
        auto number = read_unsigned(members, name);
        if (!number) {
            return number.error();
        }
        if (OSSL_PARAM_BLD_push_BN(builder, param, number->get()) != 1) {
            return openssl_failure("jwk: cannot prepare RSA key import");
        }
        numbers.push_back(std::move(*number));
    }
    return {};
}

Result<KeyMaterial> import_rsa(const json::object& members) {
    // Multi-prime keys are rare and OpenSSL's JWK-style import has no slot for them.
    if (members.contains("oth")) {
        return invalid_member("oth", "multi-prime RSA keys are not supported");
    }
    const bool is_private = members.contains("d");
    if (!is_private && has_any_member(members, "d", kRsaPrivateMembers)) {
        return invalid_member("d", "missing, but other private RSA members are present");
    }

    ParamBuilderHandle builder(OSSL_PARAM_BLD_new());
    if (!builder) {
        return openssl_failure("jwk: cannot prepare RSA key import");
    }
    auto numbers = push_rsa_public(members, builder.get());
    if (!numbers) {
        return numbers.error();
    }
    if (is_private) {
        auto pushed = push_rsa_private(members, builder.get(), *numbers);
        if (!pushed) {
            return pushed.error();
        }
    }

    const int selection = is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
    auto key = build_key("RSA", builder.get(), selection);
    if (!key) {
        return invalid_key("n", "RSA key members do not form a valid key");
    }
    if (!passes_key_check(key->get(), is_private)) {
        return invalid_key(is_private ? "d" : "n",
                           is_private ? "private RSA members do not match the public key"
                                      : "not a valid RSA public key");
    }
    return KeyMaterial{std::move(*key), KeyType::kRsa, Curve::kNone, is_private};
}

struct CurveInfo {
    Curve curve;
    std::string_view jwk_name;
    const char* openssl_name;
    std::size_t key_bytes;
};

constexpr std::array<CurveInfo, 5> kCurves{{
    {Curve::kP256, "P-256", "prime256v1", 32},
    {Curve::kP384, "P-384", "secp384r1", 48},
    {Curve::kP521, "P-521", "secp521r1", 66},
    {Curve::kEd25519, "Ed25519", "ED25519", 32},
    {Curve::kEd448, "Ed448", "ED448", 57},
}};

const CurveInfo* find_curve(Curve curve) {
    for (const auto& info : kCurves) {
        if (info.curve == curve) {
            return &info;
        }
    }
    return nullptr;
}

Result<const CurveInfo*> read_curve(const json::object& members, KeyType key_type) {
    auto name = read_string(members, "crv");
    if (!name) {
        return name.error();
    }
    for (const auto& info : kCurves) {
        if (info.jwk_name != *name) {
            continue;
        }
        const bool is_edwards = info.curve == Curve::kEd25519 || info.curve == Curve::kEd448;
        if (is_edwards != (key_type == KeyType::kOkp)) {
            return invalid_member("crv", "\"" + *name + "\" does not belong to kty " +
                                             (key_type == KeyType::kOkp ? "OKP" : "EC"));
        }
        return &info;
    }
    if (*name == "X25519" || *name == "X448") {
        return invalid_member("crv", "\"" + *name + "\" is a key agreement curve and cannot sign");
    }
    return invalid_member("crv", "unsupported curve \"" + *name + "\"");
}

Result<KeyMaterial> import_ec(const json::object& members) {
    auto curve = read_curve(members, KeyType::kEc);
    if (!curve) {
        return curve.error();
    }
    const CurveInfo& info = **curve;
    auto x = read_fixed_size(members, "x", info.key_bytes, info.jwk_name);
    if (!x) {
        return x.error();
    }
    auto y = read_fixed_size(members, "y", info.key_bytes, info.jwk_name);
    if (!y) {
        return y.error();
    }

    // OpenSSL takes the public key as an uncompressed SEC 1 point: 0x04 || x || y.
    const std::string point = '\x04' + *x + *y;
    ParamBuilderHandle builder(OSSL_PARAM_BLD_new());
    if (!builder ||
        OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                        info.openssl_name, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1) {
        return openssl_failure("jwk: cannot prepare EC key import");
    }

    const bool is_private = members.contains("d");
    SecureBignumHandle private_scalar;
    if (is_private) {
        auto d = read_fixed_size(members, "d", info.key_bytes, info.jwk_name);
        if (!d) {
            return d.error();
        }
        const auto* data = reinterpret_cast<const unsigned char*>(d->data());
        private_scalar.reset(BN_bin2bn(data, static_cast<int>(d->size()), nullptr));
        OPENSSL_cleanse(d->data(), d->size());
        if (!private_scalar || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY,
                                                      private_scalar.get()) != 1) {
            return openssl_failure("jwk: cannot prepare EC key import");
        }
    }

    const std::string point_problem = "x and y are not a point on curve " +
                                      std::string(info.jwk_name);
    const int selection = is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
    auto key = build_key("EC", builder.get(), selection);
    if (!key) {
        return invalid_key("x", point_problem);
    }
    if (!passes_key_check(key->get(), false)) {
        return invalid_key("x", point_problem);
    }
    if (is_private && !passes_key_check(key->get(), true)) {
        return invalid_key("d", "does not match the public key in x and y");
    }
    return KeyMaterial{std::move(*key), KeyType::kEc, info.curve, is_private};
}

Result<KeyMaterial> import_okp(const json::object& members) {
    auto curve = read_curve(members, KeyType::kOkp);
    if (!curve) {
        return curve.error();
    }
    const CurveInfo& info = **curve;
    auto x = read_fixed_size(members, "x", info.key_bytes, info.jwk_name);
    if (!x) {
        return x.error();
    }
    const auto* public_bytes = reinterpret_cast<const unsigned char*>(x->data());

    // NOTE: OpenSSL 3.0 does not check that an Ed25519/Ed448 public key
    // decodes to a curve point when importing it. Such a key is accepted here
    // and then fails every signature check.
    if (!members.contains("d")) {
        PkeyHandle key(EVP_PKEY_new_raw_public_key_ex(nullptr, info.openssl_name, nullptr,
                                                      public_bytes, x->size()));
        if (!key) {
            return invalid_key("x", "not a valid " + std::string(info.jwk_name) + " public key");
        }
        return KeyMaterial{std::move(key), KeyType::kOkp, info.curve, false};
    }

    auto d = read_fixed_size(members, "d", info.key_bytes, info.jwk_name);
    if (!d) {
        return d.error();
    }
    PkeyHandle key(EVP_PKEY_new_raw_private_key_ex(
        nullptr, info.openssl_name, nullptr, reinterpret_cast<const unsigned char*>(d->data()),
        d->size()));
    OPENSSL_cleanse(d->data(), d->size());
    if (!key) {
        return invalid_key("d", "not a valid " + std::string(info.jwk_name) + " private key");
    }

    // The public key is derived from d, so x must equal the derived one.
    std::string derived(info.key_bytes, '\0');
    std::size_t derived_size = derived.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(derived.data()),
                                    &derived_size) != 1) {
        return openssl_failure("jwk: cannot derive the OKP public key");
    }
    if (derived_size != x->size() || derived != *x) {
        return invalid_member("d", "does not match the public key in x");
    }
    return KeyMaterial{std::move(key), KeyType::kOkp, info.curve, true};
}

// Big-number parameters of a key as base64url; `pad_bytes` 0 means minimal length.
Result<std::string> export_number(EVP_PKEY* key, const char* param, std::size_t pad_bytes) {
    BIGNUM* raw_number = nullptr;
    if (EVP_PKEY_get_bn_param(key, param, &raw_number) != 1) {
        return openssl_failure("jwk: cannot read a key parameter");
    }
    SecureBignumHandle number(raw_number);

    const std::size_t size = pad_bytes != 0 ? pad_bytes : BN_num_bytes(number.get());
    std::string bytes(size, '\0');
    auto* out = reinterpret_cast<unsigned char*>(bytes.data());
    if (BN_bn2binpad(number.get(), out, static_cast<int>(size)) < 0) {
        return openssl_failure("jwk: cannot encode a key parameter");
    }
    std::string encoded = base64url_encode(bytes);
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return encoded;
}

Result<void> export_numbers(EVP_PKEY* key, json::object& members, std::size_t pad_bytes,
                            std::initializer_list<std::pair<const char*, const char*>> names) {
    for (const auto& [member, param] : names) {
        auto value = export_number(key, param, pad_bytes);
        if (!value) {
            return value.error();
        }
        members[member] = *value;
    }
    return {};
}

Result<std::string> export_raw(EVP_PKEY* key, bool private_half, std::size_t size) {
    std::string bytes(size, '\0');
    auto* out = reinterpret_cast<unsigned char*>(bytes.data());
    const int ok = private_half ? EVP_PKEY_get_raw_private_key(key, out, &size)
                                : EVP_PKEY_get_raw_public_key(key, out, &size);
    if (ok != 1) {
        return openssl_failure("jwk: cannot read the OKP key bytes");
    }
    bytes.resize(size);
    std::string encoded = base64url_encode(bytes);
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return encoded;
}

}  // namespace

std::size_t ec_coordinate_bytes(Curve curve) {
    const CurveInfo* info = find_curve(curve);
    return info == nullptr ? 0 : info->key_bytes;
}

bool is_private_member(KeyType key_type, std::string_view name) {
    if (key_type == KeyType::kRsa) {
        for (std::string_view member : kRsaPrivateMembers) {
            if (member == name) {
                return true;
            }
        }
        return false;
    }
    return name == "d";
}

bool is_key_material_member(KeyType key_type, std::string_view name) {
    if (name == "kty" || is_private_member(key_type, name)) {
        return true;
    }
    switch (key_type) {
        case KeyType::kRsa: return name == "n" || name == "e";
        case KeyType::kEc: return name == "crv" || name == "x" || name == "y";
        case KeyType::kOkp: return name == "crv" || name == "x";
    }
    return false;
}

Result<KeyMaterial> import_key(const json::object& members) {
    auto key_type = read_string(members, "kty");
    if (!key_type) {
        return key_type.error();
    }
    if (*key_type == "RSA") {
        return import_rsa(members);
    }
    if (*key_type == "EC") {
        return import_ec(members);
    }
    if (*key_type == "OKP") {
        return import_okp(members);
    }
    return invalid_member("kty", "unsupported key type \"" + *key_type + "\"");
}

Result<KeyMaterial> generate_key(KeyType key_type, Curve curve) {
    const CurveInfo* info = find_curve(curve);
    const char* algorithm = key_type == KeyType::kRsa  ? "RSA"
                            : key_type == KeyType::kEc ? "EC"
                            : info != nullptr          ? info->openssl_name
                                                       : nullptr;
    if (algorithm == nullptr || (key_type != KeyType::kRsa && info == nullptr)) {
        return Error::invalid_request("jwk: no curve given for key generation");
    }

    PkeyContextHandle context(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
    if (!context || EVP_PKEY_keygen_init(context.get()) != 1) {
        return openssl_failure("jwk: cannot start key generation");
    }
    if (key_type == KeyType::kRsa &&
        EVP_PKEY_CTX_set_rsa_keygen_bits(context.get(), kMinRsaModulusBits) != 1) {
        return openssl_failure("jwk: cannot set the RSA key size");
    }
    if (key_type == KeyType::kEc &&
        EVP_PKEY_CTX_set_group_name(context.get(), info->openssl_name) != 1) {
        return openssl_failure("jwk: cannot set the EC curve");
    }

    EVP_PKEY* raw_key = nullptr;
    if (EVP_PKEY_generate(context.get(), &raw_key) != 1) {
        return openssl_failure("jwk: key generation failed");
    }
    return KeyMaterial{PkeyHandle(raw_key), key_type, curve, true};
}

Result<json::object> export_key(const KeyMaterial& key) {
    json::object members;
    EVP_PKEY* pkey = key.pkey.get();
    Result<void> written;

    switch (key.key_type) {
        case KeyType::kRsa:
            members["kty"] = "RSA";
            written = export_numbers(pkey, members, 0,
                                     {{"n", OSSL_PKEY_PARAM_RSA_N}, {"e", OSSL_PKEY_PARAM_RSA_E}});
            if (written && key.is_private) {
                written = export_numbers(pkey, members, 0,
                                         {{"d", OSSL_PKEY_PARAM_RSA_D},
                                          {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
                                          {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
                                          {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
                                          {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
                                          {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1}});
            }
            break;
        case KeyType::kEc: {
            const CurveInfo* info = find_curve(key.curve);
            members["kty"] = "EC";
            members["crv"] = info->jwk_name;
            written = export_numbers(pkey, members, info->key_bytes,
                                     {{"x", OSSL_PKEY_PARAM_EC_PUB_X},
                                      {"y", OSSL_PKEY_PARAM_EC_PUB_Y}});
            if (written && key.is_private) {
                written = export_numbers(pkey, members, info->key_bytes,
                                         {{"d", OSSL_PKEY_PARAM_PRIV_KEY}});
            }
            break;
        }
        case KeyType::kOkp: {
            const CurveInfo* info = find_curve(key.curve);
            members["kty"] = "OKP";
            members["crv"] = info->jwk_name;
            auto x = export_raw(pkey, false, info->key_bytes);
            if (!x) {
                return x.error();
            }
            members["x"] = *x;
            if (key.is_private) {
                auto d = export_raw(pkey, true, info->key_bytes);
                if (!d) {
                    return d.error();
                }
                members["d"] = *d;
            }
            break;
        }
    }
    if (!written) {
        return written.error();
    }
    return members;
}

}  // namespace inmor::jose::detail
