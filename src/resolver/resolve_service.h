// ResolveService: the resolve endpoint's responses, computed ahead for
// entities known in advance, shared between replicas through the store, and
// signed once per entity_type set.
#pragma once

#include "common/clock.h"
#include "common/entity_id.h"
#include "common/error.h"
#include "jose/jwk.h"
#include "resolver/trust_chain.h"
#include "resolver/trust_chain_resolver.h"
#include "storage/key_value_store.h"

#include <spdlog/logger.h>

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace inmor::resolver {

/// Prefix of the store keys holding shared chain records:
/// `inmor:resolve:chain:{sha256hex(anchor "\n" subject)}`, and their locks
/// under `inmor:resolve:lock:`.
inline constexpr std::string_view kResolveChainKeyPrefix = "inmor:resolve:chain:";
inline constexpr std::string_view kResolveLockKeyPrefix = "inmor:resolve:lock:";

/// A verified Trust Mark, as a resolve response carries it.
struct RecordedTrustMark {
    std::string trust_mark_type;
    std::string trust_mark;
    std::optional<UnixSeconds> expires_at;
};

/// The outcome of resolving one subject to one Trust Anchor: a validated
/// chain, or the error that stopped it. This is what replicas share.
struct ChainRecord {
    std::string subject;
    std::string trust_anchor;
    /// Empty for a failed resolution.
    std::optional<Error> error;
    std::vector<std::string> statements;
    boost::json::object metadata;
    std::vector<RecordedTrustMark> trust_marks;
    /// min(chain exp, exp of each Trust Mark); 0 for a failure.
    UnixSeconds expires_at = 0;
    /// When it was computed, in milliseconds since the epoch.
    std::int64_t computed_at_ms = 0;
    /// When it should be computed again: before `expires_at`, or after a
    /// retry delay for a failure.
    UnixSeconds refresh_at = 0;

    bool ok() const { return !error.has_value(); }
};

/// The shared form of a record, and back. Errors name the broken member.
std::string chain_record_to_json(const ChainRecord& record);
Result<ChainRecord> chain_record_from_json(std::string_view text);

/// The entities known in advance (the anchor's subordinates and what the
/// collection walk found). Both functions may be called from several threads.
struct KnownEntities {
    std::function<Result<bool>(std::string_view entity_id)> contains;
    std::function<Result<std::vector<std::string>>()> all;
};

struct ResolveServiceOptions {
    explicit ResolveServiceOptions(EntityId id) : own_id(std::move(id)) {}

    /// This resolver: `iss` of its responses, and the anchor it precomputes for.
    EntityId own_id;
    /// Resolve entities not known in advance (spec section 18.1: off).
    bool live_discovery = false;
    /// Chains are recomputed this many seconds before their `exp`.
    UnixSeconds refresh_before_expiry = 3600;
    /// A failed resolution is served from memory for this long.
    UnixSeconds failure_retry = 60;
    /// A transient failure is retried after this many seconds (also the
    /// Retry-After of 503 responses).
    UnixSeconds transient_retry = 10;
    /// How long one replica may hold the lock on computing an answer.
    std::chrono::seconds lock_ttl{30};
    /// The value this replica writes into the locks it takes. A lock that
    /// already contains it was left behind by this process (its release
    /// failed), so it is taken over at once. Empty: process_lock_owner().
    std::string lock_owner;
    /// Answers about entities not known in advance kept at most.
    std::size_t max_live_entries = 10000;
    /// Signed responses kept at most (all are dropped beyond it).
    std::size_t max_signed_responses = 20000;
    /// Period of the precompute pass.
    std::chrono::milliseconds precompute_period{1000};
    /// Distinct answers not yet computed that request threads may wait for at
    /// once (their own computation, another request's, or another replica's
    /// lock). Requests for the same answer share one. A request beyond it gets
    /// kTemporarilyUnavailable at once, so hanging entities cannot take every
    /// server worker. 0: no bound.
    /// NOTE: identical requests for one hanging subject still join its
    /// computation on every worker until the fetch timeout ends it, because
    /// requests are answered synchronously on the workers.
    std::size_t max_live_computations = 0;
};

/// A random token made once per process: the default lock owner of every
/// ResolveService in it, so a service built again on reload still recognises the
/// locks of the one before.
const std::string& process_lock_owner();

/// A signed resolve response, served as stored bytes until `expires_at`.
struct SignedAnswer {
    std::string jwt;
    UnixSeconds expires_at = 0;
};

/// Counters for tests and logs.
struct ResolveServiceStats {
    std::size_t computations = 0;      ///< resolutions run here
    std::size_t shared_adoptions = 0;  ///< records taken from another replica
    std::size_t signatures = 0;        ///< responses signed
    std::size_t rejected_waits = 0;    ///< requests rejected by max_live_computations
    std::size_t locks_taken_over = 0;  ///< own locks left behind by a failed release
};

/// Serves resolve requests. Entities known in advance are resolved against
/// `own_id` by a background pass (start_precompute) before any request,
/// again before their response expires, and again after a relevant change in
/// the federation store (note_change). With a `shared` store (Redis) one
/// replica computes each chain under a short lock and the others adopt the
/// stored record. Without one, everything stays in this process. Answers for
/// other anchors, and for unknown entities when live discovery is on, are
/// computed on first request and kept until their `exp`. Identical
/// concurrent requests share one computation. Thread-safe.
class ResolveService {
public:
    /// Keeps references to every argument but `options`; they must outlive
    /// the service. `shared` may be null.
    ResolveService(const TrustChainResolver& resolver, const jose::Jwk& signing_key,
                   KnownEntities known, storage::KeyValueStore* shared, const Clock& clock,
                   ResolveServiceOptions options);
    ~ResolveService();

    ResolveService(const ResolveService&) = delete;
    ResolveService& operator=(const ResolveService&) = delete;

    /// The signed answer for `subject` and the first of `trust_anchors` that
    /// it resolves to, with metadata limited to `entity_types` (all when
    /// empty). Errors are kInvalidTrustAnchor when none of the anchors is
    /// configured, and kInvalidSubject for an entity not known in advance
    /// while live discovery is off (then nothing is fetched). A chain that
    /// fails is kInvalidTrustChain with the reason, or kTemporarilyUnavailable
    /// for transient failures.
    Result<std::shared_ptr<const SignedAnswer>> answer(const EntityId& subject,
                                                       const std::vector<EntityId>& trust_anchors,
                                                       std::vector<std::string> entity_types);

    /// The response last served for exactly this request query string, when
    /// nothing that could change it happened since: a fast path that skips
    /// parsing. Null on a miss.
    std::shared_ptr<const SignedAnswer> cached_for_query(std::string_view query) const;

    /// Remembers `answer` for `query`, unless something changed since
    /// `generation` (read with generation() before answer() was called).
    void remember_query(std::string query, std::shared_ptr<const SignedAnswer> answer,
                        std::uint64_t generation);

    /// A counter that changes whenever a record is replaced or dropped, or a
    /// change is noted.
    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

    /// The chain record for `subject` and `trust_anchor`, from memory when
    /// still usable, else computed (or adopted from another replica).
    std::shared_ptr<const ChainRecord> chain_record(const EntityId& subject,
                                                    const EntityId& trust_anchor, bool known);

    /// Runs one precompute pass. Every known entity whose record is missing,
    /// due for refresh or outdated by a change is computed, and entities no
    /// longer known are dropped. Returns the number computed or adopted.
    std::size_t refresh_due();

    /// Runs refresh_due() on its own thread every precompute_period, and at
    /// once after a relevant change. The destructor stops it.
    void start_precompute();

    /// Called with each changed store key ("" when changes may have been
    /// missed). A relevant change makes every answer outdated.
    void note_change(std::string_view key);

    /// Whether a change of `key` can change resolve answers.
    static bool is_relevant_change(std::string_view key);

    ResolveServiceStats stats() const;

    const ResolveServiceOptions& options() const { return options_; }

private:
    struct Entry {
        std::shared_ptr<const ChainRecord> record;
        bool known = false;
        /// Set by a relevant change: a record computed before it is outdated.
        std::int64_t outdated_before_ms = 0;
    };
    struct SignedEntry {
        std::shared_ptr<const ChainRecord> record;
        std::shared_ptr<const SignedAnswer> answer;
    };

    class WaitSlot;

    bool usable(const Entry& entry, UnixSeconds now) const;
    std::shared_ptr<const ChainRecord> busy_record(const EntityId& subject,
                                                   const EntityId& trust_anchor);
    std::shared_ptr<const ChainRecord> obtain(const EntityId& subject,
                                              const EntityId& trust_anchor, bool known,
                                              bool force);
    ChainRecord compute(const EntityId& subject, const EntityId& trust_anchor,
                        std::int64_t not_before_ms);
    ChainRecord resolve_now(const EntityId& subject, const EntityId& trust_anchor);
    bool holds_lock(const std::string& lock_key);
    std::optional<ChainRecord> read_shared(const std::string& key, std::int64_t not_before_ms);
    void write_shared(const std::string& key, const ChainRecord& record);
    Result<std::shared_ptr<const SignedAnswer>> signed_answer(
        const std::shared_ptr<const ChainRecord>& record,
        const std::vector<std::string>& entity_types);
    void prune_live(UnixSeconds now);
    void precompute_loop();
    /// Whether the destructor has begun, so long waits end early.
    bool stop_requested();

    const TrustChainResolver& resolver_;
    const jose::Jwk& signing_key_;
    KnownEntities known_;
    storage::KeyValueStore* shared_;
    const Clock& clock_;
    ResolveServiceOptions options_;
    std::shared_ptr<spdlog::logger> log_;

    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    std::map<std::string, std::shared_future<std::shared_ptr<const ChainRecord>>> in_flight_;
    std::map<std::string, SignedEntry> signed_;
    std::int64_t outdated_before_ms_ = 0;
    /// Keys request threads now wait for in obtain(), with the number of
    /// threads on each. Its size is bounded by max_live_computations.
    std::map<std::string, std::size_t> waited_keys_;
    ResolveServiceStats stats_;

    struct QueryEntry {
        std::shared_ptr<const SignedAnswer> answer;
        std::uint64_t generation = 0;
    };
    std::atomic<std::uint64_t> generation_{1};
    mutable std::shared_mutex query_mutex_;
    std::unordered_map<std::string, QueryEntry> by_query_;

    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool wake_requested_ = false;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace inmor::resolver
