// Fuzzes compact JWS decoding and verification with a fixed key set and
// clock: any input must give a value or an error, never a crash.
#include "common/clock.h"
#include "fuzz_keys.h"
#include "jose/jws.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

const inmor::jose::JwkSet& fuzz_keys() {
    static const inmor::jose::JwkSet keys =
        inmor::jose::JwkSet::parse(inmor::fuzz::kFuzzJwks).value();
    return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view token(reinterpret_cast<const char*>(data), size);

    auto decoded = inmor::jose::decode_unverified(token);
    if (decoded) {
        static_cast<void>(decoded->kid());
        static_cast<void>(decoded->issuer());
    }

    // The seed tokens are valid at this time, so verification runs to the end.
    static const inmor::FixedClock clock(1'700'000'000);
    inmor::jose::VerifyOptions options;
    options.understood_claims = {"fuzz_extension"};
    options.understood_header_parameters = {"fuzz_parameter"};
    auto verified =
        inmor::jose::verify_jws(token, fuzz_keys(), "entity-statement+jwt", clock, options);
    if (verified) {
        static_cast<void>(verified->payload().size());
    }
    return 0;
}
