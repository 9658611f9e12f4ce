// Reading a handler's input: the JSON body, typed members with errors that
// name them, the `{id}` path placeholder and `limit`/`offset` paging.
#pragma once

#include "admin/admin_action.h"
#include "admin/repository_support.h"
#include "http/params.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inmor::admin::api {

/// The body as a JSON object; 400 "body: ..." when it is not one (an empty
/// body reads as `{}`).
ActionResult<boost::json::object> json_body(const http::Request& request);

/// The `{id}` placeholder as a positive integer; 404 naming `resource`
/// otherwise, as no such object can exist.
ActionResult<std::int64_t> path_id(const ApiCall& call, std::string_view resource);

/// `limit` (1..1000, default 100) and `offset` (>= 0) from the query.
ActionResult<PageRequest> page_of(const http::Params& query);

/// Typed members of a body. Absent and `null` members are nullopt; a member
/// of another type is 400 "NAME: must be ...".
ActionResult<std::optional<bool>> optional_bool(const boost::json::object& body,
                                                std::string_view name);
ActionResult<std::optional<std::int64_t>> optional_integer(const boost::json::object& body,
                                                           std::string_view name);
ActionResult<std::optional<std::string>> optional_string(const boost::json::object& body,
                                                         std::string_view name);
ActionResult<std::optional<boost::json::object>> optional_object(
    const boost::json::object& body, std::string_view name);

/// A member that must be present and non-null; 400 "NAME: is required".
ActionResult<std::string> required_string(const boost::json::object& body,
                                          std::string_view name);
ActionResult<std::int64_t> required_integer(const boost::json::object& body,
                                            std::string_view name);

/// The error response for a failed action.
http::Response error_response(const ActionError& error);

}  // namespace inmor::admin::api
