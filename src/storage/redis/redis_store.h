// The Redis engine: the KeyValueStore over a pool of hiredis connections,
// with changes announced on the `inmor:changes` channel.
#pragma once

#include "storage/key_value_store.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace inmor::storage {

struct RedisStoreOptions {
    /// Connections open at once; callers beyond that wait for a free one.
    std::size_t max_connections = 16;
    /// Kept short so an unreachable Redis is reported quickly.
    std::chrono::milliseconds connect_timeout{500};
    /// Time allowed for one command (or pipeline) to be answered.
    std::chrono::milliseconds command_timeout{5000};
    /// How long a caller waits for a free connection when all are in use.
    std::chrono::milliseconds pool_wait{2000};
    /// First and largest delay between attempts of a change subscription to
    /// subscribe again after losing its connection.
    std::chrono::milliseconds resubscribe_delay{100};
    std::chrono::milliseconds max_resubscribe_delay{5000};
};

/// Opens the store at `uri` (`redis://[[user]:password@]host[:port][/db]`).
/// Connections are made on first use, so the store opens while Redis is
/// down and its operations return kTemporarilyUnavailable until Redis is
/// back. Errors: kInvalidRequest for a malformed URI.
Result<std::unique_ptr<KeyValueStore>> open_redis_store(const std::string& uri,
                                                       RedisStoreOptions options = {});

}  // namespace inmor::storage
