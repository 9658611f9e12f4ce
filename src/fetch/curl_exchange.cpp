// libcurl plumbing: pinning, the socket check, the body cap, the handle pool
// and the mapping of libcurl errors to fetch error kinds.
#include "fetch/curl_exchange.h"

#include "fetch/retry_after.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <algorithm>
#include <stdexcept>

namespace inmor::fetch {
namespace {

// Idle handles kept for reuse; more are closed when returned.
constexpr std::size_t kMaxIdleHandles = 16;

// Maximum total size of the response header lines of one exchange, 1xx
// responses included. libcurl keeps every header in memory for
// curl_easy_header, and 7.88 bounds that only where the distribution patched it.
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

// State the libcurl callbacks of one exchange share.
struct ExchangeState {
    const FetchTarget* target = nullptr;
    std::size_t max_body_bytes = 0;
    std::string body;
    bool body_too_large = false;
    std::size_t header_bytes = 0;
    bool headers_too_large = false;
    // Set when libcurl tried to open a socket to an address the guard did
    // not check; the exchange then fails with kRefusedByGuard.
    bool socket_refused = false;
    std::string refused_address;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* state = static_cast<ExchangeState*>(user);
    std::size_t length = size * count;
    // Returning less than `length` makes libcurl abort with CURLE_WRITE_ERROR.
    if (state->body.size() + length > state->max_body_bytes) {
        state->body_too_large = true;
        return 0;
    }
    state->body.append(data, length);
    return length;
}

std::size_t count_header(char*, std::size_t size, std::size_t count, void* user) {
    auto* state = static_cast<ExchangeState*>(user);
    std::size_t length = size * count;
    state->header_bytes += length;
    if (state->header_bytes > kMaxHeaderBytes) {
        state->headers_too_large = true;
        return 0;
    }
    return length;
}

// The last line of defence against DNS rebinding: whatever libcurl resolved
// or reused, a socket opens only towards an address the guard checked.
curl_socket_t open_checked_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto* state = static_cast<ExchangeState*>(user);
    std::optional<IpAddress> destination = address_from_sockaddr(&address->addr);
    const std::vector<IpAddress>& checked = state->target->addresses;
    bool allowed = purpose == CURLSOCKTYPE_IPCXN && destination &&
                   std::find(checked.begin(), checked.end(), *destination) != checked.end();
    if (!allowed) {
        state->socket_refused = true;
        state->refused_address = destination ? destination->to_string() : "unknown";
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

CURLcode add_extra_certificates(CURL*, void* ssl_context, void* user) {
    static_cast<const ExtraCertificates*>(user)->add_to(ssl_context);
    return CURLE_OK;
}

// "host:port:addr1,[v6addr]" pins the name to the checked addresses, so
// libcurl does not resolve it again.
std::string resolve_entry(const FetchTarget& target) {
    std::string entry = target.url.host + ":" + std::to_string(target.url.port) + ":";
    for (std::size_t i = 0; i < target.addresses.size(); ++i) {
        const IpAddress& address = target.addresses[i];
        if (i > 0) {
            entry += ',';
        }
        if (address.is_v4()) {
            entry += address.to_string();
        } else {
            entry += '[';
            entry += address.to_string();
            entry += ']';
        }
    }
    return entry;
}

FetchErrorKind error_kind(CURLcode code) {
    switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return FetchErrorKind::kInvalidUrl;
    case CURLE_COULDNT_RESOLVE_HOST:
        return FetchErrorKind::kResolveFailed;
    case CURLE_COULDNT_CONNECT:
        return FetchErrorKind::kConnectFailed;
    case CURLE_OPERATION_TIMEDOUT:
        return FetchErrorKind::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
        return FetchErrorKind::kTls;
    case CURLE_FILESIZE_EXCEEDED:
        return FetchErrorKind::kBodyTooLarge;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
        return FetchErrorKind::kInvalidResponse;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FAILED_INIT:
    case CURLE_UNKNOWN_OPTION:
        return FetchErrorKind::kInternal;
    default:
        // Broken connections (CURLE_RECV_ERROR, CURLE_SEND_ERROR,
        // CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, HTTP/2 stream errors).
        return FetchErrorKind::kTransferFailed;
    }
}

std::string header_value(CURL* handle, const char* name) {
    curl_header* header = nullptr;
    if (curl_easy_header(handle, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK) {
        return {};
    }
    return header->value;
}

// Applies every option of one exchange. Returns the first failing option's
// code, so a libcurl built without a feature fails loudly.
CURLcode set_options(CURL* handle, const FetchTarget& target, const ExchangeRequest& request,
                     const ExchangeSettings& settings, ExchangeState& state,
                     curl_slist* resolve, curl_slist* headers) {
    const char* protocols = target.url.https ? "https" : "http";
    CURLcode code = CURLE_OK;
    auto set = [&](CURLoption option, auto value) {
        if (code == CURLE_OK) {
            code = curl_easy_setopt(handle, option, value);
        }
    };

    set(CURLOPT_URL, target.url.url.c_str());
    set(CURLOPT_PROTOCOLS_STR, protocols);
    set(CURLOPT_FOLLOWLOCATION, 0L);
    set(CURLOPT_NOSIGNAL, 1L);
    // Environment proxies (https_proxy, ...) would bypass the pinning.
    set(CURLOPT_PROXY, "");
    set(CURLOPT_NOPROXY, "*");
    set(CURLOPT_RESOLVE, resolve);
    set(CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
    set(CURLOPT_OPENSOCKETDATA, &state);

    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings.connect_timeout.count()));
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(settings.total_timeout.count()));
    set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(settings.max_body_bytes));
    set(CURLOPT_WRITEFUNCTION, write_body);
    set(CURLOPT_WRITEDATA, &state);
    set(CURLOPT_HEADERFUNCTION, count_header);
    set(CURLOPT_HEADERDATA, &state);

    set(CURLOPT_SSL_VERIFYPEER, 1L);
    set(CURLOPT_SSL_VERIFYHOST, 2L);
    set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    if (settings.extra_certificates != nullptr) {
        set(CURLOPT_SSL_CTX_FUNCTION, add_extra_certificates);
        set(CURLOPT_SSL_CTX_DATA, settings.extra_certificates);
    }

    set(CURLOPT_USERAGENT, "inmor-fetch");
    set(CURLOPT_HTTPHEADER, headers);
    if (request.post) {
        set(CURLOPT_POSTFIELDSIZE, static_cast<long>(request.form_body.size()));
        set(CURLOPT_POSTFIELDS, request.form_body.c_str());
    } else {
        set(CURLOPT_HTTPGET, 1L);
    }
    return code;
}

FetchError exchange_error(FetchErrorKind kind, const FetchTarget& target, std::string cause) {
    FetchError error;
    error.kind = kind;
    error.url = target.url.url;
    error.message = "fetching " + target.url.url + " failed: " + cause;
    return error;
}

struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

}  // namespace

ExtraCertificates::ExtraCertificates(const std::string& path) {
    BIO* file = BIO_new_file(path.c_str(), "r");
    if (file == nullptr) {
        throw std::invalid_argument("fetch.ca_file: cannot read " + path);
    }
    while (X509* certificate = PEM_read_bio_X509(file, nullptr, nullptr, nullptr)) {
        certificates_.push_back(certificate);
    }
    BIO_free(file);
    // Reading stops at end of file with an error left on the queue. Clearing
    // it keeps it out of a later, unrelated OpenSSL failure.
    ERR_clear_error();
    if (certificates_.empty()) {
        throw std::invalid_argument("fetch.ca_file: no PEM certificate in " + path);
    }
}

ExtraCertificates::~ExtraCertificates() {
    for (void* certificate : certificates_) {
        X509_free(static_cast<X509*>(certificate));
    }
}

void ExtraCertificates::add_to(void* ssl_context) const {
    X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_context));
    for (void* certificate : certificates_) {
        // OpenSSL 3 accepts a certificate already in the store as success.
        X509_STORE_add_cert(store, static_cast<X509*>(certificate));
    }
    ERR_clear_error();
}

CurlHandlePool::CurlHandlePool() = default;

CurlHandlePool::~CurlHandlePool() {
    for (void* handle : idle_) {
        curl_easy_cleanup(handle);
    }
}

CurlHandlePool::Lease::~Lease() {
    if (handle_ != nullptr) {
        pool_->release(handle_);
    }
}

CurlHandlePool::Lease CurlHandlePool::acquire() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            void* handle = idle_.back();
            idle_.pop_back();
            return Lease(*this, handle);
        }
    }
    return Lease(*this, curl_easy_init());
}

void CurlHandlePool::release(void* handle) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdleHandles) {
        idle_.push_back(handle);
        return;
    }
    curl_easy_cleanup(handle);
}

FetchResult<Exchange> perform_exchange(void* curl_handle, const FetchTarget& target,
                                       const ExchangeRequest& request,
                                       const ExchangeSettings& settings) {
    CURL* handle = curl_handle;
    if (handle == nullptr) {
        return exchange_error(FetchErrorKind::kInternal, target, "curl_easy_init failed");
    }
    // A reset keeps live connections and the TLS session cache, which is
    // the point of reusing the handle, and drops the previous exchange's
    // options and callbacks.
    curl_easy_reset(handle);

    ExchangeState state;
    state.target = &target;
    state.max_body_bytes = settings.max_body_bytes;

    Slist resolve;
    if (!target.url.address) {
        resolve.reset(curl_slist_append(nullptr, resolve_entry(target).c_str()));
    }
    Slist headers;
    if (!request.accept.empty()) {
        headers.reset(curl_slist_append(nullptr, ("Accept: " + request.accept).c_str()));
    }

    CURLcode code = set_options(handle, target, request, settings, state, resolve.get(),
                                headers.get());
    if (code != CURLE_OK) {
        return exchange_error(FetchErrorKind::kInternal, target,
                              std::string("libcurl option rejected: ") + curl_easy_strerror(code));
    }
    code = curl_easy_perform(handle);

    // The guard's verdicts come first: they explain whatever libcurl saw.
    if (state.socket_refused) {
        return exchange_error(FetchErrorKind::kRefusedByGuard, target,
                              "connection to unchecked address " + state.refused_address +
                                  " refused");
    }
    if (state.headers_too_large) {
        return exchange_error(FetchErrorKind::kInvalidResponse, target,
                              "response headers larger than " +
                                  std::to_string(kMaxHeaderBytes) + " bytes");
    }
    if (state.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
        return exchange_error(FetchErrorKind::kBodyTooLarge, target,
                              "body larger than " + std::to_string(settings.max_body_bytes) +
                                  " bytes");
    }
    if (code != CURLE_OK) {
        return exchange_error(error_kind(code), target, curl_easy_strerror(code));
    }

    Exchange exchange;
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    exchange.status = static_cast<int>(status);
    exchange.content_type = header_value(handle, "Content-Type");
    exchange.location = header_value(handle, "Location");
    std::string retry_after = header_value(handle, "Retry-After");
    if (!retry_after.empty()) {
        exchange.retry_after = parse_retry_after(retry_after, std::chrono::system_clock::now());
    }
    exchange.body = std::move(state.body);
    return exchange;
}

}  // namespace inmor::fetch
