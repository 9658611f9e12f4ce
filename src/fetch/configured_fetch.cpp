#include "fetch/configured_fetch.h"

namespace inmor::fetch {

FetchConfig fetch_config_from(const Config& config) {
    FetchConfig fetch;
    fetch.connect_timeout = std::chrono::seconds(config.fetch.connect_timeout);
    fetch.total_timeout = std::chrono::seconds(config.fetch.total_timeout);
    fetch.max_body_bytes = static_cast<std::size_t>(config.fetch.max_body_bytes);
    fetch.max_redirects = static_cast<int>(config.fetch.max_redirects);
    fetch.retries = static_cast<int>(config.fetch.retries);
    fetch.ca_file = config.fetch.ca_file;
    fetch.allowed_networks = config.fetch.allowed_networks;
    fetch.allow_http = config.allow_http;
    return fetch;
}

}  // namespace inmor::fetch
