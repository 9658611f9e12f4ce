// Error, ErrorCode and Result: how every layer above the drivers reports failure.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace inmor {

/// The OpenID Federation error codes (section "Error Response") plus the
/// Entity Collection ones. Each maps to one HTTP status in http/.
enum class ErrorCode {
    kInvalidRequest,
    kInvalidClient,
    kInvalidIssuer,
    kInvalidSubject,
    kInvalidTrustAnchor,
    kInvalidTrustChain,
    kInvalidMetadata,
    kNotFound,
    kServerError,
    kTemporarilyUnavailable,
    kUnsupportedParameter,
    kPageNotFound,
    kUnsupportedClaim,
};

/// The wire spelling of a code, e.g. "invalid_trust_chain".
std::string_view error_code_name(ErrorCode code);

/// A failure with a message that is safe to send to a client as
/// `error_description`, and a detail kept for logs only (driver text,
/// OpenSSL error queue, key ids).
class Error {
public:
    /// An unspecified server error; boost::system::result needs a default.
    Error() : code_(ErrorCode::kServerError) {}
    Error(ErrorCode code, std::string message, std::string detail = {})
        : code_(code), message_(std::move(message)), detail_(std::move(detail)) {}

    static Error invalid_request(std::string message) {
        return {ErrorCode::kInvalidRequest, std::move(message)};
    }
    static Error not_found(std::string message) {
        return {ErrorCode::kNotFound, std::move(message)};
    }
    static Error server_error(std::string message, std::string detail = {}) {
        return {ErrorCode::kServerError, std::move(message), std::move(detail)};
    }
    static Error unavailable(std::string message, std::string detail = {}) {
        return {ErrorCode::kTemporarilyUnavailable, std::move(message), std::move(detail)};
    }

    ErrorCode code() const { return code_; }
    const std::string& message() const { return message_; }
    const std::string& detail() const { return detail_; }

    /// The same error with `prefix` put in front of the message, so an outer
    /// layer can name where the failure sits ("trust_marks[2]: ...").
    Error with_context(std::string_view prefix) const;

private:
    ErrorCode code_;
    std::string message_;
    std::string detail_;
};

/// Thrown only where `Result::value()` is called on an error; code that
/// checks `has_value()` first never receives it.
class ErrorException : public std::exception {
public:
    explicit ErrorException(Error error) : error_(std::move(error)) {}
    const char* what() const noexcept override { return error_.message().c_str(); }
    const Error& error() const { return error_; }

private:
    Error error_;
};

[[noreturn]] void throw_exception_from_error(const Error& error,
                                             const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace inmor
