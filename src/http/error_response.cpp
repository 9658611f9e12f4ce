// ErrorCode to HTTP status, in one place.
#include "http/error_response.h"

#include "common/json.h"

#include <boost/json/object.hpp>

namespace inmor::http {
namespace {

/// Length of the well-formed UTF-8 sequence at the start of `text`
/// (RFC 3629: no overlongs, no surrogates, at most U+10FFFF), or 0.
std::size_t utf8_sequence_length(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const auto continuation = [&](std::size_t i, unsigned char low, unsigned char high) {
        return i < text.size() && byte(i) >= low && byte(i) <= high;
    };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return 1;
    if (lead >= 0xc2 && lead <= 0xdf) return continuation(1, 0x80, 0xbf) ? 2 : 0;
    if (lead >= 0xe0 && lead <= 0xef) {
        const unsigned char low = lead == 0xe0 ? 0xa0 : 0x80;
        const unsigned char high = lead == 0xed ? 0x9f : 0xbf;
        return continuation(1, low, high) && continuation(2, 0x80, 0xbf) ? 3 : 0;
    }
    if (lead >= 0xf0 && lead <= 0xf4) {
        const unsigned char low = lead == 0xf0 ? 0x90 : 0x80;
        const unsigned char high = lead == 0xf4 ? 0x8f : 0xbf;
        return continuation(1, low, high) && continuation(2, 0x80, 0xbf) &&
                       continuation(3, 0x80, 0xbf)
                   ? 4
                   : 0;
    }
    return 0;
}

/// `text` with every byte that does not start a well-formed UTF-8 sequence
/// replaced by U+FFFD, so the JSON text stays valid UTF-8 (RFC 8259).
std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const std::size_t length = utf8_sequence_length(text);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            text.remove_prefix(1);
            continue;
        }
        out.append(text.substr(0, length));
        text.remove_prefix(length);
    }
    return out;
}

}  // namespace

unsigned http_status_of(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidRequest: return 400;
        case ErrorCode::kInvalidClient: return 401;
        case ErrorCode::kInvalidIssuer: return 404;
        case ErrorCode::kInvalidSubject: return 404;
        case ErrorCode::kInvalidTrustAnchor: return 404;
        case ErrorCode::kInvalidTrustChain: return 400;
        case ErrorCode::kInvalidMetadata: return 400;
        case ErrorCode::kNotFound: return 404;
        case ErrorCode::kServerError: return 500;
        case ErrorCode::kTemporarilyUnavailable: return 503;
        case ErrorCode::kUnsupportedParameter: return 400;
        case ErrorCode::kPageNotFound: return 404;
        case ErrorCode::kUnsupportedClaim: return 400;
    }
    return 500;
}

Response error_response(unsigned status, std::string_view error,
                        std::string_view description) {
    boost::json::object body;
    body["error"] = error;
    // Descriptions echo request parameters, which may be any bytes after
    // percent-decoding; boost::json writes strings unchecked.
    body["error_description"] = valid_utf8(description);
    return json_response(to_json(body), status);
}

Response error_response(const Error& error) {
    const std::string_view description =
        error.message().empty() ? std::string_view("the request failed") : error.message();
    Response response = error_response(http_status_of(error.code()),
                                       error_code_name(error.code()), description);
    if (error.code() == ErrorCode::kTemporarilyUnavailable) {
        response.add_header("Retry-After", "5");
    }
    return response;
}

Response json_response(std::string body, unsigned status) {
    Response response;
    response.status = status;
    response.content_type = content_type::kJson;
    response.body = std::move(body);
    return response;
}

}  // namespace inmor::http
