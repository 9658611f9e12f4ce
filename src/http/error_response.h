// The one table from ErrorCode to HTTP status, and JSON error bodies.
#pragma once

#include "common/error.h"
#include "http/message.h"

namespace inmor::http {

/// The HTTP status for an error code, as the spec's "Error Response" section
/// recommends (invalid_request 400, not_found 404, temporarily_unavailable 503...).
unsigned http_status_of(ErrorCode code);

/// `{"error": ..., "error_description": ...}` as application/json with the
/// status of the error's code. Never includes the error's log-only detail.
Response error_response(const Error& error);

/// An error body with an explicit status, for conditions without an
/// ErrorCode (405, 413, 429, 431).
Response error_response(unsigned status, std::string_view error,
                        std::string_view description);

/// A JSON body with status 200 unless given.
Response json_response(std::string body, unsigned status = 200);

}  // namespace inmor::http
