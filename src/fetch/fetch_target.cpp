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
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

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

// A name lookup shared by the caller and the thread that runs it, so the one
// done last frees it. This replaces glibc's getaddrinfo_a, because gai_suspend
// can time out just as the lookup finishes and return while glibc's thread is
// about to signal the wait entry on gai_suspend's stack. That crashed a test
// in CI, and LeakSanitizer found a cancelled request's memory leaked.
struct LookupState {
    std::string name;
    std::mutex mutex;
    std::condition_variable finished_cv;
    bool finished = false;
    int status = 0;
    addrinfo* result = nullptr;

    explicit LookupState(std::string host) : name(std::move(host)) {}
    LookupState(const LookupState&) = delete;
    LookupState& operator=(const LookupState&) = delete;
    ~LookupState() {
        if (result != nullptr) {
            freeaddrinfo(result);
        }
    }
};

// A timed-out lookup keeps its thread until the system resolver gives up,
// after resolv.conf's timeout and attempts. The cap bounds these threads while
// a DNS server stalls. It matches the largest --parallel of inmor-collection,
// and lookups beyond it fail at once with a transient error.
constexpr int kMaxLookupThreads = 256;
std::atomic<int> lookup_threads{0};

// Holds one slot of the lookup thread cap and frees it when destroyed.
class LookupSlot {
public:
    LookupSlot() = default;
    LookupSlot(const LookupSlot&) = delete;
    LookupSlot& operator=(const LookupSlot&) = delete;
    ~LookupSlot() { lookup_threads.fetch_sub(1); }
};

void run_lookup(const std::shared_ptr<LookupState>& state) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    int status = getaddrinfo(state->name.c_str(), nullptr, &hints, &result);
    {
        std::lock_guard lock(state->mutex);
        state->status = status;
        state->result = result;
        state->finished = true;
    }
    state->finished_cv.notify_one();
}

// Starts the lookup on a detached thread. Returns why it could not start,
// or nothing when it did.
std::optional<std::string> start_lookup(std::shared_ptr<LookupState> state) {
    if (lookup_threads.fetch_add(1) >= kMaxLookupThreads) {
        lookup_threads.fetch_sub(1);
        return std::to_string(kMaxLookupThreads) + " lookups already in progress, retry later";
    }

    // The slot is released only after the thread has dropped its reference
    // to the state, so the count covers freeing the result too.
    // NOTE: the thread still has to exit after its slot is free, so for a
    // moment the process may run a few more lookup threads than the cap.
    auto body = [state = std::move(state)]() mutable {
        LookupSlot slot;
        run_lookup(state);
        state.reset();
    };
    try {
        std::thread(std::move(body)).detach();
    } catch (const std::system_error& error) {
        lookup_threads.fetch_sub(1);
        return std::string("could not start a lookup thread: ") + error.what();
    }
    return std::nullopt;
}

FetchError lookup_error(FetchErrorKind kind, std::string_view url, std::string message) {
    FetchError error;
    error.kind = kind;
    error.url = std::string(url);
    error.message = std::move(message);
    return error;
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

// Returns now + timeout, or the latest time point when that sum would
// overflow (a timeout such as nanoseconds::max() means no limit).
std::chrono::steady_clock::time_point lookup_deadline(std::chrono::nanoseconds timeout) {
    auto now = std::chrono::steady_clock::now();
    auto latest = std::chrono::steady_clock::time_point::max();
    if (timeout >= latest - now) {
        return latest;
    }
    return now + timeout;
}

FetchError lookup_failed(const std::string& name, std::string_view url, int status) {
    FetchError error;
    bool not_found = status == EAI_NONAME || status == EAI_NODATA;
    error.kind = not_found ? FetchErrorKind::kNameNotFound : FetchErrorKind::kResolveFailed;
    error.url = std::string(url);
    error.message = "resolving " + name + " failed: " + gai_strerror(status);
    return error;
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
    if (timeout <= std::chrono::nanoseconds(0)) {
        return lookup_timed_out(name, url, timeout);
    }
    // getaddrinfo reads the name up to its first NUL, so "localhost\0.example"
    // would resolve as "localhost".
    if (name.find('\0') != std::string::npos) {
        return lookup_error(FetchErrorKind::kInvalidUrl, url,
                            "resolving host failed: the host name contains a NUL byte");
    }
    std::chrono::steady_clock::time_point deadline = lookup_deadline(timeout);

    auto state = std::make_shared<LookupState>(name);
    if (std::optional<std::string> problem = start_lookup(state)) {
        return lookup_error(FetchErrorKind::kResolveFailed, url,
                            "resolving " + name + " failed: " + *problem);
    }

    std::unique_lock lock(state->mutex);
    if (!state->finished_cv.wait_until(lock, deadline, [&] { return state->finished; })) {
        // The lookup thread finishes on its own and then frees the state.
        return lookup_timed_out(name, url, timeout);
    }
    if (state->status != 0) {
        return lookup_failed(name, url, state->status);
    }
    std::vector<IpAddress> addresses = unique_addresses(state->result);
    if (addresses.empty()) {
        return lookup_error(FetchErrorKind::kNameNotFound, url,
                            "resolving " + name + " returned no IP address");
    }
    return addresses;
}

int lookup_threads_in_use() {
    return lookup_threads.load();
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
