// Typed reading of handler input.
#include "admin/api/request_body.h"

#include "common/json.h"

#include <charconv>

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

ActionError wrong_type(std::string_view name, std::string_view expected) {
    return ActionError{400, std::string(name) + ": must be " + std::string(expected),
                       std::nullopt};
}

// A query integer: digits only, in range.
ActionResult<std::optional<std::int64_t>> query_integer(const http::Params& query,
                                                        std::string_view name) {
    Result<std::optional<std::string>> text = query.optional(name);
    if (!text) {
        return ActionError{400, text.error().message(), std::nullopt};
    }
    if (!*text) {
        return std::optional<std::int64_t>();
    }
    std::int64_t value = 0;
    const std::string& digits = **text;
    auto [end, failure] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (failure != std::errc() || end != digits.data() + digits.size()) {
        return wrong_type(name, "an integer");
    }
    return std::optional<std::int64_t>(value);
}

}  // namespace

ActionResult<json::object> json_body(const http::Request& request) {
    if (request.body.empty()) {
        return json::object();
    }
    Result<json::object> body = parse_json_object(request.body, "body");
    if (!body) {
        return ActionError{400, body.error().message(), std::nullopt};
    }
    return std::move(*body);
}

ActionResult<std::int64_t> path_id(const ApiCall& call, std::string_view resource) {
    auto found = call.path_params.find("id");
    std::string text = found == call.path_params.end() ? "" : found->second;
    std::int64_t id = 0;
    auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || failure != std::errc() || end != text.data() + text.size() || id <= 0) {
        return ActionError{404, std::string(resource) + " not found: " + text, std::nullopt};
    }
    return id;
}

ActionResult<PageRequest> page_of(const http::Params& query) {
    PageRequest page;
    ActionResult<std::optional<std::int64_t>> limit = query_integer(query, "limit");
    if (!limit) {
        return limit.error();
    }
    ActionResult<std::optional<std::int64_t>> offset = query_integer(query, "offset");
    if (!offset) {
        return offset.error();
    }
    page.limit = limit->value_or(kDefaultPageLimit);
    page.offset = offset->value_or(0);
    if (Result<void> valid = validate_page(page); !valid) {
        return action_error(valid.error());
    }
    return page;
}

ActionResult<std::optional<bool>> optional_bool(const json::object& body, std::string_view name) {
    const json::value* value = body.if_contains(name);
    if (value == nullptr || value->is_null()) {
        return std::optional<bool>();
    }
    if (!value->is_bool()) {
        return wrong_type(name, "a boolean");
    }
    return std::optional<bool>(value->as_bool());
}

ActionResult<std::optional<std::int64_t>> optional_integer(const json::object& body,
                                                           std::string_view name) {
    const json::value* value = body.if_contains(name);
    if (value == nullptr || value->is_null()) {
        return std::optional<std::int64_t>();
    }
    if (value->is_int64()) {
        return std::optional<std::int64_t>(value->as_int64());
    }
    if (value->is_uint64() && value->as_uint64() <= INT64_MAX) {
        return std::optional<std::int64_t>(static_cast<std::int64_t>(value->as_uint64()));
    }
    return wrong_type(name, "an integer");
}

ActionResult<std::optional<std::string>> optional_string(const json::object& body,
                                                         std::string_view name) {
    const json::value* value = body.if_contains(name);
    if (value == nullptr || value->is_null()) {
        return std::optional<std::string>();
    }
    if (!value->is_string()) {
        return wrong_type(name, "a string");
    }
    return std::optional<std::string>(std::string(value->as_string()));
}

ActionResult<std::optional<json::object>> optional_object(const json::object& body,
                                                          std::string_view name) {
    const json::value* value = body.if_contains(name);
    if (value == nullptr || value->is_null()) {
        return std::optional<json::object>();
    }
    if (!value->is_object()) {
        return wrong_type(name, "an object");
    }
    return std::optional<json::object>(value->as_object());
}

ActionResult<std::string> required_string(const json::object& body, std::string_view name) {
    ActionResult<std::optional<std::string>> value = optional_string(body, name);
    if (!value) {
        return value.error();
    }
    if (!*value) {
        return ActionError{400, std::string(name) + ": is required", std::nullopt};
    }
    return std::move(**value);
}

ActionResult<std::int64_t> required_integer(const json::object& body, std::string_view name) {
    ActionResult<std::optional<std::int64_t>> value = optional_integer(body, name);
    if (!value) {
        return value.error();
    }
    if (!*value) {
        return ActionError{400, std::string(name) + ": is required", std::nullopt};
    }
    return **value;
}

http::Response error_response(const ActionError& error) {
    return api_error_response(to_api_error(error));
}

}  // namespace inmor::admin::api
