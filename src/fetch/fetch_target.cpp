// URL normalisation, name resolution and the address check that together
// decide where a fetch may connect.
#include "fetch/fetch_target.h"

#include "fetch/address_guard.h"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>

namespace inmor::fetch {
namespace {

FetchError invalid_url(std::string_view url, std::string_view reason) {
    FetchError error;
    error.kind = FetchErrorKind::kInvalidUrl;
    error.url = std::string(url);
    error.message = "invalid URL " + std::string(url) + ": " + std::string(reason);
    return error;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5) {
        return std::nullopt;
    }
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

// One getaddrinfo_a request. Its address must stay valid while glibc
// works on it, so it lives on the heap.
struct PendingLookup {
    std::string name;
    addrinfo hints{};
    gaicb request{};

    PendingLookup(const PendingLookup&) = delete;
    PendingLookup& operator=(const PendingLookup&) = delete;
    explicit PendingLookup(std::string host) : name(std::move(host)) {
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        request.ar_name = name.c_str();
        request.ar_request = &hints;
    }
    ~PendingLookup() {
        if (request.ar_result != nullptr) {
            freeaddrinfo(request.ar_result);
        }
    }
};

// Lookups that timed out while glibc was running them. gai_cancel cannot
// stop those, so a later call frees each one after glibc finishes it.
class AbandonedLookups {
public:
    void add(std::unique_ptr<PendingLookup> lookup) {
        std::lock_guard lock(mutex_);
        lookups_.push_back(std::move(lookup));
    }

    // Frees the lookups glibc has finished with.
    void free_finished() {
        std::lock_guard lock(mutex_);
        std::erase_if(lookups_, [](const std::unique_ptr<PendingLookup>& lookup) {
            return gai_error(&lookup->request) != EAI_INPROGRESS;
        });
    }

private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<PendingLookup>> lookups_;
};

// Never destroyed, so a lookup still running at exit is not freed under glibc.
AbandonedLookups& abandoned_lookups() {
    static auto* lookups = new AbandonedLookups();
    return *lookups;
}

FetchError lookup_timed_out(const std::string& name, std::string_view url,
                            std::chrono::nanoseconds timeout) {
    FetchError error;
    error.kind = FetchErrorKind::kTimeout;
    error.url = std::string(url);
    error.message = "resolving " + name + " timed out after " +
                    std::to_string(std::chrono::ceil<std::chrono::milliseconds>(
                                       std::max(timeout, std::chrono::nanoseconds(0)))
                                       .count()) +
                    " ms";
    return error;
}

FetchError lookup_failed(const std::string& name, std::string_view url, int status) {
    FetchError error;
    bool not_found = status == EAI_NONAME || status == EAI_NODATA;
    error.kind = not_found ? FetchErrorKind::kNameNotFound : FetchErrorKind::kResolveFailed;
    error.url = std::string(url);
    error.message = "resolving " + name + " failed: " + gai_strerror(status);
    return error;
}

// Waits until the lookup finishes or `deadline` passes. Returns false on
// timeout.
bool wait_for_lookup(PendingLookup& lookup, std::chrono::steady_clock::time_point deadline) {
    const gaicb* list[] = {&lookup.request};
    while (gai_error(&lookup.request) == EAI_INPROGRESS) {
        auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::nanoseconds(0)) {
            return false;
        }
        auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
        timespec wait{};
        wait.tv_sec = static_cast<time_t>(seconds.count());
        wait.tv_nsec = static_cast<long>((left - seconds).count());
        gai_suspend(list, 1, &wait);
    }
    return true;
}

std::vector<IpAddress> unique_addresses(const addrinfo* list) {
    std::vector<IpAddress> addresses;
    for (const addrinfo* entry = list; entry != nullptr; entry = entry->ai_next) {
        std::optional<IpAddress> address = address_from_sockaddr(entry->ai_addr);
        if (address && std::find(addresses.begin(), addresses.end(), *address) ==
                           addresses.end()) {
            addresses.push_back(*address);
        }
    }
    return addresses;
}

}  // namespace

FetchResult<ParsedFetchUrl> parse_fetch_url(std::string_view url, bool allow_http) {
    boost::system::result<boost::urls::url_view> view = boost::urls::parse_uri(url);
    if (!view) {
        return invalid_url(url, "not an absolute URL");
    }

    ParsedFetchUrl parsed;
    std::string scheme = view->scheme();
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme != "https" && !(scheme == "http" && allow_http)) {
        return invalid_url(url, allow_http ? "scheme must be http or https"
                                           : "scheme must be https (allow_http is off)");
    }
    parsed.https = scheme == "https";
    if (view->has_userinfo()) {
        return invalid_url(url, "user information is not allowed");
    }
    // Boost.URL 1.81 ends the authority of "https://1.2.3.4.5/" after
    // "1.2.3.4" and leaves ".5/" as the path. A path after an authority must
    // start with '/', so such a split means the host is malformed.
    std::string_view path = view->encoded_path();
    if (!view->has_authority() || (!path.empty() && path.front() != '/')) {
        return invalid_url(url, "malformed host");
    }
    if (view->host_type() == boost::urls::host_type::ipvfuture) {
        return invalid_url(url, "IPvFuture hosts are not supported");
    }

    // The host literal decides what the host denotes. The URL gets the
    // canonical spelling, so libcurl connects to exactly what the guard checked.
    std::optional<HostLiteral> host = parse_host_literal(view->encoded_host());
    if (!host) {
        return invalid_url(url, "malformed host");
    }
    std::string host_in_url;
    if (host->kind == HostLiteral::Kind::kAddress) {
        if (!host->address.zone().empty()) {
            return invalid_url(url, "IPv6 zone ids are not supported");
        }
        parsed.address = host->address;
        parsed.host = host->address.to_string();
        host_in_url = host->address.is_v4() ? parsed.host : "[" + parsed.host + "]";
    } else {
        parsed.host = host->name;
        host_in_url = host->name;
    }

    std::uint16_t default_port = parsed.https ? 443 : 80;
    parsed.port = default_port;
    if (view->has_port() && !view->port().empty()) {
        std::optional<std::uint16_t> port = parse_port(view->port());
        if (!port) {
            return invalid_url(url, "port must be 1 to 65535");
        }
        parsed.port = *port;
    }

    boost::urls::url canonical(*view);
    canonical.set_scheme(scheme);
    canonical.set_encoded_host(host_in_url);
    canonical.remove_fragment();
    if (canonical.encoded_path().empty()) {
        canonical.set_encoded_path("/");
    }
    parsed.url = std::string(canonical.buffer());
    return parsed;
}

std::optional<FetchError> check_addresses(std::span<const IpAddress> addresses,
                                          const GuardPolicy& policy, std::string_view url) {
    if (policy.allow_any_address) {
        return std::nullopt;
    }
    for (const IpAddress& address : addresses) {
        if (!is_address_allowed(address, policy.allowed_networks)) {
            FetchError error;
            error.kind = FetchErrorKind::kRefusedByGuard;
            error.url = std::string(url);
            error.message = "refused to fetch " + std::string(url) + ": address " +
                            address.to_string() + " is " +
                            std::string(address_category_name(classify_address(address))) +
                            " and not in fetch.allowed_networks";
            return error;
        }
    }
    return std::nullopt;
}

FetchResult<std::vector<IpAddress>> lookup_host(const std::string& name,
                                                std::chrono::nanoseconds timeout,
                                                std::string_view url) {
    abandoned_lookups().free_finished();
    if (timeout <= std::chrono::nanoseconds(0)) {
        return lookup_timed_out(name, url, timeout);
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;

    auto lookup = std::make_unique<PendingLookup>(name);
    gaicb* list[] = {&lookup->request};
    int status = getaddrinfo_a(GAI_NOWAIT, list, 1, nullptr);
    if (status != 0) {
        return lookup_failed(name, url, status);
    }

    if (!wait_for_lookup(*lookup, deadline)) {
        // EAI_CANCELED: dequeued before it ran; EAI_ALLDONE: it finished
        // meanwhile. Either way glibc no longer touches it and it is freed
        // here. EAI_NOTCANCELED: it is running, so it must outlive this call.
        // NOTE: an abandoned lookup keeps one of glibc's lookup threads busy
        // until the system resolver gives up. While a DNS server stalls, new
        // lookups may wait in glibc's queue and time out here as well.
        if (gai_cancel(&lookup->request) == EAI_NOTCANCELED) {
            abandoned_lookups().add(std::move(lookup));
        }
        return lookup_timed_out(name, url, timeout);
    }

    status = gai_error(&lookup->request);
    if (status != 0) {
        return lookup_failed(name, url, status);
    }
    std::vector<IpAddress> addresses = unique_addresses(lookup->request.ar_result);
    if (addresses.empty()) {
        FetchError error;
        error.kind = FetchErrorKind::kNameNotFound;
        error.url = std::string(url);
        error.message = "resolving " + name + " returned no IP address";
        return error;
    }
    return addresses;
}

bool is_special_use_name(std::string_view host) {
    if (host.ends_with('.')) host.remove_suffix(1);
    for (std::string_view name : {"test", "example", "invalid"}) {
        if (host == name) return true;
        if (host.size() > name.size() && host.ends_with(name) &&
            host[host.size() - name.size() - 1] == '.') {
            return true;
        }
    }
    return false;
}

FetchResult<FetchTarget> resolve_fetch_target(ParsedFetchUrl url, const GuardPolicy& policy,
                                              std::chrono::nanoseconds lookup_timeout) {
    if (!url.address && is_special_use_name(url.host)) {
        FetchError error;
        error.kind = FetchErrorKind::kRefusedByGuard;
        error.url = url.url;
        error.message = "refused to fetch " + url.url + ": host " + url.host +
                        " is under a special-use name (.test, .example, .invalid) that no DNS "
                        "answers, so it is not looked up";
        return error;
    }

    FetchTarget target;
    if (url.address) {
        target.addresses.push_back(*url.address);
    } else {
        FetchResult<std::vector<IpAddress>> addresses =
            lookup_host(url.host, lookup_timeout, url.url);
        if (!addresses) {
            return addresses.error();
        }
        target.addresses = std::move(*addresses);
    }

    // One refused address refuses the whole name: the resolver order, and
    // so the address libcurl would try, is not under our control.
    if (std::optional<FetchError> refusal = check_addresses(target.addresses, policy, url.url)) {
        return *refusal;
    }
    target.url = std::move(url);
    return target;
}

std::optional<IpAddress> address_from_sockaddr(const sockaddr* address) {
    if (address->sa_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
        return IpAddress::v4(ntohl(v4->sin_addr.s_addr));
    }
    if (address->sa_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
        std::array<std::uint8_t, 16> bytes{};
        std::copy_n(v6->sin6_addr.s6_addr, 16, bytes.begin());
        return IpAddress::v6(bytes);
    }
    return std::nullopt;
}

}  // namespace inmor::fetch
