// The federation server's health as the admin observes it over HTTP, for the web
// UI's dashboard (GET /api/v1/server/federation_health).
//
// Design:
// - `[admin] federation_server_url` names the admin's own federation server
//   (`inmor`), e.g. "http://127.0.0.1:8080" on one host or "http://ta:8080" on
//   the docker-compose network. Empty means not configured, and the probe
//   sends no request.
// - The probe sends GET <url>/health, then GET <url>/status, and reports both
//   bodies with the /health status code and round-trip time. /status is
//   skipped when /health received no HTTP response.
// - The URL is operator configuration, not network input. It often names a
//   private address over plain http, so the probe has its own HttpFetcher
//   with allow_http on (http and every address allowed). The fetcher follows
//   no redirect and makes no retry. Each request gets a 2 s connect and total
//   timeout and a 256 KiB body limit. https URLs are verified against the
//   system CAs plus fetch.ca_file.
// - Every outcome is a FederationHealth value, never an error. The route
//   always responds with status 200, and a server that cannot be reached
//   gives reachable:false and an error text.
// - One probe runs at a time. A call that arrives while a probe runs gets the
//   outcome of the previous probe instead of waiting, so a hanging server ties
//   up one admin worker thread, not all of them. Only before the first probe
//   has finished do such calls wait for it.
#pragma once

#include "common/config.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace inmor::fetch {
class HttpFetcher;
}

namespace inmor::admin {

/// Outcome of one probe of the federation server.
struct FederationHealth {
    /// False when `[admin] federation_server_url` is empty, so nothing was sent.
    bool configured = false;
    /// The configured base URL.
    std::string url;
    /// True when /health returned an HTTP response, whatever its status code.
    bool reachable = false;
    /// True when /health returned status 200 with {"status": "ok"}.
    bool healthy = false;
    /// Status code of /health, or 0 when no response arrived.
    int http_status = 0;
    /// Body of /health: parsed JSON, else its text (at most 1 KiB), else null.
    boost::json::value health;
    /// Body of /status when it is a JSON object, else null.
    boost::json::value status;
    /// Round-trip time of the /health request in milliseconds; sent only when
    /// the server was reachable.
    std::int64_t latency_ms = 0;
    /// Reason the server is not healthy or /status is missing. Empty when both
    /// requests succeeded.
    std::string error;
};

/// The JSON the admin API sends: {configured, url, reachable, healthy,
/// http_status, health, status, latency_ms, error}. url is null when not
/// configured, http_status when no status code arrived, latency_ms when the
/// server was not reachable and error when there is none.
boost::json::object federation_health_json(const FederationHealth& health);

/// Checks the configured federation server. Thread-safe: one probe serves
/// every request of the admin.
class FederationHealthProbe {
public:
    /// Time allowed for each request: connecting and the whole exchange.
    static constexpr std::chrono::milliseconds kRequestTimeout{2000};
    /// Largest /health or /status body accepted, in bytes.
    static constexpr std::size_t kMaxBodyBytes = 256 * 1024;

    /// Reads federation_server_url and fetch.ca_file from `config`. Throws
    /// std::invalid_argument naming fetch.ca_file when that file contains no
    /// certificate.
    explicit FederationHealthProbe(const Config& config);
    ~FederationHealthProbe();

    FederationHealthProbe(const FederationHealthProbe&) = delete;
    FederationHealthProbe& operator=(const FederationHealthProbe&) = delete;

    /// Sends the requests and reports what came back, or the previous outcome
    /// while another probe runs, as the file comment describes.
    FederationHealth check() const;

private:
    FederationHealth probe() const;
    void check_status(FederationHealth& result) const;
    std::optional<FederationHealth> last_result() const;

    std::string url_;
    /// Base URL without a trailing "/", so paths append cleanly.
    std::string base_url_;
    /// Null when no URL is configured.
    std::unique_ptr<fetch::HttpFetcher> fetcher_;
    /// Held while a probe runs.
    mutable std::mutex probe_mutex_;
    /// Guards last_.
    mutable std::mutex last_mutex_;
    /// Outcome of the latest finished probe.
    mutable std::optional<FederationHealth> last_;
};

}  // namespace inmor::admin
