// The PostgreSQL engine of the admin database (libpq, parameterized queries).
#pragma once

#include "admin/database.h"

#include <memory>
#include <string>

namespace inmor::admin {

/// Connects to `url` (`postgresql://user:pass@host:port/db[?param=value]`, as
/// libpq reads it). Connecting gives up after 10 s unless the URL sets
/// `connect_timeout`. Unreachable or refusing servers give
/// kTemporarilyUnavailable.
Result<std::unique_ptr<Connection>> open_postgres_connection(const std::string& url);

/// Rewrites the `?` placeholders of `sql` to PostgreSQL's `$1, $2, ...`,
/// leaving question marks inside quoted literals and identifiers alone.
std::string number_placeholders(std::string_view sql);

}  // namespace inmor::admin
