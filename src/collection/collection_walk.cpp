// The collection walk: a bounded pool of threads crawls the federation tree
// from the Trust Anchor, then one pass verifies the Trust Marks and builds
// the snapshot.
#include "collection/collection_walk.h"

#include "collection/entity_info.h"
#include "common/json.h"
#include "common/logging.h"
#include "federation/entity_statement.h"
#include "federation/trust_mark.h"
#include "resolver/http_entity_statement_source.h"

#include <boost/json/array.hpp>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

namespace inmor::collection {
namespace {

namespace fed = inmor::federation;

std::shared_ptr<spdlog::logger> log() {
    static const auto instance = inmor::logger("collection");
    return instance;
}

/// An entity whose subordinates are listed: the anchor or an intermediate.
struct Authority {
    EntityId entity_id;
    std::string fetch_endpoint;
    std::string list_endpoint;
    jose::JwkSet jwks;
    std::size_t depth = 0;  // 0 for the anchor
};

/// The parts of a verified Entity Configuration the walk keeps.
struct CollectedEntity {
    std::vector<std::string> entity_types;
    boost::json::object ui_infos;
    std::vector<fed::TrustMarkEntry> trust_marks;
    std::vector<EntityId> authority_hints;
    jose::JwkSet jwks;
    bool lists_subordinates = false;
};

/// Every superior an entity was found under, and the entity once verified.
struct Sighting {
    std::vector<std::string> superiors;
    bool claimed = false;  // one thread fetches the configuration
    std::optional<CollectedEntity> entity;
};

/// A string member of `metadata.federation_entity`, or nothing.
std::optional<std::string> federation_endpoint(const fed::EntityStatementClaims& claims,
                                               std::string_view name) {
    if (!claims.metadata) return std::nullopt;
    const auto* federation = claims.metadata->if_contains("federation_entity");
    if (federation == nullptr || !federation->is_object()) return std::nullopt;
    const auto* endpoint = federation->as_object().if_contains(name);
    if (endpoint == nullptr || !endpoint->is_string()) return std::nullopt;
    return std::string(endpoint->as_string());
}

/// Parses a `/list` response body, a JSON array of entity id strings.
Result<std::vector<std::string>> parse_list(std::string_view body, std::size_t max_entries) {
    auto parsed = parse_json(body, "list response");
    if (!parsed) return parsed.error();
    if (!parsed->is_array()) {
        return Error::invalid_request("list response: expected a JSON array of entity ids");
    }

    const auto& array = parsed->as_array();
    if (array.size() > max_entries) {
        return Error::invalid_request("list response: " + std::to_string(array.size()) +
                                      " entries, more than the limit of " +
                                      std::to_string(max_entries));
    }
    std::vector<std::string> ids;
    ids.reserve(array.size());
    for (const auto& item : array) {
        if (!item.is_string()) {
            return Error::invalid_request("list response: an entry is not a string");
        }
        ids.emplace_back(item.as_string());
    }
    return ids;
}

class Walk {
public:
    Walk(const fetch::HttpFetcher& fetcher, const EntityId& trust_anchor, const Clock& clock,
         const WalkOptions& options)
        : fetcher_(fetcher),
          source_(fetcher),
          clock_(clock),
          options_(options),
          anchor_id_(trust_anchor) {}

    Result<WalkResult> run();

private:
    fed::StatementOptions statement_options() const { return {options_.allow_http}; }

    Result<fed::EntityConfiguration> fetch_anchor(const EntityId& trust_anchor);
    Result<std::vector<std::string>> fetch_list(const Authority& authority);
    void queue_subordinates(const std::shared_ptr<const Authority>& authority,
                            const std::vector<std::string>& ids);
    void list_subordinates(const std::shared_ptr<const Authority>& authority);
    void visit(const std::shared_ptr<const Authority>& superior, const EntityId& subject);

    enum class Claim { kClaimed, kSeenBefore, kOverLimit };
    /// Records `superior` for `subject`. Returns kClaimed to the first
    /// caller, which then fetches the subject's configuration.
    Claim claim(const EntityId& subject, const EntityId& superior);

    struct Collected {
        CollectedEntity entity;
        std::optional<Authority> authority;  // set when its subordinates are listed next
    };
    Result<Collected> collect(const Authority& superior, const EntityId& subject,
                              const jose::JwkSet& vouched_keys);
    Result<Authority> authority_below(const Authority& superior, const EntityId& subject,
                                      const fed::EntityStatementClaims& claims,
                                      const std::string& list_endpoint) const;

    // The task pool: `parallel_fetches` threads drain `tasks_` until it is
    // empty and no task runs (only a running task adds tasks).
    void post(std::function<void()> task);
    void run_tasks();
    void work();

    void record_error(std::string entity_id, std::string superior, std::string reason);
    void report_progress();
    void count_fetch();

    WalkResult finish(const fed::EntityConfiguration& anchor);
    /// Drops the entities no chain of `authority_hints` connects to the anchor.
    void drop_unchained(WalkResult& result);
    void add_error(WalkResult& result, const std::string& entity_id, std::string reason) const;
    /// The superiors of `sighting` its `authority_hints` name, sorted.
    std::vector<std::string> hinted_superiors(const Sighting& sighting) const;
    void verify_trust_marks(const fed::EntityConfiguration& anchor, WalkResult& result);
    Result<void> verify_trust_mark(const fed::TrustMarkEntry& entry, const std::string& id,
                                   const CollectedEntity& entity,
                                   const fed::TrustMarkRules& rules,
                                   const fed::EntityConfiguration& anchor) const;
    std::string entity_json(const std::string& id, const CollectedEntity& entity,
                            boost::json::array& marks) const;

    const fetch::HttpFetcher& fetcher_;
    resolver::HttpEntityStatementSource source_;
    const Clock& clock_;
    const WalkOptions& options_;
    const EntityId anchor_id_;

    std::mutex tasks_mutex_;
    std::condition_variable tasks_changed_;
    std::deque<std::function<void()>> tasks_;
    std::size_t running_ = 0;
    std::chrono::steady_clock::time_point deadline_;
    bool out_of_time_ = false;  // guarded by tasks_mutex_

    // Guarded by state_mutex_.
    std::mutex state_mutex_;
    std::unordered_map<std::string, Sighting> sightings_;
    std::size_t claimed_count_ = 0;
    std::size_t collected_count_ = 0;
    WalkResult result_;

    std::mutex progress_mutex_;
};

Result<WalkResult> Walk::run() {
    const auto started = std::chrono::steady_clock::now();
    deadline_ = started + options_.limits.time_budget;
    const EntityId& trust_anchor = anchor_id_;

    // A walk that cannot start from the anchor has nothing to publish.
    auto anchor = fetch_anchor(trust_anchor);
    if (!anchor) return anchor.error();
    auto fetch_endpoint = federation_endpoint(anchor->claims(), "federation_fetch_endpoint");
    auto list_endpoint = federation_endpoint(anchor->claims(), "federation_list_endpoint");
    if (!fetch_endpoint || !list_endpoint) {
        return Error(ErrorCode::kInvalidTrustChain,
                     "trust anchor " + trust_anchor.str() +
                         ": metadata.federation_entity lacks federation_fetch_endpoint or "
                         "federation_list_endpoint");
    }
    auto authority = std::make_shared<const Authority>(
        Authority{trust_anchor, *fetch_endpoint, *list_endpoint, anchor->claims().jwks, 0});
    auto ids = fetch_list(*authority);
    if (!ids) {
        return ids.error().with_context("trust anchor " + trust_anchor.str() + " list");
    }
    log()->info("collection walk started trust_anchor={} subordinates={} parallel_fetches={}",
                trust_anchor.str(), ids->size(), options_.limits.parallel_fetches);

    queue_subordinates(authority, *ids);
    run_tasks();
    if (out_of_time_) {
        return Error::unavailable("collection walk of " + trust_anchor.str() +
                                  " exceeded its time budget of " +
                                  std::to_string(options_.limits.time_budget.count()) + " ms");
    }

    WalkResult result = finish(*anchor);
    result.stats.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return result;
}

Result<fed::EntityConfiguration> Walk::fetch_anchor(const EntityId& trust_anchor) {
    count_fetch();
    auto jwt = source_.fetch_entity_configuration(trust_anchor);
    if (!jwt) return jwt.error().with_context("trust anchor entity configuration");

    const jose::JwkSet* pinned =
        options_.trust_anchor_keys ? &*options_.trust_anchor_keys : nullptr;
    auto configuration =
        fed::verify_entity_configuration(*jwt, trust_anchor, clock_, statement_options(), pinned);
    if (!configuration) {
        return Error(ErrorCode::kInvalidTrustChain,
                     "trust anchor entity configuration: " + configuration.error().message());
    }
    return configuration;
}

Result<std::vector<std::string>> Walk::fetch_list(const Authority& authority) {
    count_fetch();
    auto response = fetcher_.get(authority.list_endpoint, "application/json", true);
    if (!response) {
        const auto& failure = response.error();
        std::string message = "fetch of " + failure.url + " failed (" +
                              std::string(fetch::fetch_error_kind_name(failure.kind)) +
                              "): " + failure.message;
        if (failure.transient()) return Error::unavailable(std::move(message));
        return Error(ErrorCode::kInvalidTrustChain, std::move(message));
    }
    return parse_list(response->body, options_.limits.max_list_entries);
}

void Walk::queue_subordinates(const std::shared_ptr<const Authority>& authority,
                              const std::vector<std::string>& ids) {
    for (const auto& text : ids) {
        auto subject = EntityId::parse(text, options_.allow_http);
        if (!subject) {
            record_error(text, authority->entity_id.str(),
                         "listed entity id is invalid: " + subject.error().message());
            continue;
        }
        // The anchor, or an authority listing itself, would restart the walk.
        if (*subject == anchor_id_ || *subject == authority->entity_id) {
            record_error(text, authority->entity_id.str(),
                         "listed entity leads back into the tree; skipped");
            continue;
        }
        post([this, authority, id = std::move(*subject)] { visit(authority, id); });
    }
}

void Walk::list_subordinates(const std::shared_ptr<const Authority>& authority) {
    auto ids = fetch_list(*authority);
    if (!ids) {
        record_error(authority->entity_id.str(), "", "list failed: " + ids.error().message());
        return;
    }
    queue_subordinates(authority, *ids);
}

// One (superior, subordinate) pair: the superior's statement is verified
// for every pair, the subordinate's configuration only by the first pair
// that reaches it.
void Walk::visit(const std::shared_ptr<const Authority>& superior, const EntityId& subject) {
    count_fetch();
    auto jwt = source_.fetch_subordinate_statement(superior->fetch_endpoint, subject);
    if (!jwt) {
        record_error(subject.str(), superior->entity_id.str(), jwt.error().message());
        return;
    }
    auto statement = fed::verify_subordinate_statement(
        *jwt, superior->entity_id, superior->jwks, subject, clock_, statement_options());
    if (!statement) {
        record_error(subject.str(), superior->entity_id.str(),
                     "subordinate statement: " + statement.error().message());
        return;
    }

    switch (claim(subject, superior->entity_id)) {
    case Claim::kSeenBefore:
        return;
    case Claim::kOverLimit:
        record_error(subject.str(), superior->entity_id.str(),
                     "entity limit of " + std::to_string(options_.limits.max_entities) +
                         " reached; skipped");
        return;
    case Claim::kClaimed:
        break;
    }

    auto collected = collect(*superior, subject, statement->claims().jwks);
    if (!collected) {
        record_error(subject.str(), superior->entity_id.str(), collected.error().message());
        return;
    }
    std::optional<Authority> below = std::move(collected->authority);
    {
        std::lock_guard lock(state_mutex_);
        sightings_[subject.str()].entity = std::move(collected->entity);
        ++collected_count_;
    }
    report_progress();

    if (below) {
        post([this, authority = std::make_shared<const Authority>(std::move(*below))] {
            list_subordinates(authority);
        });
    }
}

Walk::Claim Walk::claim(const EntityId& subject, const EntityId& superior) {
    std::lock_guard lock(state_mutex_);
    Sighting& sighting = sightings_[subject.str()];
    if (sighting.claimed) {
        sighting.superiors.push_back(superior.str());
        return Claim::kSeenBefore;
    }
    if (claimed_count_ >= options_.limits.max_entities) return Claim::kOverLimit;

    sighting.superiors.push_back(superior.str());
    sighting.claimed = true;
    ++claimed_count_;
    return Claim::kClaimed;
}

// The subject's configuration must be self-signed, and signed with a key its
// superior vouches for. An entity that lists subordinates is walked below.
Result<Walk::Collected> Walk::collect(const Authority& superior, const EntityId& subject,
                                      const jose::JwkSet& vouched_keys) {
    count_fetch();
    auto jwt = source_.fetch_entity_configuration(subject);
    if (!jwt) return jwt.error();
    auto configuration =
        fed::verify_entity_configuration(*jwt, subject, clock_, statement_options());
    if (!configuration) {
        return configuration.error().with_context("entity configuration");
    }
    auto vouched = fed::verify_entity_configuration(*jwt, subject, clock_, statement_options(),
                                                    &vouched_keys);
    if (!vouched) {
        return vouched.error().with_context(
            "entity configuration is not signed with a key of the subordinate statement");
    }

    const fed::EntityStatementClaims& claims = configuration->claims();
    Collected collected;
    if (claims.metadata) {
        collected.entity.entity_types = entity_types_of(*claims.metadata);
        collected.entity.ui_infos = ui_infos_of(*claims.metadata);
    }
    collected.entity.trust_marks = claims.trust_marks;
    collected.entity.authority_hints = claims.authority_hints;
    collected.entity.jwks = claims.jwks;

    auto list_endpoint = federation_endpoint(claims, "federation_list_endpoint");
    if (!list_endpoint) return collected;
    collected.entity.lists_subordinates = true;

    auto authority = authority_below(superior, subject, claims, *list_endpoint);
    if (!authority) {
        record_error(subject.str(), superior.entity_id.str(), authority.error().message());
    } else {
        collected.authority = std::move(*authority);
    }
    return collected;
}

Result<Authority> Walk::authority_below(const Authority& superior, const EntityId& subject,
                                        const fed::EntityStatementClaims& claims,
                                        const std::string& list_endpoint) const {
    if (superior.depth + 1 >= options_.limits.max_depth) {
        return Error::invalid_request("depth limit of " +
                                      std::to_string(options_.limits.max_depth) +
                                      " reached; subordinates not listed");
    }
    auto fetch_endpoint = federation_endpoint(claims, "federation_fetch_endpoint");
    if (!fetch_endpoint) {
        return Error::invalid_request(
            "metadata.federation_entity: federation_list_endpoint without "
            "federation_fetch_endpoint; subordinates not listed");
    }
    return Authority{subject, *fetch_endpoint, list_endpoint, claims.jwks, superior.depth + 1};
}

// ---- The task pool --------------------------------------------------------------

void Walk::post(std::function<void()> task) {
    {
        std::lock_guard lock(tasks_mutex_);
        tasks_.push_back(std::move(task));
    }
    tasks_changed_.notify_one();
}

void Walk::run_tasks() {
    const std::size_t count = std::max<std::size_t>(1, options_.limits.parallel_fetches);
    std::vector<std::thread> threads;
    threads.reserve(count);
    for (std::size_t i = 0; i < count; ++i) threads.emplace_back([this] { work(); });
    for (auto& thread : threads) thread.join();
}

void Walk::work() {
    std::unique_lock lock(tasks_mutex_);
    for (;;) {
        tasks_changed_.wait(lock, [this] { return !tasks_.empty() || running_ == 0; });
        if (tasks_.empty()) {
            // Nothing queued and nothing running that could queue more.
            tasks_changed_.notify_all();
            return;
        }
        // Past the deadline the queue is dropped: the walk fails anyway.
        if (std::chrono::steady_clock::now() >= deadline_) {
            out_of_time_ = true;
            tasks_.clear();
            continue;
        }
        std::function<void()> task = std::move(tasks_.front());
        tasks_.pop_front();
        ++running_;
        lock.unlock();

        // Whatever a task throws (allocation failure, a library bug) is
        // counted as an error, so the pool always drains.
        try {
            task();
        } catch (const std::exception& failure) {
            record_error("", "", std::string("walk task failed: ") + failure.what());
        }

        lock.lock();
        --running_;
        if (running_ == 0 && tasks_.empty()) tasks_changed_.notify_all();
    }
}

// ---- Counters -------------------------------------------------------------------

void Walk::record_error(std::string entity_id, std::string superior, std::string reason) {
    log()->warn("collection entity skipped entity_id={} superior={} reason={}", entity_id,
                superior, reason);
    {
        std::lock_guard lock(state_mutex_);
        ++result_.stats.errors;
        if (result_.errors.size() < kMaxRecordedErrors) {
            result_.errors.push_back({std::move(entity_id), std::move(superior),
                                      std::move(reason)});
        }
    }
    report_progress();
}

void Walk::count_fetch() {
    std::lock_guard lock(state_mutex_);
    ++result_.stats.fetches;
}

void Walk::report_progress() {
    if (!options_.on_progress) return;
    WalkProgress progress;
    {
        std::lock_guard lock(state_mutex_);
        progress.entities = collected_count_;
        progress.errors = result_.stats.errors;
    }
    {
        std::lock_guard lock(tasks_mutex_);
        progress.pending = tasks_.size();
    }
    std::lock_guard lock(progress_mutex_);
    options_.on_progress(progress);
}

// ---- The snapshot ---------------------------------------------------------------

WalkResult Walk::finish(const fed::EntityConfiguration& anchor) {
    WalkResult result = std::move(result_);
    std::map<std::string, std::vector<std::string>> by_type;

    // Sorted by entity id, so two walks of the same tree write the same data.
    std::vector<std::string> ids;
    for (auto& [id, sighting] : sightings_) {
        if (sighting.entity) ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    drop_unchained(result);

    for (const auto& id : ids) {
        Sighting& sighting = sightings_.at(id);
        if (!sighting.entity) continue;

        // Superiors that were dropped themselves are left out.
        boost::json::array superiors_json;
        for (const auto& superior : hinted_superiors(sighting)) {
            const auto found = sightings_.find(superior);
            const bool chained = superior == anchor_id_.str() ||
                                 (found != sightings_.end() && found->second.entity);
            if (chained) superiors_json.emplace_back(superior);
        }
        result.snapshot.superiors.emplace_back(id, to_json(superiors_json));

        for (const auto& type : sighting.entity->entity_types) {
            if (is_unsafe_key_part(type)) continue;
            by_type[type].push_back(id);
            ++result.stats.entities_per_type[type];
        }
        if (sighting.entity->lists_subordinates) ++result.stats.intermediates;
    }

    verify_trust_marks(anchor, result);
    for (auto& [type, members] : by_type) {
        result.snapshot.by_type.emplace_back(type, std::move(members));
    }
    result.snapshot.trust_anchor = anchor_id_.str();
    result.snapshot.last_updated = clock_.now();
    result.stats.entities = result.snapshot.entities.size();
    return result;
}

// A subordinate of a dropped intermediate cannot chain through it either,
// so the entities kept are those reached from the anchor along superiors
// their `authority_hints` name.
void Walk::drop_unchained(WalkResult& result) {
    std::map<std::string, std::vector<std::string>> hinted_by;  // superior -> entities
    for (const auto& [id, sighting] : sightings_) {
        if (!sighting.entity) continue;
        for (const auto& superior : hinted_superiors(sighting)) {
            hinted_by[superior].push_back(id);
        }
    }

    std::set<std::string> chained;
    std::vector<std::string> frontier{anchor_id_.str()};
    while (!frontier.empty()) {
        const std::string current = std::move(frontier.back());
        frontier.pop_back();
        const auto children = hinted_by.find(current);
        if (children == hinted_by.end()) continue;
        for (const auto& child : children->second) {
            if (chained.insert(child).second) frontier.push_back(child);
        }
    }

    for (auto& [id, sighting] : sightings_) {
        if (!sighting.entity || chained.contains(id)) continue;
        add_error(result, id,
                  hinted_superiors(sighting).empty()
                      ? "authority_hints name none of the superiors it was listed under"
                      : "no chain of authority_hints leads from it to the trust anchor");
        sighting.entity.reset();
    }
}

void Walk::add_error(WalkResult& result, const std::string& entity_id,
                     std::string reason) const {
    log()->warn("collection entity skipped entity_id={} reason={}", entity_id, reason);
    ++result.stats.errors;
    if (result.errors.size() < kMaxRecordedErrors) {
        result.errors.push_back({entity_id, "", std::move(reason)});
    }
}

std::vector<std::string> Walk::hinted_superiors(const Sighting& sighting) const {
    std::set<std::string> superiors;
    for (const auto& superior : sighting.superiors) {
        const auto& hints = sighting.entity->authority_hints;
        const bool hinted =
            std::any_of(hints.begin(), hints.end(),
                        [&](const EntityId& hint) { return hint.str() == superior; });
        if (hinted) superiors.insert(superior);
    }
    return {superiors.begin(), superiors.end()};
}

// Marks are checked after the walk, when the keys of every issuer found in
// the federation are at hand. Each collected entity becomes one snapshot
// entry here, with the marks that verified.
void Walk::verify_trust_marks(const fed::EntityConfiguration& anchor, WalkResult& result) {
    auto rules = fed::TrustMarkRules::from_entity_configuration(anchor, statement_options());
    if (!rules) {
        log()->warn("trust mark rules unreadable trust_anchor={} reason={}", anchor_id_.str(),
                    rules.error().message());
    }

    std::map<std::string, std::vector<std::string>> by_trust_mark;
    std::vector<std::string> ids;
    for (const auto& [id, sighting] : sightings_) {
        if (sighting.entity) ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());

    for (const auto& id : ids) {
        const CollectedEntity& entity = *sightings_.at(id).entity;
        boost::json::array marks;
        for (const auto& entry : entity.trust_marks) {
            if (!rules) {
                ++result.stats.trust_marks_rejected;
                continue;
            }
            auto verified = verify_trust_mark(entry, id, entity, *rules, anchor);
            if (!verified) {
                ++result.stats.trust_marks_rejected;
                log()->info("trust mark rejected entity_id={} trust_mark_type={} reason={}", id,
                            entry.trust_mark_type, verified.error().message());
                continue;
            }
            ++result.stats.trust_marks_verified;
            boost::json::object mark;
            mark["trust_mark_type"] = entry.trust_mark_type;
            mark["trust_mark"] = entry.trust_mark;
            marks.push_back(std::move(mark));
            if (!is_unsafe_key_part(entry.trust_mark_type)) {
                auto& holders = by_trust_mark[entry.trust_mark_type];
                if (holders.empty() || holders.back() != id) holders.push_back(id);
            }
        }
        result.snapshot.entities.push_back({id, entity_json(id, entity, marks)});
    }

    for (auto& [type, holders] : by_trust_mark) {
        result.snapshot.by_trust_mark.emplace_back(type, std::move(holders));
    }
}

Result<void> Walk::verify_trust_mark(const fed::TrustMarkEntry& entry, const std::string& id,
                                     const CollectedEntity& entity,
                                     const fed::TrustMarkRules& rules,
                                     const fed::EntityConfiguration& anchor) const {
    auto unverified = fed::decode_trust_mark(entry.trust_mark);
    if (!unverified) return unverified.error();
    auto issuer = EntityId::parse(unverified->issuer, options_.allow_http);
    if (!issuer) return issuer.error().with_context("trust mark iss");
    if (auto accepted = rules.check_issuer(entry.trust_mark_type, *issuer); !accepted) {
        return accepted.error();
    }

    // The issuer's keys: the anchor's, the entity's own, or those of an
    // issuer the walk verified under the same anchor.
    const jose::JwkSet* keys = nullptr;
    if (*issuer == anchor_id_) {
        keys = &anchor.claims().jwks;
    } else if (issuer->str() == id) {
        keys = &entity.jwks;
    } else if (const auto found = sightings_.find(issuer->str());
               found != sightings_.end() && found->second.entity) {
        keys = &found->second.entity->jwks;
    }
    if (keys == nullptr) {
        return Error::invalid_request("trust mark iss: issuer " + issuer->str() +
                                      " was not found in the federation");
    }

    // NOTE: the issuer's status endpoint is not asked, so a revoked mark
    // whose signature and times are valid is still listed until it expires.
    auto subject = EntityId::parse(id, options_.allow_http);
    if (!subject) return subject.error();
    auto mark = fed::verify_trust_mark(entry.trust_mark, *subject, entry.trust_mark_type, *keys,
                                       rules, clock_, statement_options());
    if (!mark) return mark.error();
    return {};
}

std::string Walk::entity_json(const std::string& id, const CollectedEntity& entity,
                              boost::json::array& marks) const {
    boost::json::object info;
    info["entity_id"] = id;
    boost::json::array types;
    for (const auto& type : entity.entity_types) types.emplace_back(type);
    info["entity_types"] = std::move(types);
    if (!entity.ui_infos.empty()) info["ui_infos"] = entity.ui_infos;
    if (!marks.empty()) info["trust_marks"] = std::move(marks);
    return to_json(info);
}

}  // namespace

Result<WalkResult> walk_federation(const fetch::HttpFetcher& fetcher,
                                   const EntityId& trust_anchor, const Clock& clock,
                                   const WalkOptions& options) {
    Walk walk(fetcher, trust_anchor, clock, options);
    return walk.run();
}

}  // namespace inmor::collection
