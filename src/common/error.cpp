// The wire names of error codes and the bridge from Result to exceptions.
#include "common/error.h"

namespace inmor {

std::string_view error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidRequest: return "invalid_request";
        case ErrorCode::kInvalidClient: return "invalid_client";
        case ErrorCode::kInvalidIssuer: return "invalid_issuer";
        case ErrorCode::kInvalidSubject: return "invalid_subject";
        case ErrorCode::kInvalidTrustAnchor: return "invalid_trust_anchor";
        case ErrorCode::kInvalidTrustChain: return "invalid_trust_chain";
        case ErrorCode::kInvalidMetadata: return "invalid_metadata";
        case ErrorCode::kNotFound: return "not_found";
        case ErrorCode::kServerError: return "server_error";
        case ErrorCode::kTemporarilyUnavailable: return "temporarily_unavailable";
        case ErrorCode::kUnsupportedParameter: return "unsupported_parameter";
        case ErrorCode::kPageNotFound: return "page_not_found";
        case ErrorCode::kUnsupportedClaim: return "unsupported_claim";
    }
    return "server_error";
}

Error Error::with_context(std::string_view prefix) const {
    return Error(code_, std::string(prefix) + ": " + message_, detail_);
}

void throw_exception_from_error(const Error& error, const boost::source_location&) {
    throw ErrorException(error);
}

}  // namespace inmor
