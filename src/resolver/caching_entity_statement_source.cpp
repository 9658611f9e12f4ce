// The statement cache in front of the resolver's source.
#include "resolver/caching_entity_statement_source.h"

#include "jose/jws.h"
#include "resolver/http_entity_statement_source.h"

#include <algorithm>
#include <cmath>

namespace inmor::resolver {

CachingEntityStatementSource::CachingEntityStatementSource(const EntityStatementSource& upstream,
                                                           const Clock& clock,
                                                           std::size_t max_entries,
                                                           UnixSeconds max_lifetime)
    : upstream_(upstream),
      clock_(clock),
      max_entries_(std::max<std::size_t>(max_entries, 1)),
      max_lifetime_(max_lifetime) {}

Result<std::string> CachingEntityStatementSource::fetch_entity_configuration(
    const EntityId& entity_id) const {
    return cached("configuration " + entity_id.str(),
                  [&] { return upstream_.fetch_entity_configuration(entity_id); });
}

Result<std::string> CachingEntityStatementSource::fetch_subordinate_statement(
    std::string_view fetch_endpoint, const EntityId& subject) const {
    return cached("fetch " + subordinate_statement_url(fetch_endpoint, subject),
                  [&] { return upstream_.fetch_subordinate_statement(fetch_endpoint, subject); });
}

void CachingEntityStatementSource::clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
}

std::size_t CachingEntityStatementSource::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

template <class Fetch>
Result<std::string> CachingEntityStatementSource::cached(const std::string& key,
                                                         Fetch fetch) const {
    {
        std::lock_guard lock(mutex_);
        const auto found = entries_.find(key);
        if (found != entries_.end() && found->second.expires_at > clock_.now()) {
            return found->second.jwt;
        }
    }

    // The lock is not held while fetching, so concurrent misses for one key
    // may each fetch; the last one stored wins.
    auto jwt = fetch();
    if (jwt) {
        store(key, *jwt);
    }
    return jwt;
}

void CachingEntityStatementSource::store(const std::string& key, const std::string& jwt) const {
    // The expiry is read without verification: it only bounds how long the
    // bytes are kept, and the resolver checks `exp` itself on every use.
    auto decoded = jose::decode_unverified(jwt);
    if (!decoded) {
        return;
    }
    const boost::json::value* exp = decoded->payload().if_contains("exp");
    if (exp == nullptr || !exp->is_number()) {
        return;
    }
    const UnixSeconds now = clock_.now();
    const double claimed = std::min(exp->to_number<double>(), 1e15);
    const UnixSeconds expires_at =
        std::min(static_cast<UnixSeconds>(std::floor(std::max(claimed, 0.0))), now + max_lifetime_);
    if (expires_at <= now) {
        return;
    }

    std::lock_guard lock(mutex_);
    if (!entries_.contains(key)) {
        while (entries_.size() >= max_entries_) {
            evict_one();
        }
    }
    entries_[key] = Entry{jwt, expires_at};
}

// Drops the entry that expires first, so expired entries go first. The scan
// is linear in the number of entries, once per insertion into a full cache.
void CachingEntityStatementSource::evict_one() const {
    auto earliest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->second.expires_at < earliest->second.expires_at) {
            earliest = it;
        }
    }
    entries_.erase(earliest);
}

}  // namespace inmor::resolver
