// FetchError names and the transient/permanent split that drives retries.
#include "fetch/fetch_error.h"

namespace inmor::fetch {

std::string_view fetch_error_kind_name(FetchErrorKind kind) {
    switch (kind) {
    case FetchErrorKind::kInvalidUrl: return "invalid_url";
    case FetchErrorKind::kRefusedByGuard: return "refused_by_guard";
    case FetchErrorKind::kNameNotFound: return "name_not_found";
    case FetchErrorKind::kResolveFailed: return "resolve_failed";
    case FetchErrorKind::kConnectFailed: return "connect_failed";
    case FetchErrorKind::kTransferFailed: return "transfer_failed";
    case FetchErrorKind::kTimeout: return "timeout";
    case FetchErrorKind::kTls: return "tls";
    case FetchErrorKind::kHttpStatus: return "http_status";
    case FetchErrorKind::kBodyTooLarge: return "body_too_large";
    case FetchErrorKind::kInvalidUtf8: return "invalid_utf8";
    case FetchErrorKind::kTooManyRedirects: return "too_many_redirects";
    case FetchErrorKind::kInvalidResponse: return "invalid_response";
    case FetchErrorKind::kInternal: return "internal";
    }
    return "unknown";
}

bool FetchError::transient() const {
    switch (kind) {
    case FetchErrorKind::kResolveFailed:
    case FetchErrorKind::kConnectFailed:
    case FetchErrorKind::kTransferFailed:
    case FetchErrorKind::kTimeout:
        return true;
    case FetchErrorKind::kHttpStatus:
        return http_status == 429 || (http_status >= 500 && http_status <= 599);
    default:
        return false;
    }
}

void throw_exception_from_error(const FetchError& error, const boost::source_location&) {
    throw FetchException(error);
}

}  // namespace inmor::fetch
