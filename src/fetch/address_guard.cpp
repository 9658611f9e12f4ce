// Address classification tables for IPv4 and IPv6 (IANA special-purpose
// address registries, RFC 6890 and its updates).
#include "fetch/address_guard.h"

#include <array>
#include <optional>

namespace inmor::fetch {
namespace {

struct V4Range {
    std::uint32_t base;
    int prefix_length;
    AddressCategory category;
};

constexpr std::uint32_t v4(int a, int b, int c, int d) {
    return (static_cast<std::uint32_t>(a) << 24) | (static_cast<std::uint32_t>(b) << 16) |
           (static_cast<std::uint32_t>(c) << 8) | static_cast<std::uint32_t>(d);
}

// Narrower ranges come first where they overlap (broadcast inside 240/4).
constexpr std::array kV4Ranges = {
    V4Range{v4(255, 255, 255, 255), 32, AddressCategory::kBroadcast},
    V4Range{v4(0, 0, 0, 0), 8, AddressCategory::kUnspecified},
    V4Range{v4(10, 0, 0, 0), 8, AddressCategory::kPrivate},
    V4Range{v4(100, 64, 0, 0), 10, AddressCategory::kSharedAddress},
    V4Range{v4(127, 0, 0, 0), 8, AddressCategory::kLoopback},
    V4Range{v4(169, 254, 0, 0), 16, AddressCategory::kLinkLocal},
    V4Range{v4(172, 16, 0, 0), 12, AddressCategory::kPrivate},
    // IETF protocol assignments: DS-Lite, NAT64 discovery, PCP anycast, ...
    V4Range{v4(192, 0, 0, 0), 24, AddressCategory::kReserved},
    V4Range{v4(192, 0, 2, 0), 24, AddressCategory::kDocumentation},
    // The deprecated 6to4 relay anycast block (RFC 7526).
    V4Range{v4(192, 88, 99, 0), 24, AddressCategory::kReserved},
    V4Range{v4(192, 168, 0, 0), 16, AddressCategory::kPrivate},
    V4Range{v4(198, 18, 0, 0), 15, AddressCategory::kBenchmarking},
    V4Range{v4(198, 51, 100, 0), 24, AddressCategory::kDocumentation},
    V4Range{v4(203, 0, 113, 0), 24, AddressCategory::kDocumentation},
    V4Range{v4(224, 0, 0, 0), 4, AddressCategory::kMulticast},
    V4Range{v4(240, 0, 0, 0), 4, AddressCategory::kReserved},
};

AddressCategory classify_v4(std::uint32_t value) {
    for (const V4Range& range : kV4Ranges) {
        std::uint32_t mask = ~std::uint32_t{0} << (32 - range.prefix_length);
        if ((value & mask) == range.base) {
            return range.category;
        }
    }
    return AddressCategory::kPublic;
}

using V6Bytes = std::array<std::uint8_t, 16>;

bool has_prefix(const V6Bytes& bytes, std::initializer_list<std::uint8_t> prefix) {
    std::size_t i = 0;
    for (std::uint8_t byte : prefix) {
        if (bytes[i++] != byte) {
            return false;
        }
    }
    return true;
}

std::uint32_t read_v4(const V6Bytes& bytes, std::size_t offset) {
    return (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
           (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
}

// For tunnels and deprecated forms: a non-public embedded address names the
// reason for the refusal, a public one is refused as kReserved all the same.
AddressCategory embedded_or_reserved(std::uint32_t embedded) {
    AddressCategory category = classify_v4(embedded);
    return category == AddressCategory::kPublic ? AddressCategory::kReserved : category;
}

// The category of an IPv6 form that carries an IPv4 address; nothing for
// other IPv6 addresses.
std::optional<AddressCategory> classify_embedding_v6(const V6Bytes& bytes) {
    // ::ffff:a.b.c.d (IPv4-mapped) reaches the IPv4 host itself.
    if (has_prefix(bytes, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff})) {
        return classify_v4(read_v4(bytes, 12));
    }
    // ::ffff:0:a.b.c.d (IPv4-translated, SIIT).
    if (has_prefix(bytes, {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0})) {
        return classify_v4(read_v4(bytes, 12));
    }
    // ::a.b.c.d (IPv4-compatible, deprecated); :: and ::1 are handled before.
    if (has_prefix(bytes, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})) {
        return embedded_or_reserved(read_v4(bytes, 12));
    }
    // 64:ff9b::/96, the well-known NAT64 prefix, reaches the embedded host.
    if (has_prefix(bytes, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {
        return classify_v4(read_v4(bytes, 12));
    }
    // 64:ff9b:1::/48, local-use NAT64; the embedding format varies, so the
    // last 32 bits are only a best guess at the target.
    if (has_prefix(bytes, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01})) {
        return embedded_or_reserved(read_v4(bytes, 12));
    }
    // 2002:aabb:ccdd::/48, 6to4 (RFC 3056): the IPv4 address follows 2002.
    if (has_prefix(bytes, {0x20, 0x02})) {
        return classify_v4(read_v4(bytes, 2));
    }
    // 2001:0::/32, Teredo (RFC 4380): the client's IPv4 address is stored
    // inverted in the last 32 bits, the server's in bits 32 to 63.
    if (has_prefix(bytes, {0x20, 0x01, 0x00, 0x00})) {
        AddressCategory client = embedded_or_reserved(~read_v4(bytes, 12));
        return client != AddressCategory::kReserved ? client
                                                    : embedded_or_reserved(read_v4(bytes, 4));
    }

    return std::nullopt;
}

AddressCategory classify_v6(const V6Bytes& bytes) {
    constexpr V6Bytes kUnspecified{};
    constexpr V6Bytes kLoopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (bytes == kUnspecified) {
        return AddressCategory::kUnspecified;
    }
    if (bytes == kLoopback) {
        return AddressCategory::kLoopback;
    }

    if (std::optional<AddressCategory> embedded = classify_embedding_v6(bytes)) {
        return *embedded;
    }

    if (bytes[0] == 0xff) {
        return AddressCategory::kMulticast;
    }
    if (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80) {
        return AddressCategory::kLinkLocal;
    }
    if ((bytes[0] & 0xfe) == 0xfc) {
        return AddressCategory::kUniqueLocal;
    }
    if (has_prefix(bytes, {0x20, 0x01, 0x0d, 0xb8}) ||
        (bytes[0] == 0x3f && bytes[1] == 0xff && (bytes[2] & 0xf0) == 0x00)) {
        return AddressCategory::kDocumentation;
    }
    if (has_prefix(bytes, {0x20, 0x01, 0x00, 0x02, 0x00, 0x00})) {
        return AddressCategory::kBenchmarking;
    }
    // 2001::/23 contains IETF protocol assignments (ORCHID, AMT, ...), none of
    // them a web server.
    if (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] < 0x02) {
        return AddressCategory::kReserved;
    }
    // Global unicast is 2000::/3; the rest (fec0::/10 site-local, 100::/64
    // discard, 5f00::/16 SRv6, unassigned space) is not reachable on the
    // internet.
    if ((bytes[0] & 0xe0) != 0x20) {
        return AddressCategory::kReserved;
    }
    return AddressCategory::kPublic;
}

}  // namespace

std::string_view address_category_name(AddressCategory category) {
    switch (category) {
    case AddressCategory::kPublic: return "public";
    case AddressCategory::kUnspecified: return "unspecified";
    case AddressCategory::kLoopback: return "loopback";
    case AddressCategory::kPrivate: return "private";
    case AddressCategory::kSharedAddress: return "shared address space";
    case AddressCategory::kLinkLocal: return "link-local";
    case AddressCategory::kUniqueLocal: return "unique local";
    case AddressCategory::kMulticast: return "multicast";
    case AddressCategory::kBroadcast: return "broadcast";
    case AddressCategory::kDocumentation: return "documentation";
    case AddressCategory::kBenchmarking: return "benchmarking";
    case AddressCategory::kReserved: return "reserved";
    }
    return "unknown";
}

AddressCategory classify_address(const IpAddress& address) {
    return address.is_v4() ? classify_v4(address.v4_value()) : classify_v6(address.bytes());
}

bool is_address_allowed(const IpAddress& address, std::span<const IpNetwork> allowed_networks) {
    if (classify_address(address) == AddressCategory::kPublic) {
        return true;
    }

    // A mapped address reaches the IPv4 host, so IPv4 networks apply to it.
    std::optional<IpAddress> mapped;
    const auto& bytes = address.bytes();
    if (!address.is_v4() && has_prefix(bytes, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff})) {
        mapped = IpAddress::v4(read_v4(bytes, 12));
    }

    for (const IpNetwork& network : allowed_networks) {
        if (network.contains(address) || (mapped && network.contains(*mapped))) {
            return true;
        }
    }
    return false;
}

}  // namespace inmor::fetch
