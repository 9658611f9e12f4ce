// HttpFetcher: the one guarded outbound HTTP client. Every fetch the trust
// anchor makes (entity configurations, subordinate statements, trust mark
// status calls) goes through it.
#pragma once

#include "fetch/fetch_config.h"
#include "fetch/fetch_error.h"
#include "fetch/ip_address.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace inmor::fetch {

/// One outbound request.
struct FetchRequest {
    enum class Method { kGet, kPost };

    std::string url;
    Method method = Method::kGet;
    /// The Accept header; empty sends none.
    std::string accept;
    /// For kPost: fields sent as application/x-www-form-urlencoded.
    std::vector<std::pair<std::string, std::string>> form;
    /// When true the body must be UTF-8, or the fetch fails with kInvalidUtf8.
    bool expect_text = false;
};

/// A successful (2xx) response.
struct FetchResponse {
    int status = 0;
    /// The Content-Type header as sent, empty when absent.
    std::string content_type;
    std::string body;
    /// The URL of the final response, after redirects.
    std::string final_url;
};

/// The guarded HTTP client. Each URL, and each redirect target, must be
/// https (unless allow_http). Its host is resolved once, within
/// connect_timeout, and every address is checked by the address guard. The connection is pinned
/// to those addresses (CURLOPT_RESOLVE), and each socket is checked again
/// before it connects (CURLOPT_OPENSOCKETFUNCTION), so a second DNS answer
/// cannot move it elsewhere. TLS certificates are verified against the name.
/// Transient failures are retried with exponential backoff.
///
/// Thread-safe: libcurl easy handles are pooled, so connections are reused
/// across calls and threads.
class HttpFetcher {
public:
    /// Validates the configuration and loads ca_file. Throws
    /// std::invalid_argument naming the field (fetch.allowed_networks[1],
    /// fetch.ca_file, ...) when a setting is invalid.
    explicit HttpFetcher(FetchConfig config);
    ~HttpFetcher();

    HttpFetcher(const HttpFetcher&) = delete;
    HttpFetcher& operator=(const HttpFetcher&) = delete;

    /// Performs the request, following at most max_redirects redirects and
    /// retrying transient failures at most `retries` times. A status other
    /// than 2xx is an error of kind kHttpStatus carrying the status and body.
    /// NOTE: a POST is retried like a GET, even after a timeout or a broken
    /// transfer that the server may have processed. Only idempotent requests
    /// (the trust mark status query is one) may be sent as POST.
    /// total_timeout is the deadline of the whole call: name lookups, every
    /// redirect hop, retries and the waits between them. Each exchange gets
    /// what is left of it; a backoff or Retry-After wait that would end past
    /// it is skipped and the last error returned; a call that reaches it
    /// ends with kTimeout.
    FetchResult<FetchResponse> fetch(const FetchRequest& request) const;

    /// Shorthand for a GET of `url`.
    FetchResult<FetchResponse> get(std::string url, std::string accept = {},
                                   bool expect_text = false) const;

    const FetchConfig& config() const { return config_; }

    /// Internal state shared with the libcurl callbacks.
    struct Impl;

private:
    using Deadline = std::chrono::steady_clock::time_point;

    FetchResult<FetchResponse> fetch_once(const FetchRequest& request, Deadline deadline) const;

    FetchConfig config_;
    std::vector<IpNetwork> allowed_networks_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace inmor::fetch
