// The address guard: classifies IP addresses and decides which ones the
// outbound fetcher may connect to.
#pragma once

#include "fetch/ip_address.h"

#include <span>
#include <string_view>

namespace inmor::fetch {

/// The reachability class of an address: public, or the reason it is not.
enum class AddressCategory {
    kPublic,
    kUnspecified,    // 0.0.0.0/8, ::
    kLoopback,       // 127.0.0.0/8, ::1
    kPrivate,        // 10/8, 172.16/12, 192.168/16
    kSharedAddress,  // 100.64.0.0/10, carrier-grade NAT
    kLinkLocal,      // 169.254/16 (cloud metadata), fe80::/10
    kUniqueLocal,    // fc00::/7
    kMulticast,      // 224/4, ff00::/8
    kBroadcast,      // 255.255.255.255
    kDocumentation,  // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20
    kBenchmarking,   // 198.18/15, 2001:2::/48
    kReserved,       // 240/4, 192.0.0/24, 6to4 relay, IPv6 outside 2000::/3, ...
};

/// The lowercase name of a category, for logs and error messages.
std::string_view address_category_name(AddressCategory category);

/// Classifies an address. IPv6 forms that carry an IPv4 address are judged
/// by the IPv4 address they carry:
/// - IPv4-mapped ::ffff:0:0/96 and IPv4-translated ::ffff:0:0:0/96 get the
///   category of the embedded address;
/// - IPv4-compatible ::/96 (deprecated), Teredo 2001::/32 and local-use
///   NAT64 64:ff9b:1::/48 get the embedded address's category when that is
///   not public, and kReserved otherwise, because none of them is a place a
///   federation entity lives;
/// - 6to4 2002::/16 and the well-known NAT64 prefix 64:ff9b::/96 get the
///   embedded address's category, so they pass only for a public IPv4.
/// Everything else outside global unicast 2000::/3 is kReserved.
AddressCategory classify_address(const IpAddress& address);

/// True when the fetcher may connect to `address`: it is public, or it lies
/// in one of `allowed_networks`. An IPv4-mapped IPv6 address also matches
/// the IPv4 networks, since it reaches the same host.
bool is_address_allowed(const IpAddress& address, std::span<const IpNetwork> allowed_networks);

}  // namespace inmor::fetch
