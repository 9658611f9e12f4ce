// Pagination, error and JSON helpers shared by the repositories.
#include "admin/repository_support.h"

#include "common/json.h"

#include <ctime>

namespace inmor::admin {

Result<void> validate_page(const PageRequest& page) {
    if (page.limit < 1 || page.limit > kMaxPageLimit) {
        return field_error("limit", "must be between 1 and " + std::to_string(kMaxPageLimit));
    }
    if (page.offset < 0) {
        return field_error("offset", "must not be negative");
    }
    return {};
}

Error field_error(std::string_view field, std::string_view problem) {
    return Error::invalid_request(std::string(field) + ": " + std::string(problem));
}

Error not_found_error(std::string_view resource, std::int64_t id) {
    return Error::not_found(std::string(resource) + " not found: " + std::to_string(id));
}

std::string format_timestamp(UnixSeconds seconds) {
    std::time_t time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&time, &parts);
    char text[32];
    std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return std::string(text, length);
}

boost::json::value timestamp_json(const std::optional<UnixSeconds>& seconds) {
    if (!seconds) {
        return nullptr;
    }
    return boost::json::value(format_timestamp(*seconds));
}

std::string json_text(const boost::json::object& object) {
    return inmor::to_json(object);
}

std::optional<std::string> json_text(const std::optional<boost::json::object>& object) {
    if (!object) {
        return std::nullopt;
    }
    return inmor::to_json(*object);
}

Result<std::optional<boost::json::object>> stored_optional_object(const Row& row,
                                                                  std::size_t column,
                                                                  std::string_view field) {
    if (row.is_null(column)) {
        return std::optional<boost::json::object>();
    }
    // Only this program writes these columns; a parse failure means the row
    // was edited by hand or damaged.
    Result<boost::json::object> parsed = parse_json_object(row.text(column), field);
    if (!parsed) {
        return Error::server_error("stored " + std::string(field) + " is not a JSON object",
                                   parsed.error().message());
    }
    return std::optional<boost::json::object>(std::move(*parsed));
}

Result<boost::json::object> stored_object(const Row& row, std::size_t column,
                                          std::string_view field) {
    Result<std::optional<boost::json::object>> stored = stored_optional_object(row, column, field);
    if (!stored) {
        return stored.error();
    }
    return stored->value_or(boost::json::object());
}

Result<std::int64_t> count_rows(SqlExecutor& executor, std::string_view sql,
                                const SqlParams& params) {
    Result<std::optional<Row>> row = executor.query_one(sql, params);
    if (!row) {
        return row.error();
    }
    return row->has_value() ? (*row)->integer(0) : 0;
}

SqlParams with_page(SqlParams params, const PageRequest& page) {
    params.emplace_back(page.limit);
    params.emplace_back(page.offset);
    return params;
}

}  // namespace inmor::admin
