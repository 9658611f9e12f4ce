// JSON body and query parameter readers of the admin API.
#include "admin/api/request_input.h"

#include "common/json.h"
#include "common/logging.h"
#include "http/params.h"

#include <boost/json/value.hpp>

#include <charconv>

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

ApiError bad_request(std::string message) { return ApiError{400, std::move(message), {}}; }

ApiResult<std::int64_t> parse_integer(std::string_view text, std::string_view name,
                                      std::int64_t minimum, std::int64_t maximum) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        return bad_request(std::string(name) + ": must be an integer");
    }
    if (value < minimum || value > maximum) {
        return bad_request(std::string(name) + ": must be between " + std::to_string(minimum) +
                           " and " + std::to_string(maximum));
    }
    return ApiResult<std::int64_t>(boost::system::in_place_value, value);
}

}  // namespace

ApiResult<json::object> body_object(const http::Request& request, bool allow_empty) {
    if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        if (allow_empty) return json::object{};
        return bad_request("body: missing; send a JSON object");
    }
    if (!http::content_type_is(request.content_type, http::content_type::kJson)) {
        return bad_request("Content-Type: must be application/json");
    }
    Result<json::value> parsed = parse_json(request.body, "body");
    if (!parsed) return bad_request(parsed.error().message());
    if (!parsed->is_object()) return bad_request("body: must be a JSON object");
    return std::move(parsed->as_object());
}

ApiResult<void> reject_unknown_members(const json::object& body,
                                       std::initializer_list<std::string_view> allowed) {
    for (const auto& member : body) {
        bool known = false;
        for (std::string_view name : allowed) known = known || member.key() == name;
        if (!known) return bad_request(std::string(member.key()) + ": unknown member");
    }
    return {};
}

ApiResult<std::optional<std::string>> string_member(const json::object& body,
                                                    std::string_view field, bool required) {
    const json::value* value = body.if_contains(field);
    if (value == nullptr || value->is_null()) {
        if (required) return bad_request(std::string(field) + ": missing");
        return std::optional<std::string>();
    }
    if (!value->is_string()) return bad_request(std::string(field) + ": must be a string");
    return std::optional<std::string>(std::string(value->as_string()));
}

ApiResult<std::string> code_member(const http::Request& request) {
    auto body = body_object(request);
    if (!body) return body.error();
    if (auto known = reject_unknown_members(*body, {"code"}); !known) return known.error();
    auto code = string_member(*body, "code", true);
    if (!code) return code.error();
    return std::move(**code);
}

ApiResult<std::optional<bool>> bool_member(const json::object& body, std::string_view field) {
    const json::value* value = body.if_contains(field);
    if (value == nullptr || value->is_null()) return std::optional<bool>();
    if (!value->is_bool()) return bad_request(std::string(field) + ": must be true or false");
    return std::optional<bool>(value->as_bool());
}

ApiResult<std::optional<std::int64_t>> integer_member(const json::object& body,
                                                      std::string_view field,
                                                      std::int64_t minimum, std::int64_t maximum) {
    const json::value* value = body.if_contains(field);
    if (value == nullptr || value->is_null()) return std::optional<std::int64_t>();
    std::int64_t number = 0;
    if (value->is_int64()) {
        number = value->as_int64();
    } else if (value->is_uint64() && value->as_uint64() <= static_cast<std::uint64_t>(maximum)) {
        number = static_cast<std::int64_t>(value->as_uint64());
    } else if (value->is_uint64()) {
        return bad_request(std::string(field) + ": must be between " + std::to_string(minimum) +
                           " and " + std::to_string(maximum));
    } else {
        return bad_request(std::string(field) + ": must be an integer");
    }
    if (number < minimum || number > maximum) {
        return bad_request(std::string(field) + ": must be between " + std::to_string(minimum) +
                           " and " + std::to_string(maximum));
    }
    return std::optional<std::int64_t>(number);
}

ApiResult<PageRequest> page_request(const http::Request& request) {
    PageRequest page;
    auto limit = query_parameter(request, "limit");
    if (!limit) return limit.error();
    if (*limit) {
        auto value = parse_integer(**limit, "limit", 1, kMaxPageLimit);
        if (!value) return value.error();
        page.limit = *value;
    }
    auto offset = query_parameter(request, "offset");
    if (!offset) return offset.error();
    if (*offset) {
        auto value = parse_integer(**offset, "offset", 0, INT64_MAX / 2);
        if (!value) return value.error();
        page.offset = *value;
    }
    return page;
}

ApiResult<std::optional<std::string>> query_parameter(const http::Request& request,
                                                      std::string_view name) {
    const http::Params params = http::Params::parse(request.query);
    for (const auto& [key, value] : params.items()) {
        if (key != name) continue;
        if (value.empty()) return std::optional<std::string>();
        if (auto checked = http::Params::check(name, value); !checked) {
            return bad_request(checked.error().message());
        }
        return std::optional<std::string>(value);
    }
    return std::optional<std::string>();
}

ApiResult<std::int64_t> path_id(const ApiCall& call, std::string_view resource,
                                std::string_view name) {
    const auto found = call.path_params.find(std::string(name));
    const std::string text = found == call.path_params.end() ? "" : found->second;
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || id <= 0) {
        return ApiError{404, std::string(resource) + " not found: " + text, {}};
    }
    return ApiResult<std::int64_t>(boost::system::in_place_value, id);
}

ApiError api_error_from(const Error& error) {
    switch (error.code()) {
    case ErrorCode::kInvalidRequest:
        return ApiError{400, error.message(), {}};
    case ErrorCode::kInvalidClient:
        return ApiError{401, error.message(), {}};
    case ErrorCode::kNotFound:
        return ApiError{404, error.message(), {}};
    case ErrorCode::kTemporarilyUnavailable:
        logger("admin")->warn("request failed, dependency unavailable error={} detail={}",
                              error.message(), error.detail());
        return ApiError{503, error.message(), {}};
    default:
        logger("admin")->error("request failed error={} detail={}", error.message(),
                               error.detail());
        return ApiError{500, "internal error: " + error.message(), {}};
    }
}

}  // namespace inmor::admin::api
