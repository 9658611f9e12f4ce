// ClientAddress: who a request comes from, trusting X-Forwarded-For only
// when the peer is a configured proxy.
#pragma once

#include "common/error.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace inmor::http {

class TrustedProxies {
public:
    /// Parses CIDRs ("10.0.0.0/8", "::1/128"); errors name the bad entry.
    static Result<TrustedProxies> parse(const std::vector<std::string>& cidrs);

    bool contains(const boost::asio::ip::address& address) const;
    bool empty() const { return v4_.empty() && v6_.empty(); }

    /// The client address for a request from `peer` carrying the
    /// X-Forwarded-For header `forwarded_for` (may be empty). Walks the list
    /// from the right, skipping trusted proxies, and stops at the first
    /// address it does not trust; unparsable entries end the walk there.
    std::string client_address(const boost::asio::ip::address& peer,
                               std::string_view forwarded_for) const;

private:
    std::vector<boost::asio::ip::network_v4> v4_;
    std::vector<boost::asio::ip::network_v6> v6_;
};

}  // namespace inmor::http
