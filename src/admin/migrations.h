// Versioned schema migrations of the admin database.
#pragma once

#include "admin/database.h"

#include <string_view>
#include <vector>

namespace inmor::admin {

/// One numbered schema step. `sql` is the portable text: statements separated
/// by `;`, with `{{id}}` standing for each engine's auto-numbered primary key.
struct Migration {
    int version;
    std::string_view description;
    std::string_view sql;
};

/// Every migration in order; the last one is the current schema version.
const std::vector<Migration>& all_migrations();

/// The outcome of migrate().
struct MigrationReport {
    std::vector<int> applied;  ///< versions applied by this call, in order
    int current_version = 0;   ///< highest version present afterwards
};

/// Applies every migration the database lacks, each inside its own
/// transaction together with its row in `schema_migrations(version,
/// applied_at)`. Safe to run again and from several processes at once: on
/// PostgreSQL an advisory lock orders them, on SQLite the write lock does.
Result<MigrationReport> migrate(Database& database);

/// The `{{id}}` expansion and statement split of a migration for one engine.
std::vector<std::string> migration_statements(const Migration& migration, DatabaseEngine engine);

}  // namespace inmor::admin
