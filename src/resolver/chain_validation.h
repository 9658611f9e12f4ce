// The checks that apply to a whole trust chain once each statement verified:
// constraints, and the subject's metadata after metadata and policies.
#pragma once

#include "common/error.h"
#include "federation/entity_statement.h"
#include "resolver/trust_chain.h"

#include <boost/json/object.hpp>

#include <memory>
#include <vector>

namespace inmor::resolver {

/// The verified statements of a candidate chain, bottom up.
/// `configurations.front()` is the subject and `configurations.back()` the
/// Trust Anchor. Entry i of `subordinate_statements` is about the subject
/// (i = 0) or about the issuer of entry i - 1. The resolver's walk also
/// keeps the Intermediates' configurations in between, for their keys and
/// endpoints, so entry i was issued by `configurations[i + 1]`. A chain
/// verified from its statements alone has the subject and anchor only.
struct ChainPath {
    std::vector<std::shared_ptr<const federation::EntityConfiguration>> configurations;
    std::vector<std::shared_ptr<const federation::SubordinateStatement>> subordinate_statements;
};

/// Enforces the `constraints` of every Subordinate Statement on its subject
/// and everything below it: max_path_length against the Intermediates
/// between its issuer and the chain subject, naming_constraints on the
/// Entity Identifier of each of those entities. Errors (kInvalidTrustChain)
/// name the issuer of the constraint and the entity that failed.
Result<void> check_chain_constraints(const ChainPath& path);

/// The subject's resolved metadata: its Entity Configuration's `metadata`,
/// overridden by the `metadata` claim of the Immediate Superior's statement
/// (for entity types the subject has), minus the entity types an
/// allowed_entity_types constraint excludes, then the resolved metadata
/// policy applied. Errors (kInvalidTrustChain) come from policy conflicts
/// and from metadata the policy rejects.
Result<boost::json::object> resolve_subject_metadata(const ChainPath& path);

/// Runs both checks above and builds the TrustChain (statements, metadata,
/// expiry) without Trust Marks.
Result<TrustChain> build_trust_chain(const ChainPath& path);

}  // namespace inmor::resolver
