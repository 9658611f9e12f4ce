// HttpFetcher: URL checks, redirects followed by hand, retries with backoff.
#include "fetch/http_fetcher.h"

#include "common/logging.h"
#include "fetch/curl_exchange.h"
#include "fetch/fetch_target.h"
#include "fetch/retry_after.h"
#include "fetch/utf8.h"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace inmor::fetch {

struct HttpFetcher::Impl {
    CurlHandlePool pool;
    std::unique_ptr<ExtraCertificates> extra_certificates;
    std::shared_ptr<spdlog::logger> log = logger("fetch");
};

namespace {

using SteadyClock = std::chrono::steady_clock;

bool is_redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool is_unreserved(unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// application/x-www-form-urlencoded, with every other byte percent-encoded.
std::string encode_form(const std::vector<std::pair<std::string, std::string>>& fields) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string body;
    auto append_encoded = [&body](const std::string& text) {
        for (unsigned char c : text) {
            if (is_unreserved(c)) {
                body += static_cast<char>(c);
            } else {
                body += '%';
                body += kHex[c >> 4];
                body += kHex[c & 0x0f];
            }
        }
    };
    for (const auto& [name, value] : fields) {
        if (!body.empty()) {
            body += '&';
        }
        append_encoded(name);
        body += '=';
        append_encoded(value);
    }
    return body;
}

FetchError make_error(FetchErrorKind kind, std::string url, std::string message) {
    FetchError error;
    error.kind = kind;
    error.url = std::move(url);
    error.message = std::move(message);
    return error;
}

// The absolute URL a Location header points to, relative to `base`.
std::optional<std::string> redirect_target(const std::string& base, const std::string& location) {
    boost::system::result<boost::urls::url_view> base_view = boost::urls::parse_uri(base);
    boost::system::result<boost::urls::url_view> reference =
        boost::urls::parse_uri_reference(location);
    if (!base_view || !reference) {
        return std::nullopt;
    }
    boost::urls::url resolved;
    if (!boost::urls::resolve(*base_view, *reference, resolved)) {
        return std::nullopt;
    }
    return std::string(resolved.buffer());
}

FetchError deadline_passed(const std::string& url, const std::string& hop_url,
                           std::chrono::milliseconds total_timeout) {
    return make_error(FetchErrorKind::kTimeout, hop_url,
                      "fetching " + url + " failed: total_timeout of " +
                          std::to_string(total_timeout.count()) + " ms passed before " +
                          hop_url);
}

// The time until `deadline`, rounded up to whole milliseconds so that a
// positive remainder never becomes libcurl's 0 ("no timeout").
std::chrono::milliseconds time_left(SteadyClock::time_point deadline) {
    return std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
}

void ensure_curl_initialised() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw std::runtime_error("fetch: curl_global_init failed");
        }
    });
}

}  // namespace

HttpFetcher::HttpFetcher(FetchConfig config)
    : config_(std::move(config)), impl_(std::make_unique<Impl>()) {
    ensure_curl_initialised();

    for (std::size_t i = 0; i < config_.allowed_networks.size(); ++i) {
        std::optional<IpNetwork> network = parse_cidr(config_.allowed_networks[i]);
        if (!network) {
            throw std::invalid_argument("fetch.allowed_networks[" + std::to_string(i) +
                                        "]: invalid CIDR \"" + config_.allowed_networks[i] +
                                        "\"");
        }
        allowed_networks_.push_back(*network);
    }
    if (config_.connect_timeout.count() <= 0 || config_.total_timeout.count() <= 0) {
        throw std::invalid_argument("fetch.connect_timeout and fetch.total_timeout must be > 0");
    }
    if (config_.max_redirects < 0 || config_.retries < 0) {
        throw std::invalid_argument("fetch.max_redirects and fetch.retries must be >= 0");
    }
    if (config_.max_body_bytes == 0) {
        throw std::invalid_argument("fetch.max_body_bytes must be > 0");
    }
    if (!config_.ca_file.empty()) {
        impl_->extra_certificates = std::make_unique<ExtraCertificates>(config_.ca_file);
    }
}

HttpFetcher::~HttpFetcher() = default;

FetchResult<FetchResponse> HttpFetcher::get(std::string url, std::string accept,
                                            bool expect_text) const {
    FetchRequest request;
    request.url = std::move(url);
    request.accept = std::move(accept);
    request.expect_text = expect_text;
    return fetch(request);
}

FetchResult<FetchResponse> HttpFetcher::fetch(const FetchRequest& request) const {
    Deadline deadline = SteadyClock::now() + config_.total_timeout;
    for (int retry = 0;; ++retry) {
        FetchResult<FetchResponse> result = fetch_once(request, deadline);
        if (result || !result.error().transient() || retry >= config_.retries) {
            return result;
        }

        // A server asking for a longer pause than we wait gets no retry
        // now; the caller sees retry_after and decides.
        const FetchError& error = result.error();
        if (error.retry_after && *error.retry_after > config_.max_retry_after) {
            return result;
        }

        // A wait that would end at or past the deadline leaves no time for
        // the retry: the caller gets the last error now.
        std::chrono::milliseconds delay =
            retry_delay(retry, config_.initial_backoff, error.retry_after);
        if (SteadyClock::now() + delay >= deadline) {
            impl_->log->debug("fetch retry dropped url={} kind={} delay_ms={} reason=deadline",
                              error.url, fetch_error_kind_name(error.kind), delay.count());
            return result;
        }
        impl_->log->debug("fetch retry scheduled url={} kind={} http_status={} delay_ms={}",
                          error.url, fetch_error_kind_name(error.kind), error.http_status,
                          delay.count());
        std::this_thread::sleep_for(delay);
    }
}

FetchResult<FetchResponse> HttpFetcher::fetch_once(const FetchRequest& request,
                                                   Deadline deadline) const {
    GuardPolicy policy{allowed_networks_, config_.allow_http};
    ExchangeRequest exchange_request;
    exchange_request.post = request.method == FetchRequest::Method::kPost;
    exchange_request.accept = request.accept;
    if (exchange_request.post) {
        exchange_request.form_body = encode_form(request.form);
    }

    // Every error carries the number of redirects followed before its hop,
    // so a caller can tell a bad redirect from a bad URL of its own.
    int redirects = 0;
    auto failed = [&redirects](FetchError error) {
        error.redirects = redirects;
        return error;
    };

    std::string url = request.url;
    for (;; ++redirects) {
        // Each hop is parsed, resolved and checked on its own, and gets what
        // is left of the call's total_timeout.
        FetchResult<ParsedFetchUrl> parsed = parse_fetch_url(url, config_.allow_http);
        if (!parsed) {
            return failed(parsed.error());
        }
        std::chrono::milliseconds left = time_left(deadline);
        if (left.count() <= 0) {
            return failed(deadline_passed(request.url, parsed->url, config_.total_timeout));
        }
        std::chrono::milliseconds connect_timeout = std::min(config_.connect_timeout, left);
        FetchResult<FetchTarget> target =
            resolve_fetch_target(std::move(*parsed), policy, connect_timeout);
        if (!target) {
            impl_->log->debug("fetch refused url={} kind={}", url,
                              fetch_error_kind_name(target.error().kind));
            return failed(target.error());
        }

        // The lookup used part of the time: the exchange gets what is left.
        left = time_left(deadline);
        if (left.count() <= 0) {
            return failed(
                deadline_passed(request.url, target->url.url, config_.total_timeout));
        }
        ExchangeSettings settings{std::min(config_.connect_timeout, left), left,
                                  config_.max_body_bytes, impl_->extra_certificates.get()};
        CurlHandlePool::Lease lease = impl_->pool.acquire();
        FetchResult<Exchange> exchange =
            perform_exchange(lease.get(), *target, exchange_request, settings);
        if (!exchange) {
            return failed(exchange.error());
        }
        const std::string& hop_url = target->url.url;

        if (is_redirect(exchange->status) && !exchange->location.empty()) {
            if (redirects >= config_.max_redirects) {
                return failed(make_error(FetchErrorKind::kTooManyRedirects, hop_url,
                                         "fetching " + request.url + " failed: more than " +
                                             std::to_string(config_.max_redirects) +
                                             " redirects"));
            }
            std::optional<std::string> next = redirect_target(hop_url, exchange->location);
            if (!next) {
                return failed(make_error(FetchErrorKind::kInvalidResponse, hop_url,
                                         "fetching " + hop_url +
                                             " failed: invalid Location header"));
            }
            // 303, and 301/302 after a POST, continue as GET (RFC 9110).
            if (exchange->status == 303 ||
                (exchange_request.post && exchange->status <= 302)) {
                exchange_request.post = false;
                exchange_request.form_body.clear();
            }
            impl_->log->debug("fetch redirect from={} to={} http_status={}", hop_url, *next,
                              exchange->status);
            url = std::move(*next);
            continue;
        }

        if (exchange->status < 200 || exchange->status > 299) {
            FetchError error = make_error(FetchErrorKind::kHttpStatus, hop_url,
                                          "fetching " + hop_url + " failed: HTTP status " +
                                              std::to_string(exchange->status));
            error.http_status = exchange->status;
            error.body = std::move(exchange->body);
            error.retry_after = exchange->retry_after;
            return failed(std::move(error));
        }
        if (request.expect_text && !is_valid_utf8(exchange->body)) {
            return failed(make_error(FetchErrorKind::kInvalidUtf8, hop_url,
                                     "fetching " + hop_url + " failed: body is not valid UTF-8"));
        }

        FetchResponse response;
        response.status = exchange->status;
        response.content_type = std::move(exchange->content_type);
        response.body = std::move(exchange->body);
        response.final_url = hop_url;
        return response;
    }
}

}  // namespace inmor::fetch
