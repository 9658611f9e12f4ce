// Verifying a trust chain from its statements alone.
#include "resolver/trust_chain_verification.h"

#include "resolver/chain_validation.h"

#include <algorithm>

namespace inmor::resolver {

namespace fed = inmor::federation;

namespace {

Error at(std::size_t index, const Error& error) {
    return Error(ErrorCode::kInvalidTrustChain,
                 "trust_chain[" + std::to_string(index) + "]: " + error.message(), error.detail());
}

Error at(std::size_t index, const std::string& message) {
    return Error(ErrorCode::kInvalidTrustChain,
                 "trust_chain[" + std::to_string(index) + "]: " + message);
}

using StatementPtr = std::shared_ptr<const fed::SubordinateStatement>;

// Verifies the Subordinate Statements from the anchor's down to the one
// about the subject, each with the keys the statement above vouches for.
// Returns them bottom up.
Result<std::vector<StatementPtr>> verify_subordinate_statements(
    std::span<const std::string> statements, const fed::EntityConfiguration& anchor,
    const Clock& clock, const fed::StatementOptions& options) {
    std::vector<StatementPtr> top_down;
    EntityId issuer = anchor.entity_id();
    jose::JwkSet issuer_keys = anchor.claims().jwks;

    for (std::size_t index = statements.size() - 2; index >= 1; --index) {
        auto decoded = fed::UnverifiedEntityStatement::decode(statements[index], options);
        if (!decoded) {
            return at(index, decoded.error());
        }
        auto verified = fed::verify_subordinate_statement(
            statements[index], issuer, issuer_keys, decoded->claims().subject, clock, options);
        if (!verified) {
            return at(index, verified.error());
        }
        issuer = verified->claims().subject;
        issuer_keys = verified->claims().jwks;
        top_down.push_back(std::make_shared<const fed::SubordinateStatement>(std::move(*verified)));
    }

    std::reverse(top_down.begin(), top_down.end());
    return top_down;
}

// The subject's configuration: self-signed, signed with the keys its
// superior vouches for, and naming that superior in `authority_hints`.
Result<fed::EntityConfiguration> verify_subject(const std::string& jwt,
                                                const fed::SubordinateStatement& superior_statement,
                                                const Clock& clock,
                                                const fed::StatementOptions& options) {
    const fed::EntityStatementClaims& superior = superior_statement.claims();
    auto subject = fed::verify_entity_configuration(jwt, superior.subject, clock, options);
    if (!subject) {
        return at(0, subject.error());
    }

    auto decoded = fed::UnverifiedEntityStatement::decode(jwt, options);
    auto linked = decoded ? fed::verify_entity_statement(*decoded, superior.jwks, clock)
                          : Result<fed::VerifiedEntityStatement>(decoded.error());
    if (!linked) {
        return at(0, linked.error().with_context("checked with the jwks of trust_chain[1]"));
    }

    const auto& hints = subject->claims().authority_hints;
    if (std::find(hints.begin(), hints.end(), superior.issuer) == hints.end()) {
        return at(0, "authority_hints does not list " + superior.issuer.str() +
                         ", the issuer of trust_chain[1]");
    }
    return subject;
}

}  // namespace

Result<TrustChain> verify_trust_chain(std::span<const std::string> statements,
                                      const TrustAnchorKeys& trust_anchors, const Clock& clock,
                                      const fed::StatementOptions& options) {
    if (statements.empty() || statements.size() > kMaxTrustChainStatements) {
        return Error(ErrorCode::kInvalidTrustChain,
                     "trust_chain: must hold 1 to " + std::to_string(kMaxTrustChainStatements) +
                         " statements, got " + std::to_string(statements.size()));
    }
    if (statements.size() == 2) {
        return at(1, "a chain of two statements lacks the anchor's subordinate statement");
    }

    // The anchor comes first: everything below is verified with keys it vouches for.
    const std::size_t last = statements.size() - 1;
    auto top = fed::UnverifiedEntityStatement::decode(statements[last], options);
    if (!top) {
        return at(last, top.error());
    }
    const EntityId anchor_id = top->claims().subject;
    const auto pinned = trust_anchors.find(anchor_id);
    if (pinned == trust_anchors.end()) {
        return Error(ErrorCode::kInvalidTrustAnchor,
                     "trust_chain[" + std::to_string(last) + "]: " + anchor_id.str() +
                         " is not a configured trust anchor");
    }
    auto anchor = fed::verify_entity_configuration(statements[last], anchor_id, clock, options,
                                                   &pinned->second);
    if (!anchor) {
        return at(last, anchor.error());
    }

    ChainPath path;
    auto anchor_configuration = std::make_shared<const fed::EntityConfiguration>(*anchor);
    if (statements.size() > 1) {
        auto subordinate_statements =
            verify_subordinate_statements(statements, *anchor, clock, options);
        if (!subordinate_statements) {
            return subordinate_statements.error();
        }
        auto subject = verify_subject(statements[0], *subordinate_statements->front(), clock,
                                      options);
        if (!subject) {
            return subject.error();
        }
        path.configurations.push_back(
            std::make_shared<const fed::EntityConfiguration>(std::move(*subject)));
        path.subordinate_statements = std::move(*subordinate_statements);
    }
    path.configurations.push_back(anchor_configuration);
    return build_trust_chain(path);
}

}  // namespace inmor::resolver
