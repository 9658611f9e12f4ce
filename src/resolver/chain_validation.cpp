// Constraints, metadata and metadata policy over a whole trust chain.
#include "resolver/chain_validation.h"

#include "policy/apply.h"
#include "policy/resolve.h"

#include <algorithm>
#include <cstdlib>

namespace inmor::resolver {

namespace fed = inmor::federation;
namespace json = boost::json;

namespace {

Error chain_error(std::string message) {
    return Error(ErrorCode::kInvalidTrustChain, std::move(message));
}

// Applies the Immediate Superior's `metadata` claim: it overrides same-named
// parameters, and only for entity types the subject itself has.
void apply_superior_metadata(json::object& metadata, const fed::EntityStatementClaims& superior) {
    if (!superior.metadata) {
        return;
    }
    for (const auto& entity_type : *superior.metadata) {
        json::value* target = metadata.if_contains(entity_type.key());
        if (target == nullptr) {
            continue;
        }
        for (const auto& parameter : entity_type.value().get_object()) {
            target->get_object()[parameter.key()] = parameter.value();
        }
    }
}

// The issuer of the statement a policy error came from. resolve_metadata_policy
// puts "index=N" (counted from the trust anchor) in the error detail.
std::string policy_error_source(const Error& error, const ChainPath& path) {
    const std::size_t at = error.detail().find("index=");
    if (at == std::string::npos) {
        return "the chain";
    }
    const std::size_t index = std::strtoul(error.detail().c_str() + at + 6, nullptr, 10);
    const auto& statements = path.subordinate_statements;
    if (index >= statements.size()) {
        return "the chain";
    }
    return "the statement issued by " +
           statements[statements.size() - 1 - index]->claims().issuer.str();
}

// The metadata policies of the subordinate statements, the anchor's statement
// first, because policies are resolved from the anchor downwards.
std::vector<policy::StatementPolicyClaims> statement_policies(const ChainPath& path) {
    std::vector<policy::StatementPolicyClaims> policies;
    for (auto it = path.subordinate_statements.rbegin(); it != path.subordinate_statements.rend();
         ++it) {
        const fed::EntityStatementClaims& claims = (*it)->claims();
        policies.push_back({claims.metadata_policy, claims.metadata_policy_crit});
    }
    return policies;
}

}  // namespace

Result<void> check_chain_constraints(const ChainPath& path) {
    for (std::size_t index = 0; index < path.subordinate_statements.size(); ++index) {
        const fed::EntityStatementClaims& claims = path.subordinate_statements[index]->claims();
        if (!claims.constraints) {
            continue;
        }
        const fed::ChainConstraints& constraints = *claims.constraints;

        // The statement at chain position index + 1 has `index` Intermediates
        // between its issuer and the chain subject.
        if (!constraints.permits_path_length(index)) {
            return chain_error("constraints of " + claims.issuer.str() + ": max_path_length " +
                               std::to_string(*constraints.max_path_length) + " exceeded, " +
                               std::to_string(index) + " intermediates below it");
        }

        // Naming constraints cover the statement's subject and all below it.
        for (std::size_t below = 0; below <= index; ++below) {
            const EntityId& entity_id =
                below == 0 ? path.configurations.front()->entity_id()
                           : path.subordinate_statements[below - 1]->claims().issuer;
            auto named = constraints.check_naming(entity_id);
            if (!named) {
                return named.error().with_context("naming_constraints of " + claims.issuer.str());
            }
        }
    }
    return {};
}

Result<json::object> resolve_subject_metadata(const ChainPath& path) {
    const fed::EntityStatementClaims& subject = path.configurations.front()->claims();
    json::object metadata = subject.metadata ? *subject.metadata : json::object();
    if (path.subordinate_statements.empty()) {
        return metadata;
    }

    apply_superior_metadata(metadata, path.subordinate_statements.front()->claims());

    for (const auto& statement : path.subordinate_statements) {
        if (statement->claims().constraints) {
            fed::remove_disallowed_entity_types(metadata, *statement->claims().constraints);
        }
    }

    auto resolved = policy::resolve_metadata_policy(statement_policies(path));
    if (!resolved) {
        return chain_error("metadata policy of " + policy_error_source(resolved.error(), path) +
                           ": " + resolved.error().message());
    }
    auto applied = policy::apply_metadata_policy(*resolved, metadata);
    if (!applied) {
        return chain_error("metadata policy of " + subject.subject.str() + ": " +
                           applied.error().message());
    }
    return applied;
}

namespace {

// The policy resolve_subject_metadata() applied, for inspection. The same
// statements resolved without error there, so the empty result on failure
// is not expected to occur.
boost::json::object merged_policy_json(const ChainPath& path) {
    auto resolved = policy::resolve_metadata_policy(statement_policies(path));
    if (!resolved) return {};
    return policy::metadata_policy_to_json(*resolved);
}

}  // namespace

Result<TrustChain> build_trust_chain(const ChainPath& path) {
    auto constrained = check_chain_constraints(path);
    if (!constrained) {
        return constrained.error();
    }
    auto metadata = resolve_subject_metadata(path);
    if (!metadata) {
        return metadata.error();
    }

    const auto& subject = path.configurations.front();
    const auto& anchor = path.configurations.back();
    TrustChain chain(subject->entity_id(), anchor->entity_id());
    chain.subject_configuration = subject;
    chain.metadata = std::move(*metadata);
    chain.merged_policy = merged_policy_json(path);

    chain.statements.push_back(subject->jwt());
    chain.expires_at = subject->claims().expires_at;
    for (const auto& statement : path.subordinate_statements) {
        chain.statements.push_back(statement->jwt());
        chain.expires_at = std::min(chain.expires_at, statement->claims().expires_at);
    }
    if (path.configurations.size() > 1) {
        chain.statements.push_back(anchor->jwt());
        chain.expires_at = std::min(chain.expires_at, anchor->claims().expires_at);
    }
    return chain;
}

}  // namespace inmor::resolver
