// The SQLite engine of the admin database (sqlite3 C API).
#pragma once

#include "admin/database.h"

#include <filesystem>
#include <memory>

namespace inmor::admin {

/// How long a statement waits for another connection's write lock before it
/// fails with kTemporarilyUnavailable.
inline constexpr int kSqliteBusyTimeoutMilliseconds = 5000;

/// Opens (creating it when missing) the SQLite file at `path` with WAL
/// journaling, the busy timeout above and foreign keys enforced.
Result<std::unique_ptr<Connection>> open_sqlite_connection(const std::filesystem::path& path);

}  // namespace inmor::admin
