// Parsers for IPv4 numbers in every inet_aton form, IPv6 with zone ids,
// CIDRs and URL hosts.
#include "fetch/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace inmor::fetch {
namespace {

constexpr std::size_t kMaxNameLength = 253;
constexpr std::size_t kMaxLabelLength = 63;

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find(separator, start);
        if (end == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, end - start));
        start = end + 1;
    }
}

bool is_decimal_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool has_hex_prefix(std::string_view text) {
    return text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

// One part of an inet_aton number: 0x hexadecimal (digits may be absent, as
// in inet_aton and the WHATWG parser), leading-zero octal, or decimal.
// Values of 2^32 and above are rejected, so the arithmetic cannot overflow.
std::optional<std::uint64_t> parse_ipv4_part(std::string_view part) {
    if (part.empty()) {
        return std::nullopt;
    }

    int base = 10;
    if (has_hex_prefix(part)) {
        base = 16;
        part.remove_prefix(2);
    } else if (part.size() > 1 && part[0] == '0') {
        base = 8;
        part.remove_prefix(1);
    }

    std::uint64_t value = 0;
    for (char c : part) {
        int digit = -1;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (base == 16 && std::isxdigit(static_cast<unsigned char>(c))) {
            digit = std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
        }
        if (digit < 0 || digit >= base) {
            return std::nullopt;
        }
        value = value * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(digit);
        if (value > 0xffffffffULL) {
            return std::nullopt;
        }
    }
    return value;
}

// The WHATWG "ends in a number" test: the last label (after one trailing
// dot) is all digits, or 0x followed by hexadecimal digits. Such a host is an IPv4
// address or malformed, never a name.
bool ends_in_number(std::string_view host) {
    if (!host.empty() && host.back() == '.') {
        host.remove_suffix(1);
    }
    std::size_t dot = host.rfind('.');
    std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
    if (is_decimal_digits(last)) {
        return true;
    }
    // A 0x number too large for IPv4 still ends the host in a number, so the
    // host is malformed rather than a name.
    return has_hex_prefix(last) &&
           std::all_of(last.begin() + 2, last.end(),
                       [](unsigned char c) { return std::isxdigit(c); });
}

std::optional<std::string> parse_dns_name(std::string_view host) {
    if (!host.empty() && host.back() == '.') {
        host.remove_suffix(1);
    }
    if (host.empty() || host.size() > kMaxNameLength) {
        return std::nullopt;
    }

    for (std::string_view label : split(host, '.')) {
        if (label.empty() || label.size() > kMaxLabelLength) {
            return std::nullopt;
        }
        for (char c : label) {
            unsigned char byte = static_cast<unsigned char>(c);
            if (!std::isalnum(byte) && c != '-' && c != '_') {
                return std::nullopt;
            }
        }
    }

    std::string name(host);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name;
}

bool is_zone_character(char c) {
    unsigned char byte = static_cast<unsigned char>(c);
    return std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

IpAddress IpAddress::v4(std::uint32_t value) {
    IpAddress address;
    address.family_ = Family::kV4;
    address.bytes_[0] = static_cast<std::uint8_t>(value >> 24);
    address.bytes_[1] = static_cast<std::uint8_t>(value >> 16);
    address.bytes_[2] = static_cast<std::uint8_t>(value >> 8);
    address.bytes_[3] = static_cast<std::uint8_t>(value);
    return address;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& bytes, std::string zone) {
    IpAddress address;
    address.family_ = Family::kV6;
    address.bytes_ = bytes;
    address.zone_ = std::move(zone);
    return address;
}

std::uint32_t IpAddress::v4_value() const {
    return (std::uint32_t{bytes_[0]} << 24) | (std::uint32_t{bytes_[1]} << 16) |
           (std::uint32_t{bytes_[2]} << 8) | std::uint32_t{bytes_[3]};
}

std::string IpAddress::to_string() const {
    char text[INET6_ADDRSTRLEN] = {};
    int family = is_v4() ? AF_INET : AF_INET6;
    if (inet_ntop(family, bytes_.data(), text, sizeof text) == nullptr) {
        return "?";
    }
    std::string result(text);
    if (!zone_.empty()) {
        result += "%" + zone_;
    }
    return result;
}

bool IpAddress::operator==(const IpAddress& other) const {
    if (family_ != other.family_) {
        return false;
    }
    std::size_t length = is_v4() ? 4 : 16;
    return std::equal(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(length),
                      other.bytes_.begin());
}

bool IpNetwork::contains(const IpAddress& address) const {
    if (address.family() != base.family()) {
        return false;
    }

    int remaining = prefix_length;
    for (std::size_t i = 0; remaining > 0; ++i, remaining -= 8) {
        int bits = std::min(remaining, 8);
        auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
        if ((address.bytes()[i] & mask) != (base.bytes()[i] & mask)) {
            return false;
        }
    }
    return true;
}

std::optional<IpAddress> parse_ipv4_number(std::string_view text) {
    if (!text.empty() && text.back() == '.') {
        text.remove_suffix(1);
    }
    std::vector<std::string_view> parts = split(text, '.');
    if (parts.size() > 4) {
        return std::nullopt;
    }

    std::vector<std::uint64_t> values;
    for (std::string_view part : parts) {
        std::optional<std::uint64_t> value = parse_ipv4_part(part);
        if (!value) {
            return std::nullopt;
        }
        values.push_back(*value);
    }

    // Every part but the last is one byte; the last fills what is left.
    std::uint64_t result = 0;
    for (std::size_t i = 0; i + 1 < values.size(); ++i) {
        if (values[i] > 0xff) {
            return std::nullopt;
        }
        result |= values[i] << (24 - 8 * i);
    }
    std::uint64_t last_limit = 1ULL << (8 * (5 - values.size()));
    if (values.back() >= last_limit) {
        return std::nullopt;
    }
    result |= values.back();
    return IpAddress::v4(static_cast<std::uint32_t>(result));
}

std::optional<IpAddress> parse_ipv6(std::string_view text) {
    std::string zone;
    std::size_t percent = text.find('%');
    if (percent != std::string_view::npos) {
        std::string_view zone_text = text.substr(percent + 1);
        // In a URL the '%' itself is percent-encoded (RFC 6874).
        if (zone_text.substr(0, 2) == "25") {
            zone_text.remove_prefix(2);
        }
        if (zone_text.empty() || !std::all_of(zone_text.begin(), zone_text.end(),
                                              is_zone_character)) {
            return std::nullopt;
        }
        zone = std::string(zone_text);
        text = text.substr(0, percent);
    }

    std::string address_text(text);
    std::array<std::uint8_t, 16> bytes{};
    if (address_text.find(':') == std::string::npos ||
        inet_pton(AF_INET6, address_text.c_str(), bytes.data()) != 1) {
        return std::nullopt;
    }
    return IpAddress::v6(bytes, std::move(zone));
}

std::optional<IpNetwork> parse_cidr(std::string_view text) {
    std::size_t slash = text.find('/');
    std::string_view address_text = text.substr(0, slash);

    // Configuration uses the strict forms only: dotted quad or IPv6.
    std::optional<IpAddress> address;
    std::array<std::uint8_t, 4> v4_bytes{};
    std::string address_string(address_text);
    if (inet_pton(AF_INET, address_string.c_str(), v4_bytes.data()) == 1) {
        address = IpAddress::v4((std::uint32_t{v4_bytes[0]} << 24) |
                                (std::uint32_t{v4_bytes[1]} << 16) |
                                (std::uint32_t{v4_bytes[2]} << 8) | v4_bytes[3]);
    } else if (address_text.find('%') == std::string_view::npos) {
        address = parse_ipv6(address_text);
    }
    if (!address) {
        return std::nullopt;
    }

    int max_prefix = address->is_v4() ? 32 : 128;
    int prefix = max_prefix;
    if (slash != std::string_view::npos) {
        std::string_view prefix_text = text.substr(slash + 1);
        if (!is_decimal_digits(prefix_text) || prefix_text.size() > 3) {
            return std::nullopt;
        }
        prefix = std::stoi(std::string(prefix_text));
        if (prefix > max_prefix) {
            return std::nullopt;
        }
    }

    // A base with host bits set ("10.0.0.1/8") is most likely a typo.
    for (int bit = prefix; bit < max_prefix; ++bit) {
        if ((address->bytes()[bit / 8] >> (7 - bit % 8)) & 1) {
            return std::nullopt;
        }
    }
    return IpNetwork{*address, prefix};
}

std::optional<HostLiteral> parse_host_literal(std::string_view host) {
    HostLiteral literal;

    if (!host.empty() && host.front() == '[') {
        if (host.size() < 2 || host.back() != ']') {
            return std::nullopt;
        }
        host = host.substr(1, host.size() - 2);
        if (host.find(':') == std::string_view::npos) {
            return std::nullopt;
        }
    }

    if (host.find(':') != std::string_view::npos) {
        std::optional<IpAddress> address = parse_ipv6(host);
        if (!address) {
            return std::nullopt;
        }
        literal.kind = HostLiteral::Kind::kAddress;
        literal.address = std::move(*address);
        return literal;
    }

    if (ends_in_number(host)) {
        std::optional<IpAddress> address = parse_ipv4_number(host);
        if (!address) {
            return std::nullopt;
        }
        literal.kind = HostLiteral::Kind::kAddress;
        literal.address = *address;
        return literal;
    }

    std::optional<std::string> name = parse_dns_name(host);
    if (!name) {
        return std::nullopt;
    }
    literal.kind = HostLiteral::Kind::kName;
    literal.name = std::move(*name);
    return literal;
}

}  // namespace inmor::fetch
