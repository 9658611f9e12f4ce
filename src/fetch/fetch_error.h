// FetchError: why an outbound fetch failed, and whether trying again later
// may help.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace inmor::fetch {

/// The kinds of fetch failure. kRefusedByGuard (the address guard refused
/// the target) is kept apart from kConnectFailed (the network failed).
enum class FetchErrorKind {
    kInvalidUrl,         // not a URL, a malformed host, or a scheme not allowed
    kRefusedByGuard,     // the host resolves to an address the guard refuses
    kNameNotFound,       // the name does not exist (NXDOMAIN, no addresses)
    kResolveFailed,      // the resolver failed temporarily
    kConnectFailed,      // no TCP connection could be opened
    kTransferFailed,     // the connection broke during the exchange
    kTimeout,            // connect_timeout or total_timeout expired
    kTls,                // handshake or certificate verification failed
    kHttpStatus,         // the response status is not 2xx
    kBodyTooLarge,       // the body exceeds max_body_bytes
    kInvalidUtf8,        // text was expected and the body is not UTF-8
    kTooManyRedirects,   // more than max_redirects redirects
    kInvalidResponse,    // a redirect without a usable Location, or a garbled reply
    kInternal,           // libcurl could not be set up
};

/// The snake_case name of a kind ("refused_by_guard"), for logs and tools.
std::string_view fetch_error_kind_name(FetchErrorKind kind);

/// A failed fetch: the kind, a message naming the URL and the cause, and for
/// kHttpStatus the status, the body and any Retry-After the server sent.
struct FetchError {
    FetchErrorKind kind = FetchErrorKind::kInternal;
    std::string message;
    /// The URL of the hop that failed (after redirects).
    std::string url;
    /// The HTTP status for kHttpStatus, 0 otherwise.
    int http_status = 0;
    /// The response body for kHttpStatus (at most max_body_bytes).
    std::string body;
    /// The server's Retry-After for a 429 or 503, when it sent one.
    std::optional<std::chrono::seconds> retry_after;
    /// Redirects followed before the hop that failed: 0 when the requested
    /// URL itself failed, more when a redirect led to the failing URL.
    int redirects = 0;

    /// True for failures that may pass when tried again later: 5xx and 429
    /// statuses, failed connections and transfers, timeouts and temporary
    /// resolver failures. Guard refusals, TLS failures, other 4xx statuses
    /// and oversized or malformed bodies are permanent.
    bool transient() const;
};

/// Thrown only by `FetchResult::value()` on an error.
class FetchException : public std::exception {
public:
    explicit FetchException(FetchError error) : error_(std::move(error)) {}
    const char* what() const noexcept override { return error_.message.c_str(); }
    const FetchError& error() const { return error_; }

private:
    FetchError error_;
};

[[noreturn]] void throw_exception_from_error(const FetchError& error,
                                             const boost::source_location& location);

template <class T>
using FetchResult = boost::system::result<T, FetchError>;

}  // namespace inmor::fetch
