// IpAddress, IpNetwork and the parsers for address literals, CIDRs and URL
// hosts. Pure functions with no I/O, so the guard's decisions can be tested
// over tables of inputs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inmor::fetch {

/// An IPv4 or IPv6 address. An IPv6 address may carry a zone id
/// ("fe80::1%eth0"); the zone never takes part in comparisons or classification.
class IpAddress {
public:
    enum class Family { kV4, kV6 };

    /// 0.0.0.0, so the type can sit in containers.
    IpAddress() = default;

    static IpAddress v4(std::uint32_t value);
    static IpAddress v6(const std::array<std::uint8_t, 16>& bytes, std::string zone = {});

    Family family() const { return family_; }
    bool is_v4() const { return family_ == Family::kV4; }
    /// The address in network order: 4 bytes for IPv4, 16 for IPv6.
    const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
    /// The IPv4 address as a host-order integer; only for IPv4.
    std::uint32_t v4_value() const;
    const std::string& zone() const { return zone_; }

    /// Canonical text: dotted decimal, or RFC 5952 IPv6 (inet_ntop) with
    /// "%zone" appended when there is one.
    std::string to_string() const;

    /// Equal when family and bytes match; the zone is ignored.
    bool operator==(const IpAddress& other) const;

private:
    Family family_ = Family::kV4;
    std::array<std::uint8_t, 16> bytes_{};
    std::string zone_;
};

/// A CIDR block such as 10.0.0.0/8 or fd00::/8.
struct IpNetwork {
    IpAddress base;
    int prefix_length = 0;

    /// True when `address` has the same family and shares the first
    /// `prefix_length` bits.
    bool contains(const IpAddress& address) const;
};

/// Parses an IPv4 address in the forms inet_aton(3) and the WHATWG URL host
/// parser accept: one to four dot-separated parts, each decimal, octal
/// (leading 0) or hexadecimal (0x prefix), the last part filling the
/// remaining bytes ("127.1", "2130706433", "0177.0.0.1", "0x7f.1"). One
/// trailing dot is allowed. Returns nothing for anything else, including
/// values out of range.
std::optional<IpAddress> parse_ipv4_number(std::string_view text);

/// Parses an IPv6 address (inet_pton(3) syntax, embedded dotted IPv4 in the
/// last 32 bits allowed) with an optional zone id after '%' or "%25".
std::optional<IpAddress> parse_ipv6(std::string_view text);

/// Parses a CIDR ("192.0.2.0/24", "2001:db8::/32"); a bare address means a
/// single host (/32 or /128). Host bits below the prefix must be zero.
std::optional<IpNetwork> parse_cidr(std::string_view text);

/// The meaning of a URL host: an IP address or a DNS name.
struct HostLiteral {
    enum class Kind { kAddress, kName };

    Kind kind = Kind::kName;
    /// Set for kAddress: the address the literal really denotes.
    IpAddress address;
    /// Set for kName: lowercase, without the trailing dot.
    std::string name;
};

/// Reads a URL host ("[::1]", "127.1", "0x7f.0.0.1", "Fed.Test.",
/// "[fe80::1%25eth0]") the way URL parsers and the system resolver would.
/// A bracketed host, or one containing ':', must be IPv6. A host whose last
/// label is a number (digits, or 0x and hex digits) must be an IPv4 number
/// in an inet_aton form. Anything else must be a DNS name: ASCII letters,
/// digits, '-' and '_', labels of 1 to 63 characters, 253 in all. Returns
/// nothing for a malformed host, so a numeric-looking host can never pass
/// as a name that a resolver would later read as an address.
std::optional<HostLiteral> parse_host_literal(std::string_view host);

}  // namespace inmor::fetch
