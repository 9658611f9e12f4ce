// FetchTarget: a URL checked by the guard, with the addresses its host
// resolved to, ready to be pinned for the connection.
#pragma once

#include "fetch/fetch_error.h"
#include "fetch/ip_address.h"

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace inmor::fetch {

/// A parsed fetch URL, before name resolution.
struct ParsedFetchUrl {
    /// The URL with a canonical host (lowercase name without trailing dot,
    /// or the address the literal denotes) and no fragment.
    std::string url;
    bool https = true;
    /// The host as the canonical URL spells it, without IPv6 brackets.
    std::string host;
    std::uint16_t port = 0;
    /// Set when the host is an address literal; `host` is then its text.
    std::optional<IpAddress> address;
};

/// Parses and normalises a URL for fetching. Only absolute http and https
/// URLs are accepted, https only unless `allow_http`. User information,
/// port 0 and IPv6 zone ids are rejected, and the host must pass
/// parse_host_literal. Errors are kInvalidUrl.
FetchResult<ParsedFetchUrl> parse_fetch_url(std::string_view url, bool allow_http);

/// A URL whose every address passed the guard.
struct FetchTarget {
    ParsedFetchUrl url;
    /// Every address the host resolved to (or the literal), all allowed.
    std::vector<IpAddress> addresses;
};

/// The rules the guard applies to each address.
struct GuardPolicy {
    std::span<const IpNetwork> allowed_networks;
    /// Development switch: every address passes.
    bool allow_any_address = false;
};

/// Resolves `name` to its IP addresses (duplicates removed), waiting at most
/// `timeout` for the system resolver, which runs on a thread of its own. A
/// lookup still running at the timeout is left to finish on that thread and
/// fails with kTimeout naming the host. A timeout of zero or less fails at
/// once without asking the resolver, and a timeout too long to add to the
/// current time waits without limit. A name containing a NUL byte fails with
/// kInvalidUrl. Other failures are kNameNotFound or kResolveFailed, the
/// latter also when 256 lookups are already running or no thread could be
/// started. `url` is the URL reported in errors.
FetchResult<std::vector<IpAddress>> lookup_host(const std::string& name,
                                                std::chrono::nanoseconds timeout,
                                                std::string_view url);

/// Returns how many lookup threads are still running, timed-out ones included.
int lookup_threads_in_use();

/// True for a host under the special-use names `test`, `example` and
/// `invalid` (RFC 6761), which no public DNS answers. `host` is lowercase.
bool is_special_use_name(std::string_view host);

/// Resolves the host with lookup_host within `lookup_timeout` (unless it is
/// an address literal) and checks every address it returns. Fails with
/// kRefusedByGuard for a special-use name (without any lookup, so no DNS
/// query leaves for it) or when any address is refused, kNameNotFound,
/// kResolveFailed or kTimeout when resolution fails.
FetchResult<FetchTarget> resolve_fetch_target(ParsedFetchUrl url, const GuardPolicy& policy,
                                              std::chrono::nanoseconds lookup_timeout);

/// Checks addresses against the guard: kRefusedByGuard naming the first
/// refused address and its category, or nothing when all pass.
std::optional<FetchError> check_addresses(std::span<const IpAddress> addresses,
                                          const GuardPolicy& policy, std::string_view url);

/// The address of an AF_INET or AF_INET6 socket address; nothing for other families.
std::optional<IpAddress> address_from_sockaddr(const sockaddr* address);

}  // namespace inmor::fetch
