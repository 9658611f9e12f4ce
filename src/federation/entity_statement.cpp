// Entity Statement decoding, claim checks and verification.
#include "federation/entity_statement.h"

#include "common/json.h"
#include "jose/jws.h"

#include <array>
#include <cmath>

namespace inmor::federation {

namespace json = boost::json;

namespace {

// Claims only an Entity Configuration may carry, and claims only a
// Subordinate Statement may carry (section "Entity Statement Validation").
constexpr std::array<std::string_view, 5> kConfigurationOnlyClaims{
    "authority_hints", "trust_anchor_hints", "trust_marks", "trust_mark_issuers",
    "trust_mark_owners"};
constexpr std::array<std::string_view, 4> kSubordinateOnlyClaims{
    "constraints", "metadata_policy", "metadata_policy_crit", "source_endpoint"};

// JWS headers that Entity Configurations and Subordinate Statements must not carry.
constexpr std::array<std::string_view, 2> kForbiddenHeaders{"trust_chain", "peer_trust_chain"};

// Key set parameters that never belong in federation_entity metadata: the
// federation keys live in the top-level `jwks` claim only.
constexpr std::array<std::string_view, 3> kKeySetParameters{"jwks", "jwks_uri",
                                                            "signed_jwks_uri"};

Error invalid(std::string_view where, std::string_view problem) {
    return Error::invalid_request(std::string(where) + ": " + std::string(problem));
}

Result<EntityId> read_entity_id(const json::object& payload, std::string_view name,
                                const StatementOptions& options) {
    const json::value* value = payload.if_contains(name);
    if (value == nullptr) {
        return invalid(name, "missing");
    }
    if (!value->is_string()) {
        return invalid(name, "must be a string");
    }
    auto entity_id = EntityId::parse(value->get_string(), options.allow_http);
    if (!entity_id) {
        return entity_id.error().with_context(name);
    }
    return entity_id;
}

Result<UnixSeconds> read_numeric_date(const json::object& payload, std::string_view name) {
    const json::value* value = payload.if_contains(name);
    if (value == nullptr) {
        return invalid(name, "missing");
    }
    if (!value->is_number()) {
        return invalid(name, "must be a number (NumericDate)");
    }
    const double seconds = value->to_number<double>();
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e15) {
        return invalid(name, "is out of range");
    }
    return static_cast<UnixSeconds>(std::floor(seconds));
}

Result<std::vector<EntityId>> read_entity_ids(const json::value& value, std::string_view name,
                                              const StatementOptions& options) {
    if (!value.is_array()) {
        return invalid(name, "must be an array of entity identifiers");
    }
    std::vector<EntityId> entity_ids;
    std::size_t index = 0;
    for (const json::value& entry : value.get_array()) {
        const std::string where = std::string(name) + "[" + std::to_string(index++) + "]";
        if (!entry.is_string()) {
            return invalid(where, "must be a string");
        }
        auto entity_id = EntityId::parse(entry.get_string(), options.allow_http);
        if (!entity_id) {
            return entity_id.error().with_context(where);
        }
        entity_ids.push_back(std::move(*entity_id));
    }
    return entity_ids;
}

Result<void> check_metadata(const json::value& value) {
    if (!value.is_object()) {
        return invalid("metadata", "must be an object");
    }
    for (const auto& entity_type : value.get_object()) {
        const std::string where = "metadata." + std::string(entity_type.key());
        if (!entity_type.value().is_object()) {
            return invalid(where, "must be an object");
        }
        for (const auto& parameter : entity_type.value().get_object()) {
            if (parameter.value().is_null()) {
                return invalid(where + "." + std::string(parameter.key()), "must not be null");
            }
        }
    }

    if (const json::value* federation = value.get_object().if_contains(kFederationEntityType)) {
        for (std::string_view name : kKeySetParameters) {
            if (federation->get_object().contains(name)) {
                return invalid("metadata.federation_entity." + std::string(name),
                               "federation keys belong in the jwks claim only");
            }
        }
    }
    return {};
}

Result<std::vector<TrustMarkEntry>> read_trust_mark_entries(const json::value& value) {
    if (!value.is_array()) {
        return invalid("trust_marks", "must be an array");
    }
    std::vector<TrustMarkEntry> entries;
    std::size_t index = 0;
    for (const json::value& entry : value.get_array()) {
        const std::string where = "trust_marks[" + std::to_string(index++) + "]";
        const json::object* members = entry.if_object();
        if (members == nullptr) {
            return invalid(where, "must be an object");
        }
        const json::value* type = members->if_contains("trust_mark_type");
        const json::value* mark = members->if_contains("trust_mark");
        if (type == nullptr || !type->is_string() || type->get_string().empty()) {
            return invalid(where + ".trust_mark_type", "must be a non-empty string");
        }
        if (mark == nullptr || !mark->is_string() || mark->get_string().empty()) {
            return invalid(where + ".trust_mark", "must be a non-empty string");
        }
        entries.push_back({std::string(type->get_string()), std::string(mark->get_string())});
    }
    return entries;
}

Result<void> check_placement(const json::object& payload, StatementKind kind) {
    if (kind == StatementKind::kEntityConfiguration) {
        for (std::string_view name : kSubordinateOnlyClaims) {
            if (payload.contains(name)) {
                return invalid(name, "only allowed in a Subordinate Statement");
            }
        }
        return {};
    }
    for (std::string_view name : kConfigurationOnlyClaims) {
        if (payload.contains(name)) {
            return invalid(name, "only allowed in an Entity Configuration");
        }
    }
    return {};
}

Result<void> check_header(const json::object& header) {
    for (std::string_view name : kForbiddenHeaders) {
        if (header.contains(name)) {
            return invalid("jws header " + std::string(name),
                           "not allowed in an Entity Statement");
        }
    }
    const json::value* kid = header.if_contains("kid");
    if (kid == nullptr || !kid->is_string() || kid->get_string().empty()) {
        return invalid("jws header kid", "must be a non-empty string");
    }
    return {};
}

Result<EntityStatementClaims> read_required_claims(const json::object& payload,
                                                   const StatementOptions& options) {
    auto issuer = read_entity_id(payload, "iss", options);
    if (!issuer) {
        return issuer.error();
    }
    auto subject = read_entity_id(payload, "sub", options);
    if (!subject) {
        return subject.error();
    }
    auto issued_at = read_numeric_date(payload, "iat");
    if (!issued_at) {
        return issued_at.error();
    }
    auto expires_at = read_numeric_date(payload, "exp");
    if (!expires_at) {
        return expires_at.error();
    }

    const json::value* jwks = payload.if_contains("jwks");
    if (jwks == nullptr) {
        return invalid("jwks", "missing");
    }
    if (!jwks->is_object()) {
        return invalid("jwks", "must be a JWK Set object");
    }
    auto key_set = jose::JwkSet::from_json(jwks->get_object());
    if (!key_set) {
        return key_set.error().with_context("jwks");
    }
    if (key_set->empty()) {
        return invalid("jwks", "must contain at least one key");
    }

    EntityStatementClaims claims(std::move(*issuer), std::move(*subject));
    claims.issued_at = *issued_at;
    claims.expires_at = *expires_at;
    claims.jwks = std::move(*key_set);
    return claims;
}

Result<void> read_configuration_claims(const json::object& payload,
                                       const StatementOptions& options,
                                       EntityStatementClaims& claims) {
    if (const json::value* hints = payload.if_contains("authority_hints")) {
        auto entity_ids = read_entity_ids(*hints, "authority_hints", options);
        if (!entity_ids) {
            return entity_ids.error();
        }
        claims.authority_hints = std::move(*entity_ids);
    }
    if (const json::value* hints = payload.if_contains("trust_anchor_hints")) {
        auto entity_ids = read_entity_ids(*hints, "trust_anchor_hints", options);
        if (!entity_ids) {
            return entity_ids.error();
        }
        if (entity_ids->empty()) {
            return invalid("trust_anchor_hints", "must not be an empty array");
        }
        claims.trust_anchor_hints = std::move(*entity_ids);
    }
    if (const json::value* marks = payload.if_contains("trust_marks")) {
        auto entries = read_trust_mark_entries(*marks);
        if (!entries) {
            return entries.error();
        }
        claims.trust_marks = std::move(*entries);
    }
    for (std::string_view name : {"trust_mark_issuers", "trust_mark_owners"}) {
        const json::value* value = payload.if_contains(name);
        if (value == nullptr) {
            continue;
        }
        if (!value->is_object()) {
            return invalid(name, "must be an object keyed by trust_mark_type");
        }
        auto& target = name == std::string_view("trust_mark_issuers") ? claims.trust_mark_issuers
                                                                      : claims.trust_mark_owners;
        target = value->get_object();
    }
    return {};
}

Result<void> read_subordinate_claims(const json::object& payload,
                                     EntityStatementClaims& claims) {
    if (const json::value* constraints = payload.if_contains("constraints")) {
        auto parsed = ChainConstraints::from_json(*constraints);
        if (!parsed) {
            return parsed.error();
        }
        claims.constraints = std::move(*parsed);
    }
    if (const json::value* policy = payload.if_contains("metadata_policy")) {
        if (!policy->is_object()) {
            return invalid("metadata_policy", "must be an object");
        }
        claims.metadata_policy = *policy;
    }
    if (const json::value* crit = payload.if_contains("metadata_policy_crit")) {
        if (!crit->is_array() || crit->get_array().empty()) {
            return invalid("metadata_policy_crit", "must be a non-empty array");
        }
        claims.metadata_policy_crit = *crit;
    }
    if (const json::value* endpoint = payload.if_contains("source_endpoint")) {
        if (!endpoint->is_string() || endpoint->get_string().empty()) {
            return invalid("source_endpoint", "must be a non-empty string");
        }
        claims.source_endpoint = std::string(endpoint->get_string());
    }
    return {};
}

}  // namespace

Result<UnverifiedEntityStatement> UnverifiedEntityStatement::decode(
    std::string_view jwt, const StatementOptions& options) {
    auto decoded = jose::decode_unverified(jwt);
    if (!decoded) {
        return decoded.error();
    }
    auto header_checked = check_header(decoded->header());
    if (!header_checked) {
        return header_checked.error();
    }

    const json::object& payload = decoded->payload();
    auto required = read_required_claims(payload, options);
    if (!required) {
        return required.error();
    }
    EntityStatementClaims& claims = *required;
    auto checked = check_placement(payload, claims.kind());
    if (checked) {
        checked = claims.kind() == StatementKind::kEntityConfiguration
                      ? read_configuration_claims(payload, options, claims)
                      : read_subordinate_claims(payload, claims);
    }
    if (!checked) {
        return checked.error();
    }

    if (const json::value* metadata = payload.if_contains("metadata")) {
        auto metadata_checked = check_metadata(*metadata);
        if (!metadata_checked) {
            return metadata_checked.error();
        }
        claims.metadata = metadata->get_object();
    }

    claims.payload = payload;
    return UnverifiedEntityStatement(std::move(claims), std::string(jwt), decoded->kid());
}

Result<VerifiedEntityStatement> verify_entity_statement(
    const UnverifiedEntityStatement& statement, const jose::JwkSet& issuer_keys,
    const Clock& clock) {
    // No extension claim is understood, so any `crit` listing one fails.
    auto verified = jose::verify_jws(statement.jwt(), issuer_keys, kEntityStatementType, clock);
    if (!verified) {
        return verified.error();
    }

    return VerifiedEntityStatement(statement.claims(), statement.jwt(), verified->kid());
}

Result<std::string> EntityConfiguration::fetch_endpoint() const {
    const auto& metadata = claims().metadata;
    const json::value* federation =
        metadata ? metadata->if_contains(kFederationEntityType) : nullptr;
    const json::value* endpoint =
        federation != nullptr ? federation->get_object().if_contains("federation_fetch_endpoint")
                              : nullptr;
    if (endpoint == nullptr || !endpoint->is_string() || endpoint->get_string().empty()) {
        return Error::invalid_request(
            "metadata.federation_entity.federation_fetch_endpoint: missing in the entity "
            "configuration of " + entity_id().str());
    }
    return std::string(endpoint->get_string());
}

Result<EntityConfiguration> verify_entity_configuration(std::string_view jwt,
                                                        const EntityId& entity_id,
                                                        const Clock& clock,
                                                        const StatementOptions& options,
                                                        const jose::JwkSet* pinned_keys) {
    auto decoded = UnverifiedEntityStatement::decode(jwt, options);
    if (!decoded) {
        return decoded.error();
    }
    const EntityStatementClaims& claims = decoded->claims();
    if (claims.subject != entity_id) {
        return invalid("sub", "is \"" + claims.subject.str() + "\", expected \"" +
                                  entity_id.str() + "\"");
    }
    if (claims.kind() != StatementKind::kEntityConfiguration) {
        return invalid("iss", "is \"" + claims.issuer.str() +
                                  "\", an entity configuration must be self-issued");
    }

    const jose::JwkSet& keys = pinned_keys != nullptr ? *pinned_keys : claims.jwks;
    auto verified = verify_entity_statement(*decoded, keys, clock);
    if (!verified) {
        return verified.error();
    }
    return EntityConfiguration(std::move(*verified));
}

Result<SubordinateStatement> verify_subordinate_statement(std::string_view jwt,
                                                          const EntityConfiguration& issuer,
                                                          const EntityId& subject,
                                                          const Clock& clock,
                                                          const StatementOptions& options) {
    return verify_subordinate_statement(jwt, issuer.entity_id(), issuer.claims().jwks, subject,
                                        clock, options);
}

Result<SubordinateStatement> verify_subordinate_statement(std::string_view jwt,
                                                          const EntityId& issuer,
                                                          const jose::JwkSet& issuer_keys,
                                                          const EntityId& subject,
                                                          const Clock& clock,
                                                          const StatementOptions& options) {
    auto decoded = UnverifiedEntityStatement::decode(jwt, options);
    if (!decoded) {
        return decoded.error();
    }
    const EntityStatementClaims& claims = decoded->claims();
    if (claims.issuer != issuer) {
        return invalid("iss", "is \"" + claims.issuer.str() + "\", expected \"" + issuer.str() +
                                  "\"");
    }
    if (claims.subject != subject) {
        return invalid("sub", "is \"" + claims.subject.str() + "\", expected \"" +
                                  subject.str() + "\"");
    }

    auto verified = verify_entity_statement(*decoded, issuer_keys, clock);
    if (!verified) {
        return verified.error();
    }
    return SubordinateStatement(std::move(*verified));
}

}  // namespace inmor::federation
