// Pieces every repository shares: pagination, duplicate outcomes, field
// errors, time formatting and the JSON text columns.
#pragma once

#include "admin/database.h"
#include "common/clock.h"
#include "common/error.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace inmor::admin {

/// Page size when the request names none, as the original admin API.
inline constexpr std::int64_t kDefaultPageLimit = 100;
/// Largest page a request may ask for.
inline constexpr std::int64_t kMaxPageLimit = 1000;

/// `limit` and `offset` of a list request.
struct PageRequest {
    std::int64_t limit = kDefaultPageLimit;
    std::int64_t offset = 0;
};

/// One page of a list: the total number of matching rows and this page's rows.
template <class T>
struct Page {
    std::int64_t count = 0;
    std::vector<T> items;
};

/// The outcome of a create: the new row, or with `duplicate` set, the row
/// that already has the unique value (the API returns 403 with it).
// NOTE: of two creates racing for one unique value, the loser gets
// kInvalidRequest "FIELD: already exists" from the unique constraint instead
// of `duplicate`, because the winner had not committed when the loser checked.
template <class T>
struct Inserted {
    T row;
    bool duplicate = false;
};

/// `{"count": N, "items": [...]}`, the list shape of the admin API, with each
/// item serialized by the `to_json` overload of its type.
template <class T>
boost::json::object page_json(const Page<T>& page) {
    boost::json::array items;
    items.reserve(page.items.size());
    for (const T& item : page.items) {
        items.emplace_back(to_json(item));
    }
    return boost::json::object{{"count", page.count}, {"items", std::move(items)}};
}

/// Every row of a paged list, read kMaxPageLimit rows at a time through
/// `list_page(PageRequest)`, which returns Result<Page<T>>. The first error
/// ends the walk and is returned.
template <class T, class ListPage>
Result<std::vector<T>> list_all_pages(ListPage list_page) {
    std::vector<T> rows;
    PageRequest page{kMaxPageLimit, 0};
    while (true) {
        Result<Page<T>> listed = list_page(page);
        if (!listed) {
            return listed.error();
        }
        for (T& row : listed->items) {
            rows.push_back(std::move(row));
        }
        page.offset += static_cast<std::int64_t>(listed->items.size());
        if (listed->items.empty() || page.offset >= listed->count) {
            return rows;
        }
    }
}

/// Rejects a negative offset or a limit outside 1..kMaxPageLimit.
Result<void> validate_page(const PageRequest& page);

/// kInvalidRequest with the message "FIELD: PROBLEM".
Error field_error(std::string_view field, std::string_view problem);

/// kNotFound "RESOURCE not found: ID".
Error not_found_error(std::string_view resource, std::int64_t id);

/// The row a find function returned, or kNotFound "RESOURCE not found: ID"
/// when it found none. Errors of the lookup pass through unchanged.
template <class T>
Result<T> require_found(Result<std::optional<T>> found, std::string_view resource,
                        std::int64_t id) {
    if (!found) {
        return found.error();
    }
    if (!found->has_value()) {
        return not_found_error(resource, id);
    }
    return std::move(**found);
}

/// Unix seconds as an RFC 3339 UTC date-time, "2026-12-04T16:38:03Z".
std::string format_timestamp(UnixSeconds seconds);

/// A nullable timestamp column as JSON: the date-time text or null.
boost::json::value timestamp_json(const std::optional<UnixSeconds>& seconds);

/// Serializes a JSON object for a TEXT column.
std::string json_text(const boost::json::object& object);
std::optional<std::string> json_text(const std::optional<boost::json::object>& object);

/// Reads back a JSON object stored by json_text; a NULL or damaged column
/// gives an empty object (and kServerError for a damaged one when `strict`).
Result<boost::json::object> stored_object(const Row& row, std::size_t column,
                                          std::string_view field);
Result<std::optional<boost::json::object>> stored_optional_object(const Row& row,
                                                                  std::size_t column,
                                                                  std::string_view field);

/// Runs `SELECT COUNT(*) ...` and returns the count.
Result<std::int64_t> count_rows(SqlExecutor& executor, std::string_view sql,
                                const SqlParams& params = {});

/// Appends the LIMIT/OFFSET placeholders' values of `page` to `params`.
SqlParams with_page(SqlParams params, const PageRequest& page);

}  // namespace inmor::admin
