// Trust Marks (section "Trust Marks"): the Trust Anchor's rules on who may
// issue them, delegation by a Trust Mark Owner, and verification.
#pragma once

#include "common/clock.h"
#include "common/entity_id.h"
#include "common/error.h"
#include "federation/entity_statement.h"
#include "jose/jwk.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inmor::federation {

/// The `typ` header of a Trust Mark.
inline constexpr std::string_view kTrustMarkJwtType = "trust-mark+jwt";

/// The `typ` header of a Trust Mark delegation.
inline constexpr std::string_view kTrustMarkDelegationJwtType = "trust-mark-delegation+jwt";

/// A Trust Mark Owner as a Trust Anchor lists it in `trust_mark_owners`.
struct TrustMarkOwner {
    EntityId entity_id;
    jose::JwkSet jwks;
};

/// The Trust Mark rules of a Trust Anchor's Entity Configuration: the
/// accepted issuers per type (`trust_mark_issuers`) and the owners whose
/// delegation an issuer needs (`trust_mark_owners`).
class TrustMarkRules {
public:
    /// Reads the rules from the Trust Anchor's verified Entity Configuration.
    /// Errors (kInvalidRequest) name the malformed member.
    static Result<TrustMarkRules> from_entity_configuration(const EntityConfiguration& anchor,
                                                            const StatementOptions& options = {});

    /// Checks that the anchor accepts `issuer` for `trust_mark_type`: the
    /// type is listed in `trust_mark_issuers` and its list is empty (anyone)
    /// or names the issuer. A type the anchor does not list is accepted only
    /// from the anchor itself.
    Result<void> check_issuer(std::string_view trust_mark_type, const EntityId& issuer) const;

    /// The owner of `trust_mark_type`, or nullptr when it has none.
    const TrustMarkOwner* owner(std::string_view trust_mark_type) const;

    const EntityId& trust_anchor() const { return trust_anchor_; }

private:
    explicit TrustMarkRules(EntityId trust_anchor) : trust_anchor_(std::move(trust_anchor)) {}

    EntityId trust_anchor_;
    std::map<std::string, std::vector<EntityId>, std::less<>> issuers_;
    std::map<std::string, TrustMarkOwner, std::less<>> owners_;
};

/// The claims of a Trust Mark read before verification, to find the
/// issuer's keys. Nothing in it is trusted.
struct UnverifiedTrustMark {
    std::string issuer;
    std::string subject;
    std::string trust_mark_type;
};

/// Decodes a Trust Mark JWT without checking its signature.
Result<UnverifiedTrustMark> decode_trust_mark(std::string_view jwt);

/// A Trust Mark that passed verify_trust_mark(); only it builds one.
class TrustMark {
public:
    const std::string& trust_mark_type() const { return trust_mark_type_; }
    const EntityId& issuer() const { return issuer_; }
    const EntityId& subject() const { return subject_; }
    UnixSeconds issued_at() const { return issued_at_; }
    /// Empty for a Trust Mark that does not expire.
    std::optional<UnixSeconds> expires_at() const { return expires_at_; }
    /// The owner that delegated issuance, when the mark carries a delegation.
    const std::optional<EntityId>& delegated_by() const { return delegated_by_; }
    const std::string& jwt() const { return jwt_; }

private:
    friend struct TrustMarkVerifier;
    TrustMark(EntityId issuer, EntityId subject) : issuer_(issuer), subject_(subject) {}

    std::string trust_mark_type_;
    EntityId issuer_;
    EntityId subject_;
    UnixSeconds issued_at_ = 0;
    std::optional<UnixSeconds> expires_at_;
    std::optional<EntityId> delegated_by_;
    std::string jwt_;
};

/// Verifies a Trust Mark about `subject` (section "Validating a Trust
/// Mark"). It checks `typ` trust-mark+jwt and the claims `iss`, `sub`,
/// `trust_mark_type` and `iat` (`exp` is optional). `sub` must equal
/// `subject`, and `trust_mark_type` must equal `expected_type`, the type of
/// the `trust_marks` entry carrying the mark. The issuer must be accepted by
/// `rules`, the signature must verify with `issuer_keys`, and the times are
/// checked against `clock`. When `rules` names an owner for the type, the
/// mark must carry a `delegation` JWT: `typ` trust-mark-delegation+jwt,
/// signed with the owner's keys, `iss` the owner, `sub` the mark's issuer,
/// the same `trust_mark_type`. Any delegation present must verify.
/// Errors carry kInvalidRequest and name the claim.
Result<TrustMark> verify_trust_mark(std::string_view jwt, const EntityId& subject,
                                    std::string_view expected_type,
                                    const jose::JwkSet& issuer_keys, const TrustMarkRules& rules,
                                    const Clock& clock, const StatementOptions& options = {});

}  // namespace inmor::federation
