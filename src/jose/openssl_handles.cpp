// The OpenSSL error queue reader shared by the JOSE sources.
#include "jose/openssl_handles.h"

#include <openssl/err.h>

#include <array>

namespace inmor::jose::detail {

std::string take_openssl_errors() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        std::array<char, 256> buffer{};
        ERR_error_string_n(code, buffer.data(), buffer.size());
        if (!text.empty()) {
            text += "; ";
        }
        text += buffer.data();
    }
    return text;
}

Error openssl_failure(std::string_view message) {
    return Error::server_error(std::string(message), take_openssl_errors());
}

void clear_openssl_errors() {
    ERR_clear_error();
}

}  // namespace inmor::jose::detail
