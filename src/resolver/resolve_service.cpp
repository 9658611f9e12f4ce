// Precomputed, shared and signed-once resolve responses.
#include "resolver/resolve_service.h"

#include "common/hex.h"
#include "common/json.h"
#include "common/logging.h"
#include "federation/trust_mark_digest.h"
#include "jose/jws.h"
#include "resolver/resolve_response.h"

#include <boost/json/serialize.hpp>

#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace inmor::resolver {

namespace json = boost::json;

namespace {

constexpr ErrorCode kStoredErrorCodes[] = {
    ErrorCode::kInvalidRequest,     ErrorCode::kInvalidTrustAnchor,
    ErrorCode::kInvalidTrustChain,  ErrorCode::kTemporarilyUnavailable,
    ErrorCode::kInvalidSubject,     ErrorCode::kServerError,
};

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string entry_key(const EntityId& trust_anchor, const EntityId& subject) {
    return trust_anchor.str() + "\n" + subject.str();
}

std::string shared_suffix(const std::string& key) { return federation::trust_mark_digest(key); }

// A chain is kept until its `exp`, and a failure until its retry time.
UnixSeconds refresh_time(const ChainRecord& record, UnixSeconds now,
                         const ResolveServiceOptions& options) {
    if (!record.ok()) {
        const bool transient = record.error->code() == ErrorCode::kTemporarilyUnavailable;
        return now + (transient ? options.transient_retry : options.failure_retry);
    }
    const UnixSeconds span = std::max<UnixSeconds>(record.expires_at - now, 0);
    const UnixSeconds early = record.expires_at - options.refresh_before_expiry;
    // A chain shorter-lived than the refresh margin is renewed at half its life.
    return std::max(early, now + std::max<UnixSeconds>(span / 2, 1));
}

Result<std::string> string_member(const json::object& object, std::string_view name) {
    const json::value* value = object.if_contains(name);
    if (!value || !value->is_string()) {
        return Error::server_error("resolve record: " + std::string(name) + " is not a string");
    }
    return std::string(value->as_string());
}

Result<std::int64_t> integer_member(const json::object& object, std::string_view name) {
    const json::value* value = object.if_contains(name);
    if (!value || !value->is_int64()) {
        return Error::server_error("resolve record: " + std::string(name) +
                                   " is not an integer");
    }
    return value->as_int64();
}

}  // namespace

std::string chain_record_to_json(const ChainRecord& record) {
    json::object out;
    out["subject"] = record.subject;
    out["trust_anchor"] = record.trust_anchor;
    out["expires_at"] = record.expires_at;
    out["computed_at_ms"] = record.computed_at_ms;
    out["refresh_at"] = record.refresh_at;
    if (record.error) {
        out["error"] = std::string(error_code_name(record.error->code()));
        out["error_description"] = record.error->message();
        return json::serialize(out);
    }
    json::array statements;
    for (const auto& statement : record.statements) statements.emplace_back(statement);
    out["trust_chain"] = std::move(statements);
    out["metadata"] = record.metadata;
    json::array marks;
    for (const auto& mark : record.trust_marks) {
        json::object entry{{"trust_mark_type", mark.trust_mark_type},
                           {"trust_mark", mark.trust_mark}};
        if (mark.expires_at) entry["exp"] = *mark.expires_at;
        marks.push_back(std::move(entry));
    }
    out["trust_marks"] = std::move(marks);
    return json::serialize(out);
}

Result<ChainRecord> chain_record_from_json(std::string_view text) {
    auto parsed = parse_json_object(text, "resolve record");
    if (!parsed) return parsed.error();
    const json::object& in = *parsed;

    ChainRecord record;
    auto subject = string_member(in, "subject");
    auto anchor = string_member(in, "trust_anchor");
    auto expires = integer_member(in, "expires_at");
    auto computed = integer_member(in, "computed_at_ms");
    auto refresh = integer_member(in, "refresh_at");
    if (!subject) return subject.error();
    if (!anchor) return anchor.error();
    if (!expires) return expires.error();
    if (!computed) return computed.error();
    if (!refresh) return refresh.error();
    record.subject = *subject;
    record.trust_anchor = *anchor;
    record.expires_at = *expires;
    record.computed_at_ms = *computed;
    record.refresh_at = *refresh;

    if (in.contains("error")) {
        auto code_name = string_member(in, "error");
        auto description = string_member(in, "error_description");
        if (!code_name) return code_name.error();
        if (!description) return description.error();
        ErrorCode code = ErrorCode::kServerError;
        for (ErrorCode candidate : kStoredErrorCodes) {
            if (error_code_name(candidate) == *code_name) code = candidate;
        }
        record.error = Error(code, *description);
        return record;
    }

    const json::value* chain = in.if_contains("trust_chain");
    const json::value* metadata = in.if_contains("metadata");
    const json::value* marks = in.if_contains("trust_marks");
    if (!chain || !chain->is_array() || !metadata || !metadata->is_object() || !marks ||
        !marks->is_array()) {
        return Error::server_error("resolve record: trust_chain, metadata or trust_marks broken");
    }
    for (const json::value& statement : chain->as_array()) {
        if (!statement.is_string()) {
            return Error::server_error("resolve record: trust_chain contains a non-string");
        }
        record.statements.emplace_back(statement.as_string());
    }
    record.metadata = metadata->as_object();
    for (const json::value& mark : marks->as_array()) {
        if (!mark.is_object()) return Error::server_error("resolve record: bad trust_marks");
        auto type = string_member(mark.as_object(), "trust_mark_type");
        auto jwt = string_member(mark.as_object(), "trust_mark");
        if (!type) return type.error();
        if (!jwt) return jwt.error();
        RecordedTrustMark recorded{*type, *jwt, std::nullopt};
        if (mark.as_object().contains("exp")) {
            auto exp = integer_member(mark.as_object(), "exp");
            if (!exp) return exp.error();
            recorded.expires_at = *exp;
        }
        record.trust_marks.push_back(std::move(recorded));
    }
    return record;
}

ResolveService::ResolveService(const TrustChainResolver& resolver, const jose::Jwk& signing_key,
                               KnownEntities known, storage::KeyValueStore* shared,
                               const Clock& clock, ResolveServiceOptions options)
    : resolver_(resolver),
      signing_key_(signing_key),
      known_(std::move(known)),
      shared_(shared),
      clock_(clock),
      options_(std::move(options)),
      log_(logger("resolver")) {
    if (options_.lock_owner.empty()) options_.lock_owner = process_lock_owner();
}

const std::string& process_lock_owner() {
    static const std::string owner = [] {
        unsigned char bytes[16];
        std::string token;
        if (RAND_bytes(bytes, sizeof bytes) == 1) {
            token = to_hex(bytes);
        } else {
            // NOTE: without random bytes the owner is only as unique as the
            // process id and start time, which still distinguishes replicas.
            token = std::to_string(::getpid()) + "-" + std::to_string(now_ms());
        }
        return token;
    }();
    return owner;
}

ResolveService::~ResolveService() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
}

Result<std::shared_ptr<const SignedAnswer>> ResolveService::answer(
    const EntityId& subject, const std::vector<EntityId>& trust_anchors,
    std::vector<std::string> entity_types) {
    std::vector<EntityId> anchors;
    for (const EntityId& anchor : trust_anchors) {
        if (resolver_.trust_anchors().contains(anchor) &&
            std::find(anchors.begin(), anchors.end(), anchor) == anchors.end()) {
            anchors.push_back(anchor);
        }
    }
    if (anchors.empty()) {
        return Error(ErrorCode::kInvalidTrustAnchor,
                     "trust_anchor: " +
                         (trust_anchors.empty() ? std::string("missing")
                                                : trust_anchors.front().str()) +
                         " is not a trust anchor this resolver knows");
    }

    bool known = subject == options_.own_id;
    if (!known && known_.contains) {
        auto contained = known_.contains(subject.str());
        if (!contained) return contained.error();
        known = *contained;
    }
    if (!known && !options_.live_discovery) {
        return Error(ErrorCode::kInvalidSubject,
                     "sub: " + subject.str() +
                         " is not known to this resolver, and live discovery is off");
    }

    std::sort(entity_types.begin(), entity_types.end());
    entity_types.erase(std::unique(entity_types.begin(), entity_types.end()),
                       entity_types.end());

    std::optional<Error> first_error;
    for (const EntityId& anchor : anchors) {
        auto record = chain_record(subject, anchor, known);
        if (record->ok()) return signed_answer(record, entity_types);
        // A transient failure on any anchor matters more than a broken chain
        // on another: trying again later may succeed.
        if (!first_error ||
            record->error->code() == ErrorCode::kTemporarilyUnavailable) {
            first_error = *record->error;
        }
    }
    return *first_error;
}

std::shared_ptr<const ChainRecord> ResolveService::chain_record(const EntityId& subject,
                                                                const EntityId& trust_anchor,
                                                                bool known) {
    return obtain(subject, trust_anchor, known, false);
}

bool ResolveService::usable(const Entry& entry, UnixSeconds now) const {
    if (!entry.record) return false;
    if (entry.record->computed_at_ms < entry.outdated_before_ms) return false;
    if (entry.record->ok()) return now < entry.record->expires_at;
    return now < entry.record->refresh_at;
}

// A request thread's wait for one computation. Requests for the same key
// join one computation and share its place among the max_live_computations,
// so identical concurrent requests are never rejected. take() is called with
// mutex_ held; the destructor takes it itself.
class ResolveService::WaitSlot {
public:
    WaitSlot(ResolveService& service, bool counted, const std::string& key)
        : service_(service), counted_(counted), key_(key) {}
    ~WaitSlot() {
        if (!held_) return;
        std::lock_guard lock(service_.mutex_);
        auto waited = service_.waited_keys_.find(key_);
        if (--waited->second == 0) service_.waited_keys_.erase(waited);
    }
    WaitSlot(const WaitSlot&) = delete;
    WaitSlot& operator=(const WaitSlot&) = delete;

    bool take() {
        const std::size_t bound = service_.options_.max_live_computations;
        if (!counted_ || bound == 0) return true;
        auto& waited = service_.waited_keys_;
        if (!waited.contains(key_) && waited.size() >= bound) return false;
        ++waited[key_];
        held_ = true;
        return true;
    }

private:
    ResolveService& service_;
    bool counted_;
    const std::string& key_;
    bool held_ = false;
};

// The answer to a request rejected by max_live_computations. It is not kept:
// the next request tries again.
std::shared_ptr<const ChainRecord> ResolveService::busy_record(const EntityId& subject,
                                                               const EntityId& trust_anchor) {
    log_->info("resolve rejected sub={} trust_anchor={} reason=busy limit={}", subject.str(),
               trust_anchor.str(), options_.max_live_computations);
    ChainRecord busy;
    busy.subject = subject.str();
    busy.trust_anchor = trust_anchor.str();
    busy.computed_at_ms = now_ms();
    busy.error = Error::unavailable("resolve: " + std::to_string(options_.max_live_computations) +
                                    " live computations are already waited on, try again later");
    busy.refresh_at = clock_.now();
    return std::make_shared<const ChainRecord>(std::move(busy));
}

std::shared_ptr<const ChainRecord> ResolveService::obtain(const EntityId& subject,
                                                          const EntityId& trust_anchor,
                                                          bool known, bool force) {
    const std::string key = entry_key(trust_anchor, subject);
    std::promise<std::shared_ptr<const ChainRecord>> promise;
    std::int64_t not_before_ms = 0;
    // Requests (force is false) count while they wait; the precompute pass
    // does not, because it runs on a thread of its own.
    WaitSlot slot(*this, !force, key);
    {
        std::unique_lock lock(mutex_);
        Entry& entry = entries_[key];
        entry.known = entry.known || known;
        if (!force && usable(entry, clock_.now())) return entry.record;
        if (!force && !slot.take()) {
            ++stats_.rejected_waits;
            // Rejected subjects leave no empty entries behind to fill memory.
            if (!entry.record && !in_flight_.contains(key)) entries_.erase(key);
            lock.unlock();
            return busy_record(subject, trust_anchor);
        }
        if (auto running = in_flight_.find(key); running != in_flight_.end()) {
            auto future = running->second;
            lock.unlock();
            return future.get();
        }
        in_flight_.emplace(key, promise.get_future().share());
        not_before_ms = std::max(entry.outdated_before_ms, outdated_before_ms_);
    }

    // Waiters block on the promise, so it is always fulfilled, even when the
    // computation throws (allocation failure, a library bug).
    std::shared_ptr<const ChainRecord> record;
    try {
        record = std::make_shared<const ChainRecord>(compute(subject, trust_anchor,
                                                             not_before_ms));
    } catch (const std::exception& failure) {
        log_->error("resolve computation failed sub={} trust_anchor={} error={}",
                    subject.str(), trust_anchor.str(), failure.what());
        ChainRecord failed;
        failed.subject = subject.str();
        failed.trust_anchor = trust_anchor.str();
        failed.computed_at_ms = now_ms();
        failed.error = Error::unavailable("resolving " + subject.str() + " failed internally");
        failed.refresh_at = refresh_time(failed, clock_.now(), options_);
        record = std::make_shared<const ChainRecord>(std::move(failed));
    }
    {
        std::lock_guard lock(mutex_);
        Entry& entry = entries_[key];
        entry.record = record;
        in_flight_.erase(key);
        generation_.fetch_add(1, std::memory_order_acq_rel);
        if (!entry.known) prune_live(clock_.now());
    }
    promise.set_value(record);
    return record;
}

ChainRecord ResolveService::compute(const EntityId& subject, const EntityId& trust_anchor,
                                    std::int64_t not_before_ms) {
    if (!shared_) return resolve_now(subject, trust_anchor);

    const std::string suffix = shared_suffix(entry_key(trust_anchor, subject));
    const std::string record_key = std::string(kResolveChainKeyPrefix) + suffix;
    const std::string lock_key = std::string(kResolveLockKeyPrefix) + suffix;
    if (auto adopted = read_shared(record_key, not_before_ms)) return std::move(*adopted);

    auto locked = shared_->set_if_absent(lock_key, options_.lock_owner, options_.lock_ttl);
    // NOTE: a replica that died holding the lock makes the others wait up to
    // lock_ttl here, request threads included, before they compute themselves.
    if (locked && !*locked && holds_lock(lock_key)) {
        // Computations of one key in this process are joined in obtain(), so
        // a lock with this process's token was left by a failed release.
        log_->warn("resolve lock left behind, taking it over key={}", lock_key);
        std::lock_guard lock(mutex_);
        ++stats_.locks_taken_over;
    } else if (locked && !*locked) {
        // Another replica is computing it: wait for its record, at most as
        // long as its lock lasts, then compute here after all.
        const auto deadline = std::chrono::steady_clock::now() + options_.lock_ttl;
        while (std::chrono::steady_clock::now() < deadline && !stop_requested()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (auto adopted = read_shared(record_key, not_before_ms)) {
                return std::move(*adopted);
            }
            auto again = shared_->set_if_absent(lock_key, options_.lock_owner, options_.lock_ttl);
            if (!again || *again) break;
        }
    }

    ChainRecord record = resolve_now(subject, trust_anchor);
    write_shared(record_key, record);
    storage::WriteBatch release;
    release.announce = false;
    release.erase(lock_key);
    if (auto released = shared_->apply(release); !released) {
        log_->warn("resolve lock release failed key={} error={}", lock_key,
                   released.error().message());
    }
    return record;
}

ChainRecord ResolveService::resolve_now(const EntityId& subject, const EntityId& trust_anchor) {
    ChainRecord record;
    record.subject = subject.str();
    record.trust_anchor = trust_anchor.str();
    record.computed_at_ms = now_ms();

    ResolveRequest request{subject, {trust_anchor}, true};
    auto chain = resolver_.resolve_trust_chain(request);
    {
        std::lock_guard lock(mutex_);
        ++stats_.computations;
    }
    const UnixSeconds now = clock_.now();
    if (!chain) {
        Error error = chain.error();
        // The anchor is configured here, so "no path reaches it" is a
        // property of the subject's chain, not of the anchor.
        if (error.code() == ErrorCode::kInvalidTrustAnchor) {
            error = Error(ErrorCode::kInvalidTrustChain, error.message(), error.detail());
        }
        log_->info("resolve failed sub={} trust_anchor={} error={} reason={}",
                   record.subject, record.trust_anchor, error_code_name(error.code()),
                   error.message());
        record.error = std::move(error);
        record.refresh_at = refresh_time(record, now, options_);
        return record;
    }

    record.statements = chain->statements;
    record.metadata = chain->metadata;
    record.expires_at = chain->expires_at;
    for (const federation::TrustMark& mark : chain->trust_marks) {
        record.trust_marks.push_back({mark.trust_mark_type(), mark.jwt(), mark.expires_at()});
        if (mark.expires_at()) record.expires_at = std::min(record.expires_at, *mark.expires_at());
    }
    record.refresh_at = refresh_time(record, now, options_);
    log_->debug("resolve chain computed sub={} trust_anchor={} exp={} refresh_at={}",
                record.subject, record.trust_anchor, record.expires_at, record.refresh_at);
    return record;
}

bool ResolveService::holds_lock(const std::string& lock_key) {
    auto owner = shared_->get(lock_key);
    return owner && *owner && **owner == options_.lock_owner;
}

std::optional<ChainRecord> ResolveService::read_shared(const std::string& key,
                                                       std::int64_t not_before_ms) {
    auto stored = shared_->get(key);
    if (!stored || !*stored) return std::nullopt;
    auto record = chain_record_from_json(**stored);
    if (!record) {
        log_->warn("resolve record unreadable key={} error={}", key, record.error().message());
        return std::nullopt;
    }
    const UnixSeconds now = clock_.now();
    if (record->computed_at_ms < not_before_ms || now >= record->refresh_at) return std::nullopt;
    std::lock_guard lock(mutex_);
    ++stats_.shared_adoptions;
    return std::move(*record);
}

void ResolveService::write_shared(const std::string& key, const ChainRecord& record) {
    const UnixSeconds now = clock_.now();
    const UnixSeconds lifetime =
        record.ok() ? record.expires_at - now : record.refresh_at - now;
    if (lifetime <= 0) return;
    storage::WriteBatch batch;
    batch.announce = false;
    batch.set(key, chain_record_to_json(record), std::chrono::seconds(lifetime));
    if (auto written = shared_->apply(batch); !written) {
        log_->warn("resolve record write failed key={} error={}", key, written.error().message());
    }
}

Result<std::shared_ptr<const SignedAnswer>> ResolveService::signed_answer(
    const std::shared_ptr<const ChainRecord>& record,
    const std::vector<std::string>& entity_types) {
    std::string key = record->trust_anchor + "\n" + record->subject;
    for (const std::string& type : entity_types) key += "\n" + type;
    const UnixSeconds now = clock_.now();
    {
        std::lock_guard lock(mutex_);
        auto found = signed_.find(key);
        if (found != signed_.end() && found->second.record == record &&
            now < found->second.answer->expires_at) {
            return found->second.answer;
        }
    }

    json::array statements;
    for (const std::string& statement : record->statements) statements.emplace_back(statement);
    json::object claims;
    claims["iss"] = options_.own_id.str();
    claims["sub"] = record->subject;
    claims["iat"] = now;
    claims["exp"] = record->expires_at;
    claims["metadata"] = filter_entity_types(record->metadata, entity_types);
    claims["trust_chain"] = std::move(statements);
    if (!record->trust_marks.empty()) {
        json::array marks;
        for (const auto& mark : record->trust_marks) {
            marks.push_back(json::object{{"trust_mark_type", mark.trust_mark_type},
                                         {"trust_mark", mark.trust_mark}});
        }
        claims["trust_marks"] = std::move(marks);
    }
    auto jwt = jose::sign_jws(signing_key_, claims,
                              json::object{{"typ", kResolveResponseJwtType}});
    if (!jwt) return jwt.error();

    auto answer = std::make_shared<const SignedAnswer>(SignedAnswer{std::move(*jwt),
                                                                    record->expires_at});
    std::lock_guard lock(mutex_);
    ++stats_.signatures;
    if (signed_.size() >= options_.max_signed_responses) signed_.clear();
    signed_[key] = SignedEntry{record, answer};
    return answer;
}

// Drops expired records of entities not known in advance, and the oldest
// ones beyond max_live_entries. The caller holds mutex_.
void ResolveService::prune_live(UnixSeconds now) {
    std::size_t live = 0;
    for (auto it = entries_.begin(); it != entries_.end();) {
        const Entry& entry = it->second;
        const bool busy = in_flight_.contains(it->first);
        if (!entry.known && !busy && entry.record && !usable(entry, now)) {
            it = entries_.erase(it);
            continue;
        }
        if (!entry.known) ++live;
        ++it;
    }
    while (live > options_.max_live_entries) {
        auto oldest = entries_.end();
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
            if (it->second.known || !it->second.record || in_flight_.contains(it->first)) {
                continue;
            }
            if (oldest == entries_.end() ||
                it->second.record->computed_at_ms < oldest->second.record->computed_at_ms) {
                oldest = it;
            }
        }
        if (oldest == entries_.end()) break;
        entries_.erase(oldest);
        --live;
    }
}

std::size_t ResolveService::refresh_due() {
    std::vector<std::string> ids;
    if (known_.all) {
        auto listed = known_.all();
        if (!listed) {
            log_->warn("resolve precompute skipped error={}", listed.error().message());
            return 0;
        }
        ids = std::move(*listed);
    }
    ids.push_back(options_.own_id.str());
    const std::set<std::string> wanted(ids.begin(), ids.end());

    std::vector<EntityId> due;
    const UnixSeconds now = clock_.now();
    {
        std::lock_guard lock(mutex_);
        // Entities no longer known lose their precomputed records.
        for (auto it = entries_.begin(); it != entries_.end();) {
            const auto separator = it->first.find('\n');
            const std::string subject = it->first.substr(separator + 1);
            if (it->second.known && !wanted.contains(subject) && !in_flight_.contains(it->first)) {
                it = entries_.erase(it);
                generation_.fetch_add(1, std::memory_order_acq_rel);
            } else {
                ++it;
            }
        }
        for (const std::string& id : wanted) {
            auto parsed = EntityId::parse(id, true);
            if (!parsed) continue;
            const auto found = entries_.find(entry_key(options_.own_id, *parsed));
            const bool fresh = found != entries_.end() && usable(found->second, now) &&
                               now < found->second.record->refresh_at;
            if (!fresh) due.push_back(std::move(*parsed));
        }
        prune_live(now);
    }

    for (const EntityId& subject : due) {
        // Each computation may wait for fetches or another replica's lock: a
        // stopping server must not wait for the rest of the pass.
        if (stop_requested()) break;
        obtain(subject, options_.own_id, true, true);
    }
    if (!due.empty()) {
        log_->debug("resolve precompute pass computed={} known={}", due.size(), wanted.size());
    }
    return due.size();
}

bool ResolveService::stop_requested() {
    std::lock_guard lock(wake_mutex_);
    return stopping_;
}

void ResolveService::start_precompute() {
    if (worker_.joinable()) return;
    worker_ = std::thread([this] { precompute_loop(); });
}

void ResolveService::precompute_loop() {
    std::unique_lock lock(wake_mutex_);
    while (!stopping_) {
        lock.unlock();
        refresh_due();
        lock.lock();
        wake_.wait_for(lock, options_.precompute_period,
                       [this] { return stopping_ || wake_requested_; });
        wake_requested_ = false;
    }
}

bool ResolveService::is_relevant_change(std::string_view key) {
    if (key.empty()) return true;
    if (key.starts_with("inmor:collection:staging:")) return false;
    return key == "inmor:entity_id" || key.starts_with("inmor:subordinates") ||
           key.starts_with("inmor:tm:") || key.starts_with("inmor:collection:");
}

void ResolveService::note_change(std::string_view key) {
    if (!is_relevant_change(key)) return;
    {
        std::lock_guard lock(mutex_);
        outdated_before_ms_ = now_ms();
        for (auto& [name, entry] : entries_) entry.outdated_before_ms = outdated_before_ms_;
        generation_.fetch_add(1, std::memory_order_acq_rel);
    }
    {
        std::lock_guard lock(wake_mutex_);
        wake_requested_ = true;
    }
    wake_.notify_all();
}

std::shared_ptr<const SignedAnswer> ResolveService::cached_for_query(
    std::string_view query) const {
    std::shared_lock lock(query_mutex_);
    const auto found = by_query_.find(std::string(query));
    if (found == by_query_.end()) return nullptr;
    const QueryEntry& entry = found->second;
    if (entry.generation != generation() || clock_.now() >= entry.answer->expires_at) {
        return nullptr;
    }
    return entry.answer;
}

void ResolveService::remember_query(std::string query, std::shared_ptr<const SignedAnswer> answer,
                                    std::uint64_t generation) {
    if (generation != this->generation()) return;
    std::unique_lock lock(query_mutex_);
    if (by_query_.size() >= options_.max_signed_responses) by_query_.clear();
    by_query_[std::move(query)] = QueryEntry{std::move(answer), generation};
}

ResolveServiceStats ResolveService::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

}  // namespace inmor::resolver
