// Building and signing resolve responses.
#include "resolver/resolve_response.h"

#include "jose/jws.h"

#include <algorithm>

namespace inmor::resolver {

namespace json = boost::json;

json::object filter_entity_types(const json::object& metadata,
                                 std::span<const std::string> entity_types) {
    if (entity_types.empty()) {
        return metadata;
    }
    json::object filtered;
    for (const auto& member : metadata) {
        const auto listed = std::find(entity_types.begin(), entity_types.end(), member.key());
        if (listed != entity_types.end()) {
            filtered.emplace(member.key(), member.value());
        }
    }
    return filtered;
}

ResolveResponse build_resolve_response(const TrustChain& chain, const EntityId& resolver_id,
                                       std::span<const std::string> entity_types,
                                       const Clock& clock) {
    ResolveResponse response;
    response.expires_at = chain.expires_at;

    json::array trust_marks;
    for (const federation::TrustMark& mark : chain.trust_marks) {
        if (mark.expires_at()) {
            response.expires_at = std::min(response.expires_at, *mark.expires_at());
        }
        trust_marks.push_back(json::object{{"trust_mark_type", mark.trust_mark_type()},
                                           {"trust_mark", mark.jwt()}});
    }

    json::array statements;
    for (const std::string& statement : chain.statements) {
        statements.emplace_back(statement);
    }

    json::object& claims = response.claims;
    claims["iss"] = resolver_id.str();
    claims["sub"] = chain.subject.str();
    claims["iat"] = clock.now();
    claims["exp"] = response.expires_at;
    claims["metadata"] = filter_entity_types(chain.metadata, entity_types);
    claims["trust_chain"] = std::move(statements);
    if (!trust_marks.empty()) {
        claims["trust_marks"] = std::move(trust_marks);
    }
    return response;
}

Result<std::string> sign_resolve_response(const ResolveResponse& response,
                                          const jose::Jwk& signing_key) {
    return jose::sign_jws(signing_key, response.claims,
                          json::object{{"typ", kResolveResponseJwtType}});
}

}  // namespace inmor::resolver
