// Trust chain resolution: the upward walk over authority_hints, statement
// verification at each level, and the final chain checks.
#include "resolver/trust_chain_resolver.h"

#include "common/logging.h"
#include "resolver/chain_validation.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <set>
#include <utility>

namespace inmor::resolver {

namespace fed = inmor::federation;

namespace {

using ConfigurationPtr = std::shared_ptr<const fed::EntityConfiguration>;
using StatementPtr = std::shared_ptr<const fed::SubordinateStatement>;
using SteadyTime = std::chrono::steady_clock::time_point;

// A verification failure of the federation layer is a broken chain; fetch
// errors keep their own code, so transient ones stay transient.
Error chain_error(const Error& error, const std::string& context) {
    const ErrorCode code = error.code() == ErrorCode::kTemporarilyUnavailable
                               ? ErrorCode::kTemporarilyUnavailable
                               : ErrorCode::kInvalidTrustChain;
    return Error(code, context + ": " + error.message(), error.detail());
}

std::string join_entity_ids(const std::vector<EntityId>& entity_ids) {
    std::string joined;
    for (const EntityId& entity_id : entity_ids) {
        joined += joined.empty() ? "" : ", ";
        joined += entity_id.str();
    }
    return joined;
}

}  // namespace

// The state of one resolution: statements obtained so far (never fetched
// twice), the remaining budget, and the first failure of each kind.
class ResolutionWalk {
public:
    ResolutionWalk(const TrustChainResolver& resolver, const ResolveRequest& request,
                   SteadyTime deadline)
        : resolver_(resolver), request_(request), deadline_(deadline) {}

    Result<TrustChain> run();

private:
    Result<TrustChain> walk_upward(const ConfigurationPtr& subject);
    void extend(const ChainPath& path, const EntityId& hint, std::deque<ChainPath>& queue,
                std::optional<TrustChain>& found);
    Result<ConfigurationPtr> configuration(const EntityId& entity_id);
    Result<StatementPtr> subordinate_statement(const fed::EntityConfiguration& superior,
                                               const EntityId& subject);
    Result<void> check_signed_with(const std::string& jwt, const jose::JwkSet& keys,
                                   const std::string& context) const;
    Result<TrustChain> finish(const ChainPath& path);
    void add_trust_marks(TrustChain& chain, const fed::EntityConfiguration& anchor);
    Result<fed::TrustMark> verify_trust_mark(const fed::TrustMarkEntry& entry,
                                             const TrustChain& chain,
                                             const fed::TrustMarkRules& rules,
                                             const fed::EntityConfiguration& anchor);
    Result<jose::JwkSet> trust_mark_issuer_keys(const EntityId& issuer, const TrustChain& chain,
                                                const fed::EntityConfiguration& anchor);

    Result<void> take_fetch();
    void record(Error error);
    bool is_requested_anchor(const EntityId& entity_id) const;
    Error final_error() const;
    fed::StatementOptions statement_options() const {
        return {resolver_.options_.allow_http};
    }

    const TrustChainResolver& resolver_;
    const ResolveRequest& request_;
    SteadyTime deadline_;
    std::size_t fetches_ = 0;
    std::size_t extensions_ = 0;
    std::map<EntityId, Result<ConfigurationPtr>> configurations_;
    std::map<std::pair<EntityId, EntityId>, Result<StatementPtr>> statements_;
    std::optional<Error> first_transient_;
    std::optional<Error> first_invalid_;
    std::optional<Error> first_unknown_anchor_;
    std::optional<Error> budget_exhausted_;
};

Result<TrustChain> ResolutionWalk::run() {
    auto subject = configuration(request_.subject);
    if (!subject) {
        return subject.error();
    }

    // A Trust Anchor resolved as its own subject: the chain is its configuration.
    if (is_requested_anchor(request_.subject)) {
        ChainPath path;
        path.configurations.push_back(*subject);
        return finish(path);
    }
    if ((*subject)->claims().authority_hints.empty()) {
        return Error(ErrorCode::kInvalidTrustChain,
                     "entity configuration of " + request_.subject.str() +
                         ": no authority_hints, and it is not a requested trust anchor");
    }
    return walk_upward(*subject);
}

// Breadth first, so the first chain that validates is a shortest one.
Result<TrustChain> ResolutionWalk::walk_upward(const ConfigurationPtr& subject) {
    std::deque<ChainPath> queue;
    queue.push_back(ChainPath{{subject}, {}});

    std::optional<TrustChain> found;
    while (!queue.empty() && !found && !budget_exhausted_) {
        const ChainPath path = std::move(queue.front());
        queue.pop_front();
        const fed::EntityConfiguration& top = *path.configurations.back();
        const auto& hints = top.claims().authority_hints;
        if (hints.empty()) {
            record(Error(ErrorCode::kInvalidTrustAnchor,
                         "path ends at " + top.entity_id().str() +
                             ", which has no authority_hints and is not a requested anchor"));
            continue;
        }

        const std::size_t limit = resolver_.options_.limits.max_authority_hints;
        const std::size_t followed = std::min(hints.size(), limit);
        if (followed < hints.size()) {
            resolver_.log_->debug("authority hints truncated entity_id={} hints={} followed={}",
                                  top.entity_id().str(), hints.size(), followed);
        }
        // A hint listed twice is followed once.
        std::set<EntityId> followed_hints;
        for (std::size_t index = 0; index < followed && !found && !budget_exhausted_; ++index) {
            if (followed_hints.insert(hints[index]).second) {
                extend(path, hints[index], queue, found);
            }
        }
    }

    if (found) {
        return std::move(*found);
    }
    if (budget_exhausted_) {
        return *budget_exhausted_;
    }
    return final_error();
}

// Follows one authority hint from the top of `path`: the superior's
// configuration, its statement about the top, the key linkage between them.
void ResolutionWalk::extend(const ChainPath& path, const EntityId& hint,
                            std::deque<ChainPath>& queue, std::optional<TrustChain>& found) {
    const fed::EntityConfiguration& top = *path.configurations.back();
    for (const auto& below : path.configurations) {
        if (below->entity_id() == hint) {
            record(Error(ErrorCode::kInvalidTrustChain,
                         "authority hint " + hint.str() + " of " + top.entity_id().str() +
                             " leads back into the path (loop)"));
            return;
        }
    }
    const std::size_t max_extensions = resolver_.options_.limits.max_path_extensions;
    if (++extensions_ > max_extensions) {
        budget_exhausted_ = Error(ErrorCode::kInvalidTrustChain,
                                  "resolving " + request_.subject.str() + " builds more than " +
                                      std::to_string(max_extensions) + " paths");
        return;
    }

    const bool anchor = is_requested_anchor(hint);
    if (!anchor && path.configurations.size() > resolver_.options_.limits.max_intermediates) {
        record(Error(ErrorCode::kInvalidTrustChain,
                     "authority hint " + hint.str() + " of " + top.entity_id().str() +
                         " exceeds the limit of " +
                         std::to_string(resolver_.options_.limits.max_intermediates) +
                         " intermediates"));
        return;
    }

    auto superior = configuration(hint);
    if (!superior) {
        record(superior.error());
        return;
    }
    auto statement = subordinate_statement(**superior, top.entity_id());
    if (!statement) {
        record(statement.error());
        return;
    }

    // The statement issued by the top (its own configuration for the subject,
    // else its statement about the entity below) must verify with the keys
    // its superior vouches for.
    const std::string& lower_jwt = path.subordinate_statements.empty()
                                       ? top.jwt()
                                       : path.subordinate_statements.back()->jwt();
    auto linked = check_signed_with(lower_jwt, (*statement)->claims().jwks,
                                    "statement issued by " + top.entity_id().str() +
                                        " checked with the jwks in the statement of " +
                                        hint.str());
    if (!linked) {
        record(linked.error());
        return;
    }

    ChainPath extended = path;
    extended.configurations.push_back(*superior);
    extended.subordinate_statements.push_back(*statement);
    if (!anchor) {
        queue.push_back(std::move(extended));
        return;
    }
    auto chain = finish(extended);
    if (!chain) {
        record(chain.error());
        return;
    }
    found = std::move(*chain);
}

Result<ConfigurationPtr> ResolutionWalk::configuration(const EntityId& entity_id) {
    if (auto cached = configurations_.find(entity_id); cached != configurations_.end()) {
        return cached->second;
    }
    Result<ConfigurationPtr> result = [&]() -> Result<ConfigurationPtr> {
        const bool anchor = is_requested_anchor(entity_id);
        const std::string context = (anchor ? "entity configuration of trust anchor "
                                            : "entity configuration of ") +
                                    entity_id.str();
        if (auto allowed = take_fetch(); !allowed) {
            return allowed.error();
        }
        auto jwt = resolver_.source_.fetch_entity_configuration(entity_id);
        if (!jwt) {
            return chain_error(jwt.error(), context);
        }

        // The anchor's configuration must verify with the keys pinned out of
        // band, never with the keys it carries itself.
        const jose::JwkSet* pinned =
            anchor ? &resolver_.trust_anchors_.at(entity_id) : nullptr;
        auto verified = fed::verify_entity_configuration(*jwt, entity_id, resolver_.clock_,
                                                         statement_options(), pinned);
        if (!verified) {
            return chain_error(verified.error(), context);
        }
        return std::make_shared<const fed::EntityConfiguration>(std::move(*verified));
    }();
    configurations_.emplace(entity_id, result);
    return result;
}

Result<StatementPtr> ResolutionWalk::subordinate_statement(
    const fed::EntityConfiguration& superior, const EntityId& subject) {
    auto key = std::make_pair(superior.entity_id(), subject);
    if (auto cached = statements_.find(key); cached != statements_.end()) {
        return cached->second;
    }
    Result<StatementPtr> result = [&]() -> Result<StatementPtr> {
        const std::string context = "subordinate statement by " + superior.entity_id().str() +
                                    " about " + subject.str();
        auto endpoint = superior.fetch_endpoint();
        if (!endpoint) {
            return chain_error(endpoint.error(), context);
        }
        if (auto allowed = take_fetch(); !allowed) {
            return allowed.error();
        }
        auto jwt = resolver_.source_.fetch_subordinate_statement(*endpoint, subject);
        if (!jwt) {
            return chain_error(jwt.error(), context);
        }
        auto verified = fed::verify_subordinate_statement(*jwt, superior, subject,
                                                          resolver_.clock_, statement_options());
        if (!verified) {
            return chain_error(verified.error(), context);
        }
        return std::make_shared<const fed::SubordinateStatement>(std::move(*verified));
    }();
    statements_.emplace(std::move(key), result);
    return result;
}

Result<void> ResolutionWalk::check_signed_with(const std::string& jwt, const jose::JwkSet& keys,
                                               const std::string& context) const {
    auto decoded = fed::UnverifiedEntityStatement::decode(jwt, statement_options());
    if (!decoded) {
        return chain_error(decoded.error(), context);
    }
    auto verified = fed::verify_entity_statement(*decoded, keys, resolver_.clock_);
    if (!verified) {
        return chain_error(verified.error(), context);
    }
    return {};
}

Result<TrustChain> ResolutionWalk::finish(const ChainPath& path) {
    auto chain = build_trust_chain(path);
    if (!chain) {
        return chain.error();
    }
    if (const MetadataChecker* checker = resolver_.options_.metadata_checker) {
        if (auto checked = checker->check(*chain); !checked) {
            return checked.error().with_context("metadata of " + chain->subject.str());
        }
    }
    if (request_.verify_trust_marks) {
        add_trust_marks(*chain, *path.configurations.back());
    }
    return chain;
}

void ResolutionWalk::add_trust_marks(TrustChain& chain, const fed::EntityConfiguration& anchor) {
    auto rules = fed::TrustMarkRules::from_entity_configuration(anchor, statement_options());
    if (!rules) {
        resolver_.log_->warn("trust mark rules unreadable trust_anchor={} reason={}",
                             anchor.entity_id().str(), rules.error().message());
        return;
    }

    const auto& entries = chain.subject_configuration->claims().trust_marks;
    const std::size_t limit = resolver_.options_.limits.max_trust_marks;
    for (std::size_t index = 0; index < entries.size(); ++index) {
        const fed::TrustMarkEntry& entry = entries[index];
        // Marks are optional in the result, so the bounds drop marks rather
        // than failing the chain.
        if (index >= limit || std::chrono::steady_clock::now() >= deadline_) {
            resolver_.log_->info("trust marks left out sub={} count={} reason={}",
                                 chain.subject.str(), entries.size() - index,
                                 index >= limit ? "max_trust_marks" : "time budget");
            break;
        }
        auto mark = verify_trust_mark(entry, chain, *rules, anchor);
        if (!mark) {
            resolver_.log_->debug("trust mark dropped sub={} trust_mark_type={} reason={}",
                                  chain.subject.str(), entry.trust_mark_type,
                                  mark.error().message());
            continue;
        }
        chain.trust_marks.push_back(std::move(*mark));
    }
}

Result<fed::TrustMark> ResolutionWalk::verify_trust_mark(const fed::TrustMarkEntry& entry,
                                                         const TrustChain& chain,
                                                         const fed::TrustMarkRules& rules,
                                                         const fed::EntityConfiguration& anchor) {
    auto unverified = fed::decode_trust_mark(entry.trust_mark);
    if (!unverified) {
        return unverified.error();
    }
    auto issuer = EntityId::parse(unverified->issuer, resolver_.options_.allow_http);
    if (!issuer) {
        return issuer.error().with_context("trust mark iss");
    }
    // Checked before the issuer's keys are looked up, which may mean a resolution.
    if (auto recognised = rules.check_issuer(entry.trust_mark_type, *issuer); !recognised) {
        return recognised.error();
    }

    auto keys = trust_mark_issuer_keys(*issuer, chain, anchor);
    if (!keys) {
        return keys.error();
    }
    auto mark = fed::verify_trust_mark(entry.trust_mark, chain.subject, entry.trust_mark_type,
                                       *keys, rules, resolver_.clock_, statement_options());
    if (!mark) {
        return mark.error();
    }
    if (const TrustMarkStatusChecker* checker = resolver_.options_.status_checker) {
        if (auto active = checker->check_status(*mark); !active) {
            return active.error();
        }
    }
    return mark;
}

// The issuer's Federation Entity Keys: the anchor's and the subject's are at
// hand; any other issuer must itself resolve to the same anchor.
Result<jose::JwkSet> ResolutionWalk::trust_mark_issuer_keys(
    const EntityId& issuer, const TrustChain& chain, const fed::EntityConfiguration& anchor) {
    if (issuer == anchor.entity_id()) {
        return anchor.claims().jwks;
    }
    if (issuer == chain.subject) {
        return chain.subject_configuration->claims().jwks;
    }

    ResolveRequest nested{issuer, {anchor.entity_id()}, false};
    ResolutionWalk walk(resolver_, nested, deadline_);
    auto issuer_chain = walk.run();
    if (!issuer_chain) {
        return issuer_chain.error().with_context("trust mark issuer " + issuer.str());
    }
    return issuer_chain->subject_configuration->claims().jwks;
}

Result<void> ResolutionWalk::take_fetch() {
    if (budget_exhausted_) {
        return *budget_exhausted_;
    }
    const ResolverLimits& limits = resolver_.options_.limits;
    if (std::chrono::steady_clock::now() >= deadline_) {
        budget_exhausted_ = Error::unavailable(
            "resolving " + request_.subject.str() + " exceeded its time budget of " +
            std::to_string(limits.time_budget.count()) + " ms");
        return *budget_exhausted_;
    }
    if (fetches_ >= limits.max_fetches) {
        budget_exhausted_ = Error(ErrorCode::kInvalidTrustChain,
                                  "resolving " + request_.subject.str() + " needs more than " +
                                      std::to_string(limits.max_fetches) + " statement fetches");
        return *budget_exhausted_;
    }
    ++fetches_;
    return {};
}

void ResolutionWalk::record(Error error) {
    resolver_.log_->debug("trust chain path rejected sub={} reason={}", request_.subject.str(),
                          error.message());
    std::optional<Error>* slot = &first_invalid_;
    if (error.code() == ErrorCode::kTemporarilyUnavailable) {
        slot = &first_transient_;
    } else if (error.code() == ErrorCode::kInvalidTrustAnchor) {
        slot = &first_unknown_anchor_;
    }
    if (!*slot) {
        *slot = std::move(error);
    }
}

bool ResolutionWalk::is_requested_anchor(const EntityId& entity_id) const {
    const auto& anchors = request_.trust_anchors;
    return std::find(anchors.begin(), anchors.end(), entity_id) != anchors.end();
}

// Transient failures come first: trying again later may give a chain. Then a
// real validation failure, then "no path reaches a requested anchor".
Error ResolutionWalk::final_error() const {
    if (first_transient_) {
        return *first_transient_;
    }
    if (first_invalid_) {
        return *first_invalid_;
    }
    std::string message = "no trust chain from " + request_.subject.str() +
                          " reaches the requested trust anchor " +
                          join_entity_ids(request_.trust_anchors);
    if (first_unknown_anchor_) {
        message += " (" + first_unknown_anchor_->message() + ")";
    }
    return Error(ErrorCode::kInvalidTrustAnchor, std::move(message));
}

TrustChainResolver::TrustChainResolver(const EntityStatementSource& source,
                                       TrustAnchorKeys trust_anchors, const Clock& clock,
                                       ResolverOptions options)
    : source_(source),
      trust_anchors_(std::move(trust_anchors)),
      clock_(clock),
      options_(options),
      log_(logger("resolver")) {}

Result<TrustChain> TrustChainResolver::resolve_trust_chain(const ResolveRequest& request) const {
    if (request.trust_anchors.empty()) {
        return Error::invalid_request("trust_anchor: at least one is required");
    }
    for (const EntityId& anchor : request.trust_anchors) {
        if (!trust_anchors_.contains(anchor)) {
            return Error(ErrorCode::kInvalidTrustAnchor,
                         "trust anchor " + anchor.str() + " is not configured here");
        }
    }

    const auto started = std::chrono::steady_clock::now();
    ResolutionWalk walk(*this, request, started + options_.limits.time_budget);
    auto chain = walk.run();

    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (chain) {
        log_->debug("trust chain resolved sub={} trust_anchor={} length={} elapsed_ms={}",
                    request.subject.str(), chain->trust_anchor.str(), chain->statements.size(),
                    elapsed.count());
    } else {
        log_->debug("trust chain resolution failed sub={} error={} elapsed_ms={}",
                    request.subject.str(), chain.error().message(), elapsed.count());
    }
    return chain;
}

}  // namespace inmor::resolver
