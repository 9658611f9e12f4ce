// TrustChain: a validated trust chain with the subject's resolved metadata.
#pragma once

#include "common/clock.h"
#include "common/entity_id.h"
#include "federation/entity_statement.h"
#include "federation/trust_mark.h"

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <vector>

namespace inmor::resolver {

/// A trust chain that passed validation (section "Trust Chain"), as the
/// `trust_chain` claim of a resolve response carries it.
struct TrustChain {
    TrustChain(EntityId subject_id, EntityId trust_anchor_id)
        : subject(std::move(subject_id)), trust_anchor(std::move(trust_anchor_id)) {}

    EntityId subject;
    EntityId trust_anchor;
    /// Compact JWTs: the subject's Entity Configuration first, then one
    /// Subordinate Statement per level up to the one the Trust Anchor issued,
    /// then the Trust Anchor's Entity Configuration. A Trust Anchor resolved
    /// as its own subject has a chain of one statement.
    std::vector<std::string> statements;
    /// The subject's verified Entity Configuration.
    std::shared_ptr<const federation::EntityConfiguration> subject_configuration;
    /// The subject's metadata after the superior's `metadata`, the
    /// allowed_entity_types constraints and the metadata policy, all types.
    boost::json::object metadata;
    /// The metadata policy merged from the chain's Subordinate Statements,
    /// as applied to `metadata` (empty when none carries one).
    boost::json::object merged_policy;
    /// The smallest `exp` of the statements in the chain.
    UnixSeconds expires_at = 0;
    /// The subject's Trust Marks that verified, from issuers the Trust
    /// Anchor accepts.
    std::vector<federation::TrustMark> trust_marks;
};

}  // namespace inmor::resolver
