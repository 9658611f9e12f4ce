// Test helpers: federation entities with generated keys, and signed
// statements built from claim objects the tests can bend.
#pragma once

#include "common/clock.h"
#include "common/entity_id.h"
#include "jose/jwk.h"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace inmor::federation::testing {

/// The fixed "now" of statement tests.
inline constexpr UnixSeconds kNow = 1'800'000'000;

/// A federation entity with a freshly generated signing key.
struct TestEntity {
    EntityId id;
    jose::Jwk key;
    jose::JwkSet jwks;

    /// Generates an ES256 key (fast to make) unless `algorithm` says otherwise.
    static TestEntity create(std::string_view entity_id, std::string_view algorithm = "ES256");
};

/// Parses an Entity Identifier the test knows is valid (http allowed).
EntityId entity_id(std::string_view text);

/// `{iss, sub, iat, exp, jwks}` for a statement by `issuer` about the
/// entity with `subject_jwks`, valid from kNow - 60 to kNow + 3600.
boost::json::object statement_claims(const TestEntity& issuer, const EntityId& subject,
                                     const jose::JwkSet& subject_jwks);

/// An Entity Configuration's claims for `entity`.
boost::json::object configuration_claims(const TestEntity& entity);

/// Signs `claims` with `key`; `typ` goes in the header with `extra_header`.
std::string sign(const jose::Jwk& key, const boost::json::object& claims,
                 std::string_view typ = "entity-statement+jwt",
                 const boost::json::object& extra_header = {});

/// A key whose `kid` is `kid` but whose material is new: it signs with the
/// right kid and the wrong key.
jose::Jwk impostor_key(std::string_view kid);

}  // namespace inmor::federation::testing
