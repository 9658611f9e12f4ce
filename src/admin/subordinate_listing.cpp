// Listing subordinates for the web UI, the commands and the scheduler.
#include "admin/subordinate_listing.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace inmor::admin {

Result<Page<Subordinate>> search_subordinates(SqlExecutor& executor,
                                              const SubordinateQuery& query) {
    if (Result<void> valid = validate_page(query.page); !valid) {
        return valid.error();
    }
    std::string_view key = query.sort;
    bool descending = !key.empty() && key.front() == '-';
    if (descending) {
        key.remove_prefix(1);
    }
    // Only these columns may be named, so the ORDER BY text is never user input.
    constexpr std::array<std::string_view, 5> kSortKeys = {"id", "entityid", "expire_at",
                                                           "active", "updated_at"};
    if (std::find(kSortKeys.begin(), kSortKeys.end(), key) == kSortKeys.end()) {
        return field_error("sort", "must be one of id, entityid, expire_at, active, "
                                   "updated_at (with - for descending)");
    }

    std::string where = " WHERE 1 = 1";
    SqlParams params;
    if (!query.search.empty()) {
        // LIKE wildcards in the search text match themselves.
        std::string pattern;
        for (char c : query.search) {
            if (c == '%' || c == '_' || c == '\\') {
                pattern += '\\';
            }
            pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        where += " AND LOWER(entityid) LIKE ? ESCAPE '\\'";
        params.emplace_back("%" + pattern + "%");
    }
    if (query.active) {
        where += " AND active = ?";
        params.emplace_back(std::int64_t{*query.active});
    }
    std::string direction = descending ? " DESC" : " ASC";
    // NULL expiries sort last on both engines.
    std::string order = " ORDER BY " + std::string(key) + " IS NULL, " + std::string(key) +
                        direction + ", id" + direction;

    Result<std::int64_t> count =
        count_rows(executor, "SELECT COUNT(*) FROM subordinates" + where, params);
    if (!count) {
        return count.error();
    }
    Result<std::vector<Row>> ids = executor.query(
        "SELECT id FROM subordinates" + where + order + " LIMIT ? OFFSET ?",
        with_page(params, query.page));
    if (!ids) {
        return ids.error();
    }
    Page<Subordinate> page{*count, {}};
    for (const Row& row : *ids) {
        Result<std::optional<Subordinate>> subordinate =
            find_subordinate(executor, row.integer(0));
        if (!subordinate) {
            return subordinate.error();
        }
        // A row deleted since the id query is left out of the page.
        if (*subordinate) {
            page.items.push_back(std::move(**subordinate));
        }
    }
    return page;
}

Result<std::vector<Subordinate>> all_subordinates(SqlExecutor& executor) {
    return list_all_pages<Subordinate>(
        [&](const PageRequest& page) { return list_subordinates(executor, page); });
}

}  // namespace inmor::admin
