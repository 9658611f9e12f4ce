// Probing the federation server's /health and /status with a fetcher of its
// own (see the design in federation_health.h).
#include "admin/federation_health.h"

#include "common/json.h"
#include "common/logging.h"
#include "fetch/http_fetcher.h"

#include <stdexcept>

namespace inmor::admin {
namespace {

namespace json = boost::json;

using Clock = std::chrono::steady_clock;

/// Maximum size of a non-JSON /health body kept for display, in bytes.
constexpr std::size_t kMaxHealthTextBytes = 1024;

fetch::FetchConfig probe_fetch_config(const Config& config) {
    fetch::FetchConfig settings;
    settings.connect_timeout = FederationHealthProbe::kRequestTimeout;
    settings.total_timeout = FederationHealthProbe::kRequestTimeout;
    settings.max_body_bytes = FederationHealthProbe::kMaxBodyBytes;
    settings.max_redirects = 0;
    settings.retries = 0;
    settings.ca_file = config.fetch.ca_file;
    // The operator chose this URL, and it usually names a private address
    // over http. The address guard exists for URLs taken from network input.
    settings.allow_http = true;
    return settings;
}

/// True when the failure came with an HTTP response from the server.
bool has_http_response(const fetch::FetchError& error) {
    switch (error.kind) {
        case fetch::FetchErrorKind::kHttpStatus:
        case fetch::FetchErrorKind::kBodyTooLarge:
        case fetch::FetchErrorKind::kInvalidUtf8:
        case fetch::FetchErrorKind::kTooManyRedirects:
            return true;
        default:
            return false;
    }
}

/// Cuts `text` to kMaxHealthTextBytes, marking the cut with "...".
std::string shortened(std::string text) {
    if (text.size() <= kMaxHealthTextBytes) return text;
    return text.substr(0, kMaxHealthTextBytes) + "...";
}

/// Converts a body to JSON when it parses, else to text cut at kMaxHealthTextBytes.
/// An empty body gives null.
json::value body_value(const std::string& body) {
    if (body.empty()) return nullptr;
    if (auto parsed = parse_json(body, "health"); parsed) return std::move(*parsed);
    return json::string(shortened(body));
}

/// Returns the "detail" of an error /health body ({"status":"error","detail":...}),
/// cut like a text body, because it goes into the error text and the log line.
std::string health_detail(const json::value& health) {
    if (!health.is_object()) return {};
    const json::value* detail = health.as_object().if_contains("detail");
    return detail && detail->is_string() ? shortened(std::string(detail->as_string()))
                                         : std::string();
}

bool reports_ok(const json::value& health) {
    if (!health.is_object()) return false;
    const json::value* status = health.as_object().if_contains("status");
    return status && status->is_string() && status->as_string() == "ok";
}

/// Fills in the /health part of `result` from a fetch outcome.
void record_health(const fetch::FetchResult<fetch::FetchResponse>& fetched,
                   const std::string& health_url, FederationHealth& result) {
    if (fetched) {
        result.reachable = true;
        result.http_status = fetched->status;
        result.health = body_value(fetched->body);
        result.healthy = result.http_status == 200 && reports_ok(result.health);
        if (!result.healthy) {
            result.error = "GET " + health_url + " returned no {\"status\": \"ok\"}";
        }
        return;
    }

    const fetch::FetchError& error = fetched.error();
    result.reachable = has_http_response(error);
    result.http_status = error.http_status;
    result.health = body_value(error.body);
    result.error = error.message;
    if (const std::string detail = health_detail(result.health); !detail.empty()) {
        result.error += ": " + detail;
    }
}

}  // namespace

json::object federation_health_json(const FederationHealth& health) {
    json::object body{{"configured", health.configured},
                      {"reachable", health.reachable},
                      {"healthy", health.healthy},
                      {"health", health.health},
                      {"status", health.status}};
    body["url"] = health.configured ? json::value(health.url) : json::value(nullptr);
    body["http_status"] =
        health.http_status != 0 ? json::value(health.http_status) : json::value(nullptr);
    body["latency_ms"] =
        health.reachable ? json::value(health.latency_ms) : json::value(nullptr);
    body["error"] = health.error.empty() ? json::value(nullptr) : json::value(health.error);
    return body;
}

FederationHealthProbe::FederationHealthProbe(const Config& config)
    : url_(config.admin.federation_server_url), base_url_(url_) {
    while (base_url_.ends_with('/')) base_url_.pop_back();
    if (url_.empty()) return;
    fetcher_ = std::make_unique<fetch::HttpFetcher>(probe_fetch_config(config));
}

FederationHealthProbe::~FederationHealthProbe() = default;

FederationHealth FederationHealthProbe::check() const {
    if (!fetcher_) return FederationHealth{};
    std::unique_lock running(probe_mutex_, std::try_to_lock);
    if (!running.owns_lock()) {
        if (std::optional<FederationHealth> last = last_result()) return std::move(*last);
        // The first probe is still running: wait for its outcome.
        running.lock();
        if (std::optional<FederationHealth> last = last_result()) return std::move(*last);
    }
    FederationHealth result = probe();
    std::lock_guard guard(last_mutex_);
    last_ = result;
    return result;
}

std::optional<FederationHealth> FederationHealthProbe::last_result() const {
    std::lock_guard guard(last_mutex_);
    return last_;
}

FederationHealth FederationHealthProbe::probe() const {
    FederationHealth result;
    result.configured = true;
    result.url = url_;

    const std::string health_url = base_url_ + "/health";
    const Clock::time_point start = Clock::now();
    auto fetched = fetcher_->get(health_url, "application/json", true);
    result.latency_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    record_health(fetched, health_url, result);

    // Without an HTTP response from /health, /status would fail the same way
    // and double the wait.
    if (result.reachable) check_status(result);

    if (!result.error.empty()) {
        logger("admin")->warn("federation server check failed url={} reachable={} "
                              "http_status={} error={}",
                              url_, result.reachable, result.http_status, result.error);
    }
    return result;
}

void FederationHealthProbe::check_status(FederationHealth& result) const {
    const std::string status_url = base_url_ + "/status";
    auto fetched = fetcher_->get(status_url, "application/json", true);
    std::string problem;
    if (!fetched) {
        problem = fetched.error().message;
    } else if (auto parsed = parse_json_object(fetched->body, "status"); !parsed) {
        problem = "GET " + status_url + " returned no JSON object: " + parsed.error().message();
    } else {
        result.status = std::move(*parsed);
        return;
    }
    result.error += (result.error.empty() ? "" : "; ") + problem;
}

}  // namespace inmor::admin
