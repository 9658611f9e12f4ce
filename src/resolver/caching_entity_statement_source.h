// CachingEntityStatementSource: keeps fetched statements until their `exp`,
// in front of another EntityStatementSource.
#pragma once

#include "common/clock.h"
#include "resolver/entity_statement_source.h"

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace inmor::resolver {

/// Serves statements from memory while they are fresh, and fetches from `upstream`
/// otherwise. A statement is kept until the earlier of its `exp` claim and
/// `max_lifetime` seconds after the fetch, so a changed statement is picked
/// up within `max_lifetime`. Only successful fetches are kept. The cache
/// never vouches for a statement: the resolver verifies every statement it
/// gets, cached or not. Thread-safe.
class CachingEntityStatementSource final : public EntityStatementSource {
public:
    CachingEntityStatementSource(const EntityStatementSource& upstream, const Clock& clock,
                                 std::size_t max_entries = 4096,
                                 UnixSeconds max_lifetime = 3600);

    Result<std::string> fetch_entity_configuration(const EntityId& entity_id) const override;

    Result<std::string> fetch_subordinate_statement(std::string_view fetch_endpoint,
                                                    const EntityId& subject) const override;

    /// Drops every entry, for example after an administrator's change.
    void clear();

    std::size_t size() const;

private:
    struct Entry {
        std::string jwt;
        UnixSeconds expires_at = 0;
    };

    template <class Fetch>
    Result<std::string> cached(const std::string& key, Fetch fetch) const;
    void store(const std::string& key, const std::string& jwt) const;
    void evict_one() const;

    const EntityStatementSource& upstream_;
    const Clock& clock_;
    std::size_t max_entries_;
    UnixSeconds max_lifetime_;
    mutable std::mutex mutex_;
    mutable std::map<std::string, Entry> entries_;
};

}  // namespace inmor::resolver
