// Fuzzes JWK and JWK Set parsing, export and thumbprints: any input must give
// a key or an error naming the member, never a crash.
#include "jose/jwk.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

void exercise(const inmor::jose::Jwk& key) {
    static_cast<void>(key.thumbprint());
    static_cast<void>(key.public_json());
    static_cast<void>(key.signing_algorithm());
    static_cast<void>(key.fits(inmor::jose::JwsAlgorithm::kEs256));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    for (auto part : {inmor::jose::KeyPart::kPublic, inmor::jose::KeyPart::kPrivate}) {
        auto key = inmor::jose::Jwk::parse(text, part);
        if (key) {
            exercise(*key);
        }
    }

    auto set = inmor::jose::JwkSet::parse(text);
    if (set) {
        for (const auto& key : *set) {
            exercise(key);
        }
        static_cast<void>(set->public_json());
    }
    return 0;
}
