// Reading a request's JSON body and query parameters for the admin API,
// with every failure an ApiError (400) naming the field.
#pragma once

#include "admin/api/api_route.h"
#include "admin/repository_support.h"

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace inmor::admin::api {

/// A value or the ApiError to send instead.
template <class T>
using ApiResult = boost::system::result<T, ApiError>;

/// Parses the body as a JSON object. An empty body gives an empty object when
/// `allow_empty` is set, else a 400. A body that is not a JSON object, or is
/// sent with a Content-Type other than application/json, also gets a 400.
ApiResult<boost::json::object> body_object(const http::Request& request, bool allow_empty = false);

/// 400 "FIELD: unknown member" for the first member not in `allowed`.
ApiResult<void> reject_unknown_members(const boost::json::object& body,
                                       std::initializer_list<std::string_view> allowed);

/// A string member: 400 "FIELD: must be a string" for another type,
/// "FIELD: missing" when required and absent (null counts as absent).
ApiResult<std::optional<std::string>> string_member(const boost::json::object& body,
                                                    std::string_view field, bool required);

/// The string `code` (a TOTP or recovery code) of a body that has no other
/// member: 400 naming the member when it is missing, of another type, or
/// joined by an unknown member.
ApiResult<std::string> code_member(const http::Request& request);

/// A boolean member; 400 "FIELD: must be true or false" for another type.
ApiResult<std::optional<bool>> bool_member(const boost::json::object& body,
                                           std::string_view field);

/// An integer member within [minimum, maximum]; 400 naming the field for
/// another type or a value out of range.
ApiResult<std::optional<std::int64_t>> integer_member(const boost::json::object& body,
                                                      std::string_view field,
                                                      std::int64_t minimum, std::int64_t maximum);

/// `limit` (1..kMaxPageLimit, default 100) and `offset` (>= 0, default 0)
/// from the query string.
ApiResult<PageRequest> page_request(const http::Request& request);

/// A query parameter, nullopt when absent or empty. A value longer than 2048
/// bytes or with control characters gets a 400 naming the parameter.
ApiResult<std::optional<std::string>> query_parameter(const http::Request& request,
                                                      std::string_view name);

/// A path placeholder holding a positive integer id; 404 "RESOURCE not
/// found: TEXT" otherwise, as no object has such an id.
ApiResult<std::int64_t> path_id(const ApiCall& call, std::string_view resource,
                                std::string_view name = "id");

/// The ApiError for a lower layer's Error: kInvalidRequest 400,
/// kInvalidClient 401, kNotFound 404, kTemporarilyUnavailable 503, anything
/// else 500 with a generic message (the detail is logged, never sent).
ApiError api_error_from(const Error& error);

}  // namespace inmor::admin::api
