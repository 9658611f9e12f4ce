// Entity Statements (section "Entity Statement"): decoding, the claim checks
// shared by Entity Configurations and Subordinate Statements, and signature
// verification on top of jose::verify_jws.
#pragma once

#include "common/clock.h"
#include "common/entity_id.h"
#include "common/error.h"
#include "federation/chain_constraints.h"
#include "jose/jwk.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inmor::federation {

/// The `typ` header of Entity Configurations and Subordinate Statements.
inline constexpr std::string_view kEntityStatementType = "entity-statement+jwt";

/// The kind of an Entity Statement. An Entity Configuration is self-issued
/// (`iss` equals `sub`). A Subordinate Statement is issued by a superior
/// about its subordinate.
enum class StatementKind { kEntityConfiguration, kSubordinateStatement };

/// One `trust_marks` entry of an Entity Configuration, not verified.
struct TrustMarkEntry {
    std::string trust_mark_type;
    std::string trust_mark;
};

/// The claims of an Entity Statement, checked for type and placement but not
/// for trust. Optional claims are empty when absent.
struct EntityStatementClaims {
    EntityStatementClaims(EntityId issuer_id, EntityId subject_id)
        : issuer(std::move(issuer_id)), subject(std::move(subject_id)) {}

    EntityId issuer;
    EntityId subject;
    UnixSeconds issued_at = 0;
    UnixSeconds expires_at = 0;
    jose::JwkSet jwks;
    std::optional<boost::json::object> metadata;

    // Entity Configuration only.
    std::vector<EntityId> authority_hints;
    std::vector<EntityId> trust_anchor_hints;
    std::vector<TrustMarkEntry> trust_marks;
    std::optional<boost::json::object> trust_mark_issuers;
    std::optional<boost::json::object> trust_mark_owners;

    // Subordinate Statement only.
    std::optional<ChainConstraints> constraints;
    std::optional<boost::json::value> metadata_policy;
    std::optional<boost::json::value> metadata_policy_crit;
    std::optional<std::string> source_endpoint;

    /// Every claim as received, including extension claims.
    boost::json::object payload;

    StatementKind kind() const {
        return issuer == subject ? StatementKind::kEntityConfiguration
                                 : StatementKind::kSubordinateStatement;
    }
};

/// Options for reading statements. `allow_http` admits http Entity
/// Identifiers: the development switch of the configuration, also used by
/// loopback tests.
struct StatementOptions {
    bool allow_http = false;
};

/// A decoded Entity Statement whose claims passed every check that needs no
/// key: required claims and their types, claim placement for its kind,
/// metadata shape and forbidden JWS headers. Use it to pick the issuer's
/// keys; trust nothing in it until verify_entity_statement() passes.
class UnverifiedEntityStatement {
public:
    /// Decodes a compact JWS and checks its claims. Errors carry
    /// kInvalidRequest and name the claim or header: "authority_hints: ...".
    static Result<UnverifiedEntityStatement> decode(std::string_view jwt,
                                                    const StatementOptions& options = {});

    const EntityStatementClaims& claims() const { return claims_; }
    const std::string& jwt() const { return jwt_; }
    /// The `kid` header (non-empty after a successful decode).
    const std::string& kid() const { return kid_; }

private:
    UnverifiedEntityStatement(EntityStatementClaims claims, std::string jwt, std::string kid)
        : claims_(std::move(claims)), jwt_(std::move(jwt)), kid_(std::move(kid)) {}

    EntityStatementClaims claims_;
    std::string jwt_;
    std::string kid_;
};

/// An Entity Statement whose signature verified with its issuer's keys, at a
/// time inside its validity. Only verify_entity_statement() builds one.
class VerifiedEntityStatement {
public:
    const EntityStatementClaims& claims() const { return claims_; }
    /// The compact JWS exactly as received.
    const std::string& jwt() const { return jwt_; }
    const std::string& kid() const { return kid_; }
    const EntityId& issuer() const { return claims_.issuer; }
    const EntityId& subject() const { return claims_.subject; }
    StatementKind kind() const { return claims_.kind(); }

private:
    friend Result<VerifiedEntityStatement> verify_entity_statement(
        const UnverifiedEntityStatement& statement, const jose::JwkSet& issuer_keys,
        const Clock& clock);
    VerifiedEntityStatement(EntityStatementClaims claims, std::string jwt, std::string kid)
        : claims_(std::move(claims)), jwt_(std::move(jwt)), kid_(std::move(kid)) {}

    EntityStatementClaims claims_;
    std::string jwt_;
    std::string kid_;
};

/// Verifies `statement` with `issuer_keys`: `typ` entity-statement+jwt, an
/// accepted `alg`, `kid` naming a key of `issuer_keys`, the signature, `crit`
/// (no extension claim is understood) and `iat`/`exp` against `clock` within
/// jose::kClockSkewSeconds. Errors carry kInvalidRequest and name the header
/// or claim.
Result<VerifiedEntityStatement> verify_entity_statement(
    const UnverifiedEntityStatement& statement, const jose::JwkSet& issuer_keys,
    const Clock& clock);

/// An Entity Configuration: a verified, self-issued Entity Statement.
class EntityConfiguration {
public:
    const VerifiedEntityStatement& statement() const { return statement_; }
    const EntityStatementClaims& claims() const { return statement_.claims(); }
    const EntityId& entity_id() const { return statement_.subject(); }
    const std::string& jwt() const { return statement_.jwt(); }

    /// The `federation_fetch_endpoint` of its `federation_entity` metadata,
    /// or an error naming the entity when it publishes none.
    Result<std::string> fetch_endpoint() const;

private:
    friend Result<EntityConfiguration> verify_entity_configuration(
        std::string_view jwt, const EntityId& entity_id, const Clock& clock,
        const StatementOptions& options, const jose::JwkSet* pinned_keys);
    explicit EntityConfiguration(VerifiedEntityStatement statement)
        : statement_(std::move(statement)) {}

    VerifiedEntityStatement statement_;
};

/// Verifies the Entity Configuration of `entity_id`: `iss` and `sub` both
/// equal `entity_id` and it is signed with a key of its own `jwks`. When
/// `pinned_keys` is given (a Trust Anchor's keys configured out of band), the
/// signature must verify with those instead, so a forged configuration
/// carrying its own keys is rejected.
Result<EntityConfiguration> verify_entity_configuration(
    std::string_view jwt, const EntityId& entity_id, const Clock& clock,
    const StatementOptions& options = {}, const jose::JwkSet* pinned_keys = nullptr);

/// A Subordinate Statement: verified with its issuer's Entity Configuration.
class SubordinateStatement {
public:
    const VerifiedEntityStatement& statement() const { return statement_; }
    const EntityStatementClaims& claims() const { return statement_.claims(); }
    const std::string& jwt() const { return statement_.jwt(); }

private:
    friend Result<SubordinateStatement> verify_subordinate_statement(
        std::string_view jwt, const EntityId& issuer, const jose::JwkSet& issuer_keys,
        const EntityId& subject, const Clock& clock, const StatementOptions& options);
    explicit SubordinateStatement(VerifiedEntityStatement statement)
        : statement_(std::move(statement)) {}

    VerifiedEntityStatement statement_;
};

/// Verifies a Subordinate Statement about `subject` issued by `issuer`:
/// `iss` equals the issuer's Entity Identifier, `sub` equals `subject`, and
/// it is signed with a key of the issuer's Entity Configuration `jwks`. The
/// caller checks that `iss` is among the subject's `authority_hints`.
Result<SubordinateStatement> verify_subordinate_statement(
    std::string_view jwt, const EntityConfiguration& issuer, const EntityId& subject,
    const Clock& clock, const StatementOptions& options = {});

/// As above, with the issuer given by its Entity Identifier and the keys
/// vouched for it, for a chain whose Intermediates' configurations are not
/// at hand: the keys then come from the statement about the issuer.
Result<SubordinateStatement> verify_subordinate_statement(
    std::string_view jwt, const EntityId& issuer, const jose::JwkSet& issuer_keys,
    const EntityId& subject, const Clock& clock, const StatementOptions& options = {});

}  // namespace inmor::federation
