// Listing subordinates: the web UI's search, sort and paging, and every row
// for the commands and the scheduler.
#pragma once

#include "admin/subordinate_repository.h"

#include <optional>
#include <string>
#include <vector>

namespace inmor::admin {

/// A list request of the web UI. `search` is a case-insensitive substring of
/// the entity identifier. `sort` is one of `id`, `entityid`, `expire_at`,
/// `active` and `updated_at`, and a leading `-` sorts descending.
struct SubordinateQuery {
    PageRequest page;
    std::string search;
    std::optional<bool> active;
    std::string sort = "id";
};

/// One page of subordinates matching `query`, with the total count.
/// kInvalidRequest naming `sort` for an unknown key.
Result<Page<Subordinate>> search_subordinates(SqlExecutor& executor,
                                              const SubordinateQuery& query);

/// Every subordinate, page by page.
Result<std::vector<Subordinate>> all_subordinates(SqlExecutor& executor);

}  // namespace inmor::admin
