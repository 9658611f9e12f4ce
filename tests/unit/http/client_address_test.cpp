// X-Forwarded-For believed only from trusted proxies.
#include "http/client_address.h"

#include <gtest/gtest.h>

namespace inmor::http {
namespace {

namespace ip = boost::asio::ip;

TrustedProxies proxies(std::vector<std::string> cidrs) {
    return TrustedProxies::parse(cidrs).value();
}

TEST(TrustedProxies, UntrustedPeerIsTheClient) {
    const auto trusted = proxies({"10.0.0.0/8"});

    EXPECT_EQ(trusted.client_address(ip::make_address("192.0.2.7"), "198.51.100.1"),
              "192.0.2.7");
}

TEST(TrustedProxies, TrustedPeerForwardsClient) {
    const auto trusted = proxies({"10.0.0.0/8"});

    EXPECT_EQ(trusted.client_address(ip::make_address("10.1.2.3"), "198.51.100.1"),
              "198.51.100.1");
}

TEST(TrustedProxies, SkipsChainOfTrustedProxiesFromTheRight) {
    const auto trusted = proxies({"10.0.0.0/8"});

    // The leftmost entry is client-controlled; the first untrusted from the right counts.
    EXPECT_EQ(trusted.client_address(ip::make_address("10.0.0.1"),
                                     "1.1.1.1, 198.51.100.9, 10.0.0.2"),
              "198.51.100.9");
}

TEST(TrustedProxies, UnparsableEntryStopsTheWalk) {
    const auto trusted = proxies({"10.0.0.0/8"});

    EXPECT_EQ(trusted.client_address(ip::make_address("10.0.0.1"), "198.51.100.9, garbage"),
              "10.0.0.1");
}

TEST(TrustedProxies, Ipv6AndMappedIpv4) {
    const auto trusted = proxies({"::1/128", "127.0.0.0/8"});

    EXPECT_EQ(trusted.client_address(ip::make_address("::1"), "2001:db8::5"), "2001:db8::5");
    EXPECT_EQ(trusted.client_address(ip::make_address("::ffff:127.0.0.1"), "192.0.2.4"),
              "192.0.2.4");
}

TEST(TrustedProxies, NoProxiesMeansPeer) {
    const auto trusted = proxies({});

    EXPECT_EQ(trusted.client_address(ip::make_address("127.0.0.1"), "192.0.2.4"), "127.0.0.1");
}

TEST(TrustedProxies, InvalidCidrNamesEntry) {
    const auto parsed = TrustedProxies::parse({"10.0.0.0/8", "300.0.0.0/8"});

    ASSERT_FALSE(parsed);
    EXPECT_NE(parsed.error().message().find("limits.trusted_proxies[1]"), std::string::npos);
}

}  // namespace
}  // namespace inmor::http
