// Checks of jwks_uri and signed_jwks_uri in resolved metadata.
#include "resolver/metadata_key_sets.h"

#include "common/json.h"
#include "federation/signed_jwk_set.h"

namespace inmor::resolver {

namespace json = boost::json;

namespace {

// A jwks_uri may hold encryption keys (X25519, ...) that jose::JwkSet does
// not read, so only the JWK Set's shape is checked: `keys`, an array of
// objects that each name their `kty`.
Result<void> check_jwk_set_shape(std::string_view body) {
    auto parsed = parse_json_object(body, "JWK Set");
    if (!parsed) return parsed.error();
    const json::value* keys = parsed->if_contains("keys");
    if (!keys || !keys->is_array()) return Error::invalid_request("JWK Set: keys is missing");
    for (const json::value& key : keys->as_array()) {
        const json::value* kty = key.is_object() ? key.as_object().if_contains("kty") : nullptr;
        if (!kty || !kty->is_string()) {
            return Error::invalid_request("JWK Set: every key needs a kty string");
        }
    }
    return {};
}

}  // namespace

Result<void> MetadataKeySets::check(const TrustChain& chain) const {
    const jose::JwkSet& federation_keys = chain.subject_configuration->claims().jwks;
    for (const auto& [entity_type, value] : chain.metadata) {
        if (!value.is_object()) continue;
        const json::object& metadata = value.as_object();
        const std::string where = std::string(entity_type) + ".";

        if (const json::value* uri = metadata.if_contains("signed_jwks_uri")) {
            const std::string name = where + "signed_jwks_uri";
            if (!uri->is_string()) {
                return Error(ErrorCode::kInvalidTrustChain, name + ": must be a string");
            }
            auto body = body_of(std::string(uri->as_string()), kSignedJwkSetMediaType);
            if (!body) return body.error().with_context(name);
            auto keys = federation::verify_signed_jwk_set(*body, chain.subject, federation_keys,
                                                          clock_);
            if (!keys) {
                return Error(ErrorCode::kInvalidTrustChain,
                             name + ": " + keys.error().message());
            }
        }
        if (const json::value* uri = metadata.if_contains("jwks_uri")) {
            const std::string name = where + "jwks_uri";
            if (!uri->is_string()) {
                return Error(ErrorCode::kInvalidTrustChain, name + ": must be a string");
            }
            auto body = body_of(std::string(uri->as_string()), kJwkSetMediaType);
            if (!body) return body.error().with_context(name);
            if (auto checked = check_jwk_set_shape(*body); !checked) {
                return Error(ErrorCode::kInvalidTrustChain, name + ": " + checked.error().message());
            }
        }
    }
    return {};
}

Result<std::string> MetadataKeySets::body_of(const std::string& uri,
                                             std::string_view accept) const {
    if (cache_) {
        if (auto cached = cache_->cached_jwks(uri); cached && *cached) return **cached;
    }
    auto response = fetcher_.get(uri, std::string(accept), true);
    if (!response) {
        const fetch::FetchError& failure = response.error();
        std::string message = "fetch of " + uri + " failed (" +
                              std::string(fetch::fetch_error_kind_name(failure.kind)) +
                              "): " + failure.message;
        if (failure.transient()) return Error::unavailable(std::move(message));
        return Error(ErrorCode::kInvalidTrustChain, std::move(message));
    }
    std::string body = std::move(response->body);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    if (cache_) {
        // A failed cache write only costs a fetch next time.
        (void)cache_->cache_jwks(uri, body);
    }
    return body;
}

}  // namespace inmor::resolver
