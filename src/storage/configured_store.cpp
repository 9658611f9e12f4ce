// Opening the configured federation store.
#include "storage/configured_store.h"

#include <filesystem>

namespace inmor::storage {
namespace {

namespace fs = std::filesystem;

std::string embedded_path(const Config& config) {
    return (fs::path(config.data_dir) / kEmbeddedStoreFile).string();
}

// Hides the password of redis://user:password@host so logs never carry it.
std::string redact_uri(const std::string& uri) {
    const auto scheme_end = uri.find("://");
    const auto at = uri.rfind('@');
    if (scheme_end == std::string::npos || at == std::string::npos || at < scheme_end) return uri;
    return uri.substr(0, scheme_end + 3) + "***" + uri.substr(at);
}

}  // namespace

Result<std::unique_ptr<KeyValueStore>> open_configured_store(const Config& config) {
    if (!config.redis_uri.empty()) {
        return open_key_value_store(config.redis_uri, "");
    }

    std::error_code error;
    fs::create_directories(config.data_dir, error);
    if (error) {
        return Error::invalid_request("data_dir: cannot create " + config.data_dir + ": " +
                                      error.message());
    }
    return open_key_value_store("", embedded_path(config));
}

std::string describe_configured_store(const Config& config) {
    return config.redis_uri.empty() ? "sqlite " + embedded_path(config)
                                    : "redis " + redact_uri(config.redis_uri);
}

}  // namespace inmor::storage
