// The address guard over a table of host spellings: every form a URL parser
// or inet_aton accepts must be judged by the address it denotes.
#include "fetch/address_guard.h"
#include "fetch/fetch_target.h"
#include "fetch/ip_address.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace inmor::fetch {
namespace {

enum class Verdict { kAllowed, kRefused, kMalformed, kName };

struct HostCase {
    const char* host;
    Verdict verdict;
    // The canonical address the host denotes (for kAllowed and kRefused).
    const char* address;
    AddressCategory category;
};

using C = AddressCategory;
constexpr Verdict kAllowed = Verdict::kAllowed;
constexpr Verdict kRefused = Verdict::kRefused;

const std::vector<HostCase> kHostCases = {
    // Dotted decimal.
    {"127.0.0.1", kRefused, "127.0.0.1", C::kLoopback},
    {"127.255.255.254", kRefused, "127.255.255.254", C::kLoopback},
    {"10.1.2.3", kRefused, "10.1.2.3", C::kPrivate},
    {"172.16.0.1", kRefused, "172.16.0.1", C::kPrivate},
    {"172.31.255.255", kRefused, "172.31.255.255", C::kPrivate},
    {"172.32.0.1", kAllowed, "172.32.0.1", C::kPublic},
    {"172.15.255.255", kAllowed, "172.15.255.255", C::kPublic},
    {"192.168.1.1", kRefused, "192.168.1.1", C::kPrivate},
    {"169.254.169.254", kRefused, "169.254.169.254", C::kLinkLocal},
    {"100.64.0.1", kRefused, "100.64.0.1", C::kSharedAddress},
    {"100.127.255.255", kRefused, "100.127.255.255", C::kSharedAddress},
    {"100.128.0.1", kAllowed, "100.128.0.1", C::kPublic},
    {"0.0.0.0", kRefused, "0.0.0.0", C::kUnspecified},
    {"0.1.2.3", kRefused, "0.1.2.3", C::kUnspecified},
    {"224.0.0.1", kRefused, "224.0.0.1", C::kMulticast},
    {"239.255.255.250", kRefused, "239.255.255.250", C::kMulticast},
    {"255.255.255.255", kRefused, "255.255.255.255", C::kBroadcast},
    {"240.0.0.1", kRefused, "240.0.0.1", C::kReserved},
    {"192.0.0.8", kRefused, "192.0.0.8", C::kReserved},
    {"192.0.0.170", kRefused, "192.0.0.170", C::kReserved},
    {"192.88.99.1", kRefused, "192.88.99.1", C::kReserved},
    {"192.0.2.1", kRefused, "192.0.2.1", C::kDocumentation},
    {"198.51.100.7", kRefused, "198.51.100.7", C::kDocumentation},
    {"203.0.113.9", kRefused, "203.0.113.9", C::kDocumentation},
    {"198.18.0.1", kRefused, "198.18.0.1", C::kBenchmarking},
    {"198.19.255.255", kRefused, "198.19.255.255", C::kBenchmarking},
    {"198.20.0.1", kAllowed, "198.20.0.1", C::kPublic},
    {"8.8.8.8", kAllowed, "8.8.8.8", C::kPublic},
    {"1.1.1.1", kAllowed, "1.1.1.1", C::kPublic},
    {"93.184.216.34", kAllowed, "93.184.216.34", C::kPublic},
    // Leading zeros make a part octal, as inet_aton reads it.
    {"127.000.000.001", kRefused, "127.0.0.1", C::kLoopback},
    {"0127.0.0.1", kAllowed, "87.0.0.1", C::kPublic},
    {"010.0.0.1", kAllowed, "8.0.0.1", C::kPublic},
    {"012.0.0.1", kRefused, "10.0.0.1", C::kPrivate},
    // Decimal, octal and hexadecimal whole numbers.
    {"2130706433", kRefused, "127.0.0.1", C::kLoopback},
    {"017700000001", kRefused, "127.0.0.1", C::kLoopback},
    {"0x7f000001", kRefused, "127.0.0.1", C::kLoopback},
    {"0X7F000001", kRefused, "127.0.0.1", C::kLoopback},
    {"0xa9fea9fe", kRefused, "169.254.169.254", C::kLinkLocal},
    {"2852039166", kRefused, "169.254.169.254", C::kLinkLocal},
    {"134744072", kAllowed, "8.8.8.8", C::kPublic},
    {"0", kRefused, "0.0.0.0", C::kUnspecified},
    // Octal and hexadecimal parts.
    {"0177.0.0.1", kRefused, "127.0.0.1", C::kLoopback},
    {"0x7f.0.0.1", kRefused, "127.0.0.1", C::kLoopback},
    {"0x7F.0x0.0x0.0x1", kRefused, "127.0.0.1", C::kLoopback},
    {"0xA.0.0.1", kRefused, "10.0.0.1", C::kPrivate},
    {"0300.0250.0.1", kRefused, "192.168.0.1", C::kPrivate},
    // Short forms: the last part fills the remaining bytes.
    {"127.1", kRefused, "127.0.0.1", C::kLoopback},
    {"127.0.1", kRefused, "127.0.0.1", C::kLoopback},
    {"0x7f.1", kRefused, "127.0.0.1", C::kLoopback},
    {"10.65535", kRefused, "10.0.255.255", C::kPrivate},
    {"169.254.43518", kRefused, "169.254.169.254", C::kLinkLocal},
    {"192.11010049", kRefused, "192.168.0.1", C::kPrivate},
    {"8.526344", kAllowed, "8.8.8.8", C::kPublic},
    // Trailing dots.
    {"127.0.0.1.", kRefused, "127.0.0.1", C::kLoopback},
    {"2130706433.", kRefused, "127.0.0.1", C::kLoopback},
    {"0x7f.1.", kRefused, "127.0.0.1", C::kLoopback},
    // IPv6.
    {"::1", kRefused, "::1", C::kLoopback},
    {"[::1]", kRefused, "::1", C::kLoopback},
    {"[0:0:0:0:0:0:0:1]", kRefused, "::1", C::kLoopback},
    {"[0000:0000:0000:0000:0000:0000:0000:0001]", kRefused, "::1", C::kLoopback},
    {"[::]", kRefused, "::", C::kUnspecified},
    {"[fe80::1]", kRefused, "fe80::1", C::kLinkLocal},
    {"[FE80::1]", kRefused, "fe80::1", C::kLinkLocal},
    {"[febf::1]", kRefused, "febf::1", C::kLinkLocal},
    {"[fec0::1]", kRefused, "fec0::1", C::kReserved},
    {"[fc00::1]", kRefused, "fc00::1", C::kUniqueLocal},
    {"[fd12:3456::1]", kRefused, "fd12:3456::1", C::kUniqueLocal},
    {"[ff02::1]", kRefused, "ff02::1", C::kMulticast},
    {"[2001:db8::1]", kRefused, "2001:db8::1", C::kDocumentation},
    {"[3fff::1]", kRefused, "3fff::1", C::kDocumentation},
    {"[2001:2::1]", kRefused, "2001:2::1", C::kBenchmarking},
    {"[100::1]", kRefused, "100::1", C::kReserved},
    {"[5f00::1]", kRefused, "5f00::1", C::kReserved},
    {"[4000::1]", kRefused, "4000::1", C::kReserved},
    {"[2001:10::1]", kRefused, "2001:10::1", C::kReserved},
    {"[2001:4860:4860::8888]", kAllowed, "2001:4860:4860::8888", C::kPublic},
    {"[2606:4700:4700::1111]", kAllowed, "2606:4700:4700::1111", C::kPublic},
    {"[2a00:1450:4001:80b::200e]", kAllowed, "2a00:1450:4001:80b::200e", C::kPublic},
    // Zone ids, raw and percent-encoded as in a URL.
    {"fe80::1%eth0", kRefused, "fe80::1%eth0", C::kLinkLocal},
    {"[fe80::1%25eth0]", kRefused, "fe80::1%eth0", C::kLinkLocal},
    {"[::1%lo]", kRefused, "::1%lo", C::kLoopback},
    // IPv4-mapped and IPv4-translated.
    {"[::ffff:127.0.0.1]", kRefused, "::ffff:127.0.0.1", C::kLoopback},
    {"[::FFFF:127.0.0.1]", kRefused, "::ffff:127.0.0.1", C::kLoopback},
    {"[::ffff:7f00:1]", kRefused, "::ffff:127.0.0.1", C::kLoopback},
    {"[0:0:0:0:0:ffff:169.254.169.254]", kRefused, "::ffff:169.254.169.254", C::kLinkLocal},
    {"[::ffff:10.0.0.1]", kRefused, "::ffff:10.0.0.1", C::kPrivate},
    {"[::ffff:8.8.8.8]", kAllowed, "::ffff:8.8.8.8", C::kPublic},
    {"[::ffff:0:127.0.0.1]", kRefused, "::ffff:0:7f00:1", C::kLoopback},
    // IPv4-compatible (deprecated): refused whatever it embeds.
    {"[::127.0.0.1]", kRefused, "::127.0.0.1", C::kLoopback},
    {"[::10.0.0.1]", kRefused, "::10.0.0.1", C::kPrivate},
    {"[::8.8.8.8]", kRefused, "::8.8.8.8", C::kReserved},
    // NAT64, 6to4 and Teredo judged by the IPv4 address they embed.
    {"[64:ff9b::127.0.0.1]", kRefused, "64:ff9b::7f00:1", C::kLoopback},
    {"[64:ff9b::a9fe:a9fe]", kRefused, "64:ff9b::a9fe:a9fe", C::kLinkLocal},
    {"[64:ff9b::8.8.8.8]", kAllowed, "64:ff9b::808:808", C::kPublic},
    {"[64:ff9b:1::8.8.8.8]", kRefused, "64:ff9b:1::808:808", C::kReserved},
    {"[2002:7f00:1::1]", kRefused, "2002:7f00:1::1", C::kLoopback},
    {"[2002:a9fe:a9fe::]", kRefused, "2002:a9fe:a9fe::", C::kLinkLocal},
    {"[2002:808:808::1]", kAllowed, "2002:808:808::1", C::kPublic},
    {"[2001:0:4136:e378:8000:63bf:80ff:fffe]", kRefused, "2001:0:4136:e378:8000:63bf:80ff:fffe",
     C::kLoopback},
    {"[2001:0:4136:e378:8000:63bf:f7f7:f7f7]", kRefused, "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
     C::kReserved},
};

TEST(AddressGuard, JudgesEveryHostSpellingByItsAddress) {
    for (const HostCase& entry : kHostCases) {
        SCOPED_TRACE(entry.host);

        std::optional<HostLiteral> literal = parse_host_literal(entry.host);

        ASSERT_TRUE(literal.has_value());
        ASSERT_EQ(literal->kind, HostLiteral::Kind::kAddress);
        EXPECT_EQ(literal->address.to_string(), entry.address);
        EXPECT_EQ(address_category_name(classify_address(literal->address)),
                  address_category_name(entry.category));
        bool allowed = is_address_allowed(literal->address, {});
        EXPECT_EQ(allowed, entry.verdict == Verdict::kAllowed);
    }
}

TEST(AddressGuard, RejectsMalformedNumericHosts) {
    const std::vector<std::string> malformed = {
        "",
        "1.2.3.4.5",
        "256.0.0.1",
        "127.0.0.256",
        "127.16777216",
        "4294967296",
        "0x100000000",
        "0x1ffffffffffffffffffff",
        "fed.0x100000000",
        "08.0.0.1",
        "0189.0.0.1",
        "127..1",
        ".127.0.0.1",
        "127.0.0.1..",
        "0xg.0.0.1",
        "abc.0x7f",
        "foo.127",
        "999999999999999999999",
        "[127.0.0.1]",
        "[::1",
        "::1]",
        "[:::1]",
        "[1::2::3]",
        "[::ffff:127.0.0.01]",
        "[::ffff:127.1]",
        "[12345::1]",
        "[fe80::1%]",
        "[fe80::1%25]",
        "[fe80::1%eth/0]",
        "fed..test",
        "fed.test..",
        "fed test",
        "fed.test:443",
        "f\xc3\xa9" "d.test",
        "fed%2etest",
        std::string(64, 'a') + ".test",
        std::string(250, 'a') + ".test",
    };

    for (const std::string& host : malformed) {
        SCOPED_TRACE(host);

        EXPECT_FALSE(parse_host_literal(host).has_value());
    }
}

TEST(AddressGuard, ReadsNamesAsLowercaseWithoutTrailingDot) {
    const std::vector<std::pair<std::string, std::string>> names = {
        {"fed.test", "fed.test"},
        {"Fed.TEST.", "fed.test"},
        {"localhost", "localhost"},
        {"1e1", "1e1"},
        {"0x7f.example", "0x7f.example"},
        {"127.0.0.1.example", "127.0.0.1.example"},
        {"xn--caf-dma.test", "xn--caf-dma.test"},
        {"_service.fed.test", "_service.fed.test"},
    };

    for (const auto& [host, expected] : names) {
        SCOPED_TRACE(host);

        std::optional<HostLiteral> literal = parse_host_literal(host);

        ASSERT_TRUE(literal.has_value());
        EXPECT_EQ(literal->kind, HostLiteral::Kind::kName);
        EXPECT_EQ(literal->name, expected);
    }
}

TEST(AddressGuard, AllowsRefusedAddressesInsideAllowedNetworks) {
    std::vector<IpNetwork> allowed = {*parse_cidr("127.0.0.1/32"), *parse_cidr("10.8.0.0/16"),
                                      *parse_cidr("fd00::/8")};

    EXPECT_TRUE(is_address_allowed(*parse_ipv4_number("127.0.0.1"), allowed));
    EXPECT_FALSE(is_address_allowed(*parse_ipv4_number("127.0.0.2"), allowed));
    EXPECT_TRUE(is_address_allowed(*parse_ipv4_number("10.8.255.255"), allowed));
    EXPECT_FALSE(is_address_allowed(*parse_ipv4_number("10.9.0.0"), allowed));
    EXPECT_TRUE(is_address_allowed(*parse_ipv6("fd12::1"), allowed));
    EXPECT_FALSE(is_address_allowed(*parse_ipv6("fc00::1"), allowed));
    EXPECT_FALSE(is_address_allowed(*parse_ipv6("::1"), allowed));
}

TEST(AddressGuard, MatchesMappedAddressesAgainstIpv4Networks) {
    std::vector<IpNetwork> allowed = {*parse_cidr("127.0.0.1/32")};

    EXPECT_TRUE(is_address_allowed(*parse_ipv6("::ffff:127.0.0.1"), allowed));
    EXPECT_FALSE(is_address_allowed(*parse_ipv6("::ffff:127.0.0.2"), allowed));
    EXPECT_FALSE(is_address_allowed(*parse_ipv6("::127.0.0.1"), allowed));
    EXPECT_FALSE(is_address_allowed(*parse_ipv6("64:ff9b::127.0.0.1"), allowed));
}

TEST(AddressGuard, ParsesCidrsStrictly) {
    EXPECT_EQ(parse_cidr("10.0.0.0/8")->prefix_length, 8);
    EXPECT_EQ(parse_cidr("127.0.0.1")->prefix_length, 32);
    EXPECT_EQ(parse_cidr("::1")->prefix_length, 128);
    EXPECT_EQ(parse_cidr("0.0.0.0/0")->prefix_length, 0);
    EXPECT_EQ(parse_cidr("2001:db8::/32")->prefix_length, 32);

    EXPECT_FALSE(parse_cidr("10.0.0.1/8").has_value());
    EXPECT_FALSE(parse_cidr("10.0.0.0/33").has_value());
    EXPECT_FALSE(parse_cidr("10.0.0.0/").has_value());
    EXPECT_FALSE(parse_cidr("10.0.0.0/-1").has_value());
    EXPECT_FALSE(parse_cidr("10.1/16").has_value());
    EXPECT_FALSE(parse_cidr("0x0a.0.0.0/8").has_value());
    EXPECT_FALSE(parse_cidr("fe80::%eth0/10").has_value());
    EXPECT_FALSE(parse_cidr("::/129").has_value());
    EXPECT_FALSE(parse_cidr("fed.test/32").has_value());
}

TEST(AddressGuard, ZeroPrefixNetworkContainsItsWholeFamily) {
    IpNetwork everything_v4 = *parse_cidr("0.0.0.0/0");

    EXPECT_TRUE(everything_v4.contains(*parse_ipv4_number("127.0.0.1")));
    EXPECT_TRUE(everything_v4.contains(*parse_ipv4_number("255.255.255.255")));
    EXPECT_FALSE(everything_v4.contains(*parse_ipv6("::1")));
}

}  // namespace
}  // namespace inmor::fetch

namespace inmor::fetch {
namespace {

TEST(SpecialUseNames, TestExampleInvalidMatch) {
    for (const char* host : {"test", "fed.test", "a.b.test", "fed.test.", "example", "x.example",
                             "invalid", "x.invalid"}) {
        EXPECT_TRUE(is_special_use_name(host)) << host;
    }
}

TEST(SpecialUseNames, OtherNamesDoNotMatch) {
    for (const char* host : {"fed.testing", "contest", "fedtest", "test.org", "example.com",
                             "invalid.net", "fed.inmor-netns", ""}) {
        EXPECT_FALSE(is_special_use_name(host)) << host;
    }
}

}  // namespace
}  // namespace inmor::fetch
