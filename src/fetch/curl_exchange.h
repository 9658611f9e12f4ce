// One HTTP exchange over libcurl, pinned to addresses the guard checked, and
// the pool of easy handles that lets connections be reused. Internal to
// src/fetch; no libcurl type leaves this header's users.
#pragma once

#include "fetch/fetch_error.h"
#include "fetch/fetch_target.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace inmor::fetch {

/// Certificates from fetch.ca_file, added to the system trust store of
/// every TLS connection.
class ExtraCertificates {
public:
    /// Reads every PEM certificate in `path`. Throws std::invalid_argument
    /// when the file cannot be read or contains no certificate.
    explicit ExtraCertificates(const std::string& path);
    ~ExtraCertificates();

    ExtraCertificates(const ExtraCertificates&) = delete;
    ExtraCertificates& operator=(const ExtraCertificates&) = delete;

    /// Adds the certificates to an OpenSSL SSL_CTX's store.
    void add_to(void* ssl_context) const;

private:
    std::vector<void*> certificates_;  // X509*, owned
};

/// Settings that apply to every exchange.
struct ExchangeSettings {
    std::chrono::milliseconds connect_timeout;
    std::chrono::milliseconds total_timeout;
    std::size_t max_body_bytes = 0;
    const ExtraCertificates* extra_certificates = nullptr;
};

/// The request line and body of one exchange.
struct ExchangeRequest {
    bool post = false;
    std::string accept;
    /// application/x-www-form-urlencoded body, for post.
    std::string form_body;
};

/// The response of one exchange, whatever its status.
struct Exchange {
    int status = 0;
    std::string content_type;
    std::string body;
    /// The Location header, empty when absent.
    std::string location;
    std::optional<std::chrono::seconds> retry_after;
};

/// A pool of libcurl easy handles. A handle keeps its connection cache
/// between exchanges, so taking handles from a pool reuses connections.
class CurlHandlePool {
public:
    CurlHandlePool();
    ~CurlHandlePool();

    CurlHandlePool(const CurlHandlePool&) = delete;
    CurlHandlePool& operator=(const CurlHandlePool&) = delete;

    /// A handle taken from the pool, returned to it on destruction.
    class Lease {
    public:
        Lease(CurlHandlePool& pool, void* handle) : pool_(&pool), handle_(handle) {}
        Lease(Lease&& other) noexcept
            : pool_(other.pool_), handle_(std::exchange(other.handle_, nullptr)) {}
        Lease& operator=(Lease&&) = delete;
        ~Lease();

        /// The CURL* handle, or nullptr when libcurl could not create one.
        void* get() const { return handle_; }

    private:
        CurlHandlePool* pool_;
        void* handle_;
    };

    Lease acquire();

private:
    void release(void* handle);

    std::mutex mutex_;
    std::vector<void*> idle_;  // CURL*
};

/// Performs one exchange with `target`, connecting only to
/// target.addresses. Network and protocol failures come back as FetchError;
/// any HTTP status, including errors and redirects, comes back as Exchange.
FetchResult<Exchange> perform_exchange(void* curl_handle, const FetchTarget& target,
                                       const ExchangeRequest& request,
                                       const ExchangeSettings& settings);

}  // namespace inmor::fetch
