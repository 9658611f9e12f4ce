// Feeds arbitrary bytes to parse_redis_uri: it must return an endpoint or an
// invalid_request error, and an accepted endpoint must be usable as is.
#include "storage/redis/redis_uri.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto endpoint = inmor::storage::parse_redis_uri(text);
    if (!endpoint) {
        if (endpoint.error().code() != inmor::ErrorCode::kInvalidRequest) std::abort();
        return 0;
    }

    if (endpoint->host.empty()) std::abort();
    if (endpoint->port < 1 || endpoint->port > 65535) std::abort();
    if (endpoint->database < 0) std::abort();
    return 0;
}
