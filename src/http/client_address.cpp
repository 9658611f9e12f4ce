// X-Forwarded-For handling.
#include "http/client_address.h"

namespace inmor::http {
namespace {

namespace ip = boost::asio::ip;

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

/// IPv4-mapped IPv6 peers ("::ffff:10.0.0.1") compare as IPv4.
ip::address normalize(const ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return ip::make_address_v4(ip::v4_mapped, address.to_v6());
    }
    return address;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& cidrs) {
    TrustedProxies proxies;
    for (std::size_t i = 0; i < cidrs.size(); ++i) {
        boost::system::error_code error;
        if (cidrs[i].find(':') != std::string::npos) {
            proxies.v6_.push_back(ip::make_network_v6(cidrs[i], error));
        } else {
            proxies.v4_.push_back(ip::make_network_v4(cidrs[i], error));
        }
        if (error) {
            return Error::invalid_request("limits.trusted_proxies[" + std::to_string(i) +
                                          "]: invalid CIDR \"" + cidrs[i] + "\"");
        }
    }
    return proxies;
}

bool TrustedProxies::contains(const ip::address& raw) const {
    const ip::address address = normalize(raw);
    if (address.is_v4()) {
        for (const auto& network : v4_) {
            const auto masked = ip::make_network_v4(address.to_v4(), network.prefix_length());
            if (masked.network() == network.network()) return true;
        }
        return false;
    }
    for (const auto& network : v6_) {
        const auto masked = ip::make_network_v6(address.to_v6(), network.prefix_length());
        if (masked.network() == network.network()) return true;
    }
    return false;
}

std::string TrustedProxies::client_address(const ip::address& peer,
                                           std::string_view forwarded_for) const {
    ip::address client = normalize(peer);
    if (forwarded_for.empty() || !contains(client)) return client.to_string();

    // Each proxy appends the address it received from, so the rightmost
    // entry not belonging to a trusted proxy is the client.
    std::string_view rest = forwarded_for;
    while (!rest.empty()) {
        const std::size_t comma = rest.rfind(',');
        const std::string_view entry =
            trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);

        boost::system::error_code error;
        const ip::address hop = ip::make_address(std::string(entry), error);
        if (error) break;
        client = normalize(hop);
        if (!contains(client)) break;
    }
    return client.to_string();
}

}  // namespace inmor::http
