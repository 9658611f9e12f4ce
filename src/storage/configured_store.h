// Opening the federation store a taconfig.toml names, the same way in every
// binary: Redis at `redis_uri`, else the embedded file `data_dir/federation.db`.
#pragma once

#include "common/config.h"
#include "storage/key_value_store.h"

#include <memory>
#include <string>

namespace inmor::storage {

/// File name of the embedded federation store inside `data_dir`.
inline constexpr std::string_view kEmbeddedStoreFile = "federation.db";

/// Opens the configured store, creating `data_dir` for the embedded engine.
/// Errors name the key at fault (`data_dir`, `redis_uri`).
Result<std::unique_ptr<KeyValueStore>> open_configured_store(const Config& config);

/// "sqlite PATH" or "redis URI" with any password masked, for logs.
std::string describe_configured_store(const Config& config);

}  // namespace inmor::storage
