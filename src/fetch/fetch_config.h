// FetchConfig: the settings of the guarded outbound HTTP client (the [fetch]
// section of the configuration file, plus the top-level allow_http switch).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace inmor::fetch {

/// Settings for HttpFetcher. The defaults are the documented configuration
/// defaults; the configuration loader overwrites what the file sets.
struct FetchConfig {
    /// Time allowed to resolve a host name, and to open the TCP connection
    /// and finish the TLS handshake.
    std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
    /// Time allowed for a whole fetch call: name lookups, every redirect hop,
    /// retries and the backoff waits between them share this one budget.
    std::chrono::milliseconds total_timeout{std::chrono::seconds(10)};
    /// Largest response body accepted, in bytes.
    std::size_t max_body_bytes = 2097152;
    /// Redirects followed before a fetch fails with kTooManyRedirects.
    int max_redirects = 5;
    /// Extra attempts after a transient failure (so 2 means at most 3 attempts).
    int retries = 2;
    /// PEM file with extra trusted CA certificates, used in addition to the
    /// system bundle. Empty: the system bundle only.
    std::string ca_file;
    /// CIDRs ("203.0.113.0/24", "fd00::/8") exempt from the refusal of
    /// private, loopback and other non-public addresses.
    std::vector<std::string> allowed_networks;
    /// Development switch: allows http URLs and every address (private,
    /// loopback, ...). Never on in production.
    bool allow_http = false;

    /// First backoff delay after a transient failure; it doubles per attempt.
    std::chrono::milliseconds initial_backoff{200};
    /// Longest Retry-After the fetcher waits for. A longer one ends the fetch
    /// with the transient error and its retry_after, so the caller decides.
    std::chrono::seconds max_retry_after{5};
};

}  // namespace inmor::fetch
