// The few taconfig.toml keys the admin's management commands need.
#pragma once

#include "common/error.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace inmor::admin {

/// Settings read from taconfig.toml, defaults as documented there.
struct AdminSettings {
    /// The folder of the configuration file; relative paths start here.
    std::filesystem::path config_dir;
    /// `[admin] database_url`: `sqlite:PATH` or `postgresql://...`.
    std::string database_url = "sqlite:data/admin.db";
    /// `[admin] audit_retention_days`.
    std::int64_t audit_retention_days = 365;
    /// `domain`: the trust anchor's entity identifier (issuer in otpauth URIs).
    std::string domain;
};

/// Reads `config_file`. A missing file or a key of the wrong type is an
/// error naming the file or key. `DB_HOST` and `DB_PORT` in the environment
/// replace the host and port of a `postgresql://` database URL.
// TODO: switch to the shared Config loader (common/config.h) once it is
// merged. Until then this reads only the keys above with toml++ and ignores
// the rest of the file.
Result<AdminSettings> load_admin_settings(const std::filesystem::path& config_file);

/// Applies DB_HOST / DB_PORT (when set and non-empty) to a postgresql URL;
/// other URLs come back unchanged.
Result<std::string> apply_database_overrides(std::string url, const char* host, const char* port);

}  // namespace inmor::admin
