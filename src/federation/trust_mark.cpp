// Trust Mark rules of a Trust Anchor, delegation checks and verification.
#include "federation/trust_mark.h"

#include "jose/jws.h"

#include <algorithm>
#include <cmath>

namespace inmor::federation {

namespace json = boost::json;

namespace {

Error invalid(std::string_view where, std::string_view problem) {
    return Error::invalid_request(std::string(where) + ": " + std::string(problem));
}

std::string claim_text(const json::object& payload, std::string_view name) {
    const json::value* value = payload.if_contains(name);
    if (value == nullptr || !value->is_string()) {
        return {};
    }
    return std::string(value->get_string());
}

Result<EntityId> entity_id_claim(const json::object& payload, std::string_view where,
                                 std::string_view name, const StatementOptions& options) {
    const std::string text = claim_text(payload, name);
    const std::string place = std::string(where) + " " + std::string(name);
    if (text.empty()) {
        return invalid(place, "missing or not a string");
    }
    auto entity_id = EntityId::parse(text, options.allow_http);
    if (!entity_id) {
        return entity_id.error().with_context(place);
    }
    return entity_id;
}

// Whole seconds of a NumericDate, clamped so that a hostile value cannot
// overflow the conversion.
UnixSeconds whole_seconds(const json::value& value) {
    constexpr double kLimit = 1e15;
    const double seconds = value.to_number<double>();
    if (!(seconds > -kLimit)) {
        return static_cast<UnixSeconds>(-kLimit);
    }
    return static_cast<UnixSeconds>(std::floor(std::min(seconds, kLimit)));
}

Result<UnixSeconds> required_time(const json::object& payload, std::string_view where,
                                  std::string_view name) {
    const json::value* value = payload.if_contains(name);
    if (value == nullptr || !value->is_number()) {
        return invalid(std::string(where) + " " + std::string(name),
                       "missing or not a number (NumericDate)");
    }
    return whole_seconds(*value);
}

Result<std::map<std::string, std::vector<EntityId>, std::less<>>> read_issuers(
    const json::object& claim, const StatementOptions& options) {
    std::map<std::string, std::vector<EntityId>, std::less<>> issuers;
    for (const auto& member : claim) {
        const std::string where = "trust_mark_issuers." + std::string(member.key());
        if (!member.value().is_array()) {
            return invalid(where, "must be an array of entity identifiers");
        }
        std::vector<EntityId> entity_ids;
        for (const json::value& entry : member.value().get_array()) {
            auto entity_id = entry.is_string()
                                 ? EntityId::parse(entry.get_string(), options.allow_http)
                                 : Result<EntityId>(invalid(where, "entries must be strings"));
            if (!entity_id) {
                return entity_id.error().with_context(where);
            }
            entity_ids.push_back(std::move(*entity_id));
        }
        issuers.emplace(std::string(member.key()), std::move(entity_ids));
    }
    return issuers;
}

Result<TrustMarkOwner> read_owner(const json::value& value, std::string_view where,
                                  const StatementOptions& options) {
    if (!value.is_object()) {
        return invalid(where, "must be an object with sub and jwks");
    }
    const json::object& members = value.get_object();
    auto owner_id = entity_id_claim(members, where, "sub", options);
    if (!owner_id) {
        return owner_id.error();
    }
    const json::value* jwks = members.if_contains("jwks");
    if (jwks == nullptr || !jwks->is_object()) {
        return invalid(std::string(where) + ".jwks", "missing or not an object");
    }
    auto keys = jose::JwkSet::from_json(jwks->get_object());
    if (!keys) {
        return keys.error().with_context(std::string(where) + ".jwks");
    }
    return TrustMarkOwner{std::move(*owner_id), std::move(*keys)};
}

}  // namespace

Result<TrustMarkRules> TrustMarkRules::from_entity_configuration(
    const EntityConfiguration& anchor, const StatementOptions& options) {
    TrustMarkRules rules(anchor.entity_id());
    const EntityStatementClaims& claims = anchor.claims();

    if (claims.trust_mark_issuers) {
        auto issuers = read_issuers(*claims.trust_mark_issuers, options);
        if (!issuers) {
            return issuers.error();
        }
        rules.issuers_ = std::move(*issuers);
    }

    if (claims.trust_mark_owners) {
        for (const auto& member : *claims.trust_mark_owners) {
            const std::string where = "trust_mark_owners." + std::string(member.key());
            auto owner = read_owner(member.value(), where, options);
            if (!owner) {
                return owner.error();
            }
            rules.owners_.emplace(std::string(member.key()), std::move(*owner));
        }
    }
    return rules;
}

Result<void> TrustMarkRules::check_issuer(std::string_view trust_mark_type,
                                          const EntityId& issuer) const {
    const auto listed = issuers_.find(trust_mark_type);
    if (listed == issuers_.end()) {
        // NOTE: the anchor's own marks are accepted without a trust_mark_issuers
        // entry, because the anchor's keys are pinned and it trusts itself.
        if (issuer == trust_anchor_) {
            return {};
        }
        return invalid("trust_mark_type", "\"" + std::string(trust_mark_type) +
                                              "\" is not listed in trust_mark_issuers of " +
                                              trust_anchor_.str());
    }

    const std::vector<EntityId>& allowed = listed->second;
    if (allowed.empty() || std::find(allowed.begin(), allowed.end(), issuer) != allowed.end()) {
        return {};
    }
    return invalid("iss", "\"" + issuer.str() + "\" is not an accepted issuer of \"" +
                              std::string(trust_mark_type) + "\" for " + trust_anchor_.str());
}

const TrustMarkOwner* TrustMarkRules::owner(std::string_view trust_mark_type) const {
    const auto found = owners_.find(trust_mark_type);
    return found == owners_.end() ? nullptr : &found->second;
}

Result<UnverifiedTrustMark> decode_trust_mark(std::string_view jwt) {
    auto decoded = jose::decode_unverified(jwt);
    if (!decoded) {
        return decoded.error();
    }
    const json::object& payload = decoded->payload();
    return UnverifiedTrustMark{claim_text(payload, "iss"), claim_text(payload, "sub"),
                               claim_text(payload, "trust_mark_type")};
}

// Builds TrustMark, whose constructor is private.
struct TrustMarkVerifier {
    static Result<EntityId> verify_delegation(std::string_view delegation, const TrustMark& mark,
                                              const TrustMarkOwner& owner, const Clock& clock,
                                              const StatementOptions& options) {
        jose::VerifyOptions verify_options;
        verify_options.require_exp = false;
        auto verified = jose::verify_jws(delegation, owner.jwks, kTrustMarkDelegationJwtType,
                                         clock, verify_options);
        if (!verified) {
            return verified.error().with_context("delegation");
        }

        const json::object& payload = verified->payload();
        auto owner_id = entity_id_claim(payload, "delegation", "iss", options);
        if (!owner_id) {
            return owner_id.error();
        }
        if (*owner_id != owner.entity_id) {
            return invalid("delegation iss", "\"" + owner_id->str() +
                                                 "\" is not the trust mark owner \"" +
                                                 owner.entity_id.str() + "\"");
        }
        if (claim_text(payload, "sub") != mark.issuer().str()) {
            return invalid("delegation sub", "must be the trust mark issuer \"" +
                                                 mark.issuer().str() + "\"");
        }
        if (claim_text(payload, "trust_mark_type") != mark.trust_mark_type()) {
            return invalid("delegation trust_mark_type",
                           "must be \"" + mark.trust_mark_type() + "\"");
        }
        auto issued = required_time(payload, "delegation", "iat");
        if (!issued) {
            return issued.error();
        }
        return *owner_id;
    }

    static Result<TrustMark> verify(std::string_view jwt, const EntityId& subject,
                                    std::string_view expected_type,
                                    const jose::JwkSet& issuer_keys, const TrustMarkRules& rules,
                                    const Clock& clock, const StatementOptions& options) {
        // Claims first: cheap checks, and the issuer must be accepted at all.
        auto decoded = jose::decode_unverified(jwt);
        if (!decoded) {
            return decoded.error();
        }
        const json::object& claims = decoded->payload();
        auto issuer = entity_id_claim(claims, "trust mark", "iss", options);
        if (!issuer) {
            return issuer.error();
        }
        auto claimed_subject = entity_id_claim(claims, "trust mark", "sub", options);
        if (!claimed_subject) {
            return claimed_subject.error();
        }
        if (*claimed_subject != subject) {
            return invalid("trust mark sub", "is \"" + claimed_subject->str() +
                                                 "\", expected \"" + subject.str() + "\"");
        }
        const std::string type = claim_text(claims, "trust_mark_type");
        if (type.empty()) {
            return invalid("trust mark trust_mark_type", "missing or not a string");
        }
        if (type != expected_type) {
            return invalid("trust mark trust_mark_type",
                           "is \"" + type + "\", the trust_marks entry says \"" +
                               std::string(expected_type) + "\"");
        }
        auto issued = required_time(claims, "trust mark", "iat");
        if (!issued) {
            return issued.error();
        }
        auto recognised = rules.check_issuer(type, *issuer);
        if (!recognised) {
            return recognised.error();
        }

        jose::VerifyOptions verify_options;
        verify_options.require_exp = false;
        auto verified = jose::verify_jws(jwt, issuer_keys, kTrustMarkJwtType, clock,
                                         verify_options);
        if (!verified) {
            return verified.error();
        }

        TrustMark mark(*issuer, *claimed_subject);
        mark.trust_mark_type_ = type;
        mark.issued_at_ = *issued;
        if (const json::value* expires = claims.if_contains("exp")) {
            mark.expires_at_ = whole_seconds(*expires);
        }
        mark.jwt_ = std::string(jwt);

        auto delegated = check_delegation(claims, mark, rules, clock, options);
        if (!delegated) {
            return delegated.error();
        }
        mark.delegated_by_ = std::move(*delegated);
        return mark;
    }

    static Result<std::optional<EntityId>> check_delegation(const json::object& claims,
                                                            const TrustMark& mark,
                                                            const TrustMarkRules& rules,
                                                            const Clock& clock,
                                                            const StatementOptions& options) {
        const TrustMarkOwner* owner = rules.owner(mark.trust_mark_type());
        const json::value* delegation = claims.if_contains("delegation");
        if (delegation == nullptr) {
            if (owner != nullptr) {
                return invalid("trust mark delegation",
                               "missing, but \"" + mark.trust_mark_type() +
                                   "\" has an owner in trust_mark_owners");
            }
            return std::optional<EntityId>();
        }
        if (!delegation->is_string()) {
            return invalid("trust mark delegation", "must be a JWT string");
        }
        if (owner == nullptr) {
            return invalid("trust mark delegation",
                           "present, but trust_mark_owners lists no owner of \"" +
                               mark.trust_mark_type() + "\" to verify it with");
        }

        auto owner_id = verify_delegation(delegation->get_string(), mark, *owner, clock, options);
        if (!owner_id) {
            return owner_id.error();
        }
        return std::optional<EntityId>(std::move(*owner_id));
    }
};

Result<TrustMark> verify_trust_mark(std::string_view jwt, const EntityId& subject,
                                    std::string_view expected_type,
                                    const jose::JwkSet& issuer_keys, const TrustMarkRules& rules,
                                    const Clock& clock, const StatementOptions& options) {
    return TrustMarkVerifier::verify(jwt, subject, expected_type, issuer_keys, rules, clock,
                                     options);
}

}  // namespace inmor::federation
