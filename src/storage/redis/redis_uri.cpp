// Parsing of redis:// URIs with Boost.URL.
#include "storage/redis/redis_uri.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>

namespace inmor::storage {
namespace {

Error invalid(std::string_view what) {
    return Error::invalid_request("redis_uri: " + std::string(what));
}

}  // namespace

Result<RedisEndpoint> parse_redis_uri(std::string_view uri) {
    auto parsed = boost::urls::parse_uri(uri);
    if (!parsed) {
        return invalid("not a valid URI, expected redis://[:password@]host:port[/db]");
    }
    const boost::urls::url_view& url = *parsed;
    if (url.scheme() != "redis") {
        return invalid("scheme must be redis (TLS with rediss is not supported)");
    }

    RedisEndpoint endpoint;
    if (url.host_type() == boost::urls::host_type::ipv6) {
        endpoint.host = url.host_ipv6_address().to_string();
    } else {
        endpoint.host = url.host();
    }
    if (endpoint.host.empty()) {
        return invalid("host is missing");
    }

    if (url.has_port()) {
        const auto port = url.port();
        int number = 0;
        const auto [end, errc] = std::from_chars(port.data(), port.data() + port.size(), number);
        if (errc != std::errc() || end != port.data() + port.size() || number < 1 ||
            number > 65535) {
            return invalid("port must be a number from 1 to 65535");
        }
        endpoint.port = number;
    }

    if (url.has_userinfo()) {
        endpoint.user = url.user();
        endpoint.password = url.password();
        if (!url.has_password()) {
            // redis://secret@host is the common spelling of a password alone.
            endpoint.password = std::move(endpoint.user);
            endpoint.user.clear();
        }
    }

    // The path is empty, "/" or "/{database}".
    std::string_view path = url.encoded_path();
    if (!path.empty() && path != "/") {
        path.remove_prefix(1);
        int database = 0;
        const auto [end, errc] = std::from_chars(path.data(), path.data() + path.size(),
                                                 database);
        if (errc != std::errc() || end != path.data() + path.size() || database < 0) {
            return invalid("database must be a non-negative number");
        }
        endpoint.database = database;
    }
    if (url.has_query() || url.has_fragment()) {
        return invalid("query and fragment are not supported");
    }
    return endpoint;
}

}  // namespace inmor::storage
