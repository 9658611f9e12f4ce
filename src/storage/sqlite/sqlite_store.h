// The embedded engine: the KeyValueStore data model in one SQLite file that
// several processes (admin, collection walker, server) open at once.
#pragma once

#include "storage/key_value_store.h"

#include <chrono>
#include <memory>
#include <string>

namespace inmor::storage {

struct SqliteStoreOptions {
    /// How long a writer waits for another process's transaction to finish
    /// before the store reports kTemporarilyUnavailable.
    std::chrono::milliseconds busy_timeout{5000};
    /// How often a change subscription polls the change log.
    std::chrono::milliseconds poll_interval{100};
    /// How long change log entries are kept for slow listeners.
    std::chrono::seconds change_log_retention{600};
};

/// Opens (creating it and its parent directories when needed, mode 0600) the
/// store file at `path`. Errors: kServerError when the file cannot be opened
/// or its tables cannot be created.
Result<std::unique_ptr<KeyValueStore>> open_sqlite_store(const std::string& path,
                                                        SqliteStoreOptions options = {});

}  // namespace inmor::storage
