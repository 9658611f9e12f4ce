// Parsing of `redis://[[user]:password@]host[:port][/database]` URIs.
#pragma once

#include "common/error.h"

#include <string>
#include <string_view>

namespace inmor::storage {

/// Where a Redis server is and how to log in to it.
struct RedisEndpoint {
    std::string host;
    int port = 6379;
    /// ACL user name (Redis 6 and later); empty for the default user.
    std::string user;
    /// Empty when the server needs no AUTH.
    std::string password;
    int database = 0;
};

/// Parses a redis:// URI. Percent-encoded user names and passwords are
/// decoded. Errors: kInvalidRequest naming what is wrong (scheme, host,
/// port or database), without repeating the password.
Result<RedisEndpoint> parse_redis_uri(std::string_view uri);

}  // namespace inmor::storage
