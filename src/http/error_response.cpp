// ErrorCode to HTTP status, in one place.
#include "http/error_response.h"

#include "common/json.h"

#include <boost/json/object.hpp>

namespace inmor::http {

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
    body["error_description"] = description;
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
