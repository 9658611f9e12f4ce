// Keys and token builders shared by the JOSE tests.
#include "test_keys.h"

#include "common/base64url.h"
#include "jose/signature.h"

#include <map>
#include <mutex>
#include <stdexcept>

namespace inmor::jose::testing {

const Jwk& private_key(std::string_view type) {
    static std::mutex mutex;
    static std::map<std::string, Jwk, std::less<>> keys;
    std::lock_guard lock(mutex);

    auto found = keys.find(type);
    if (found == keys.end()) {
        auto generated = Jwk::generate(type);
        if (!generated) {
            throw std::runtime_error("key generation failed: " + generated.error().message());
        }
        found = keys.emplace(std::string(type), std::move(*generated)).first;
    }
    return found->second;
}

JwkSet public_set(const Jwk& key) {
    JwkSet set;
    auto added = set.add(key.public_key());
    if (!added) {
        throw std::runtime_error("cannot build key set: " + added.error().message());
    }
    return set;
}

std::string sign_raw(const Jwk& key, std::string_view header_json,
                     std::string_view payload_json) {
    const std::string input =
        base64url_encode(header_json) + "." + base64url_encode(payload_json);
    auto signature = sign_signature(key, key.signing_algorithm(), input);
    if (!signature) {
        throw std::runtime_error("signing failed: " + signature.error().message());
    }
    return input + "." + base64url_encode(*signature);
}

boost::json::object valid_payload() {
    return {{"iss", "https://ta.test"},
            {"sub", "https://leaf.test"},
            {"iat", kTestNow},
            {"exp", kTestNow + 3600}};
}

}  // namespace inmor::jose::testing
