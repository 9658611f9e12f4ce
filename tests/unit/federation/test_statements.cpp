// Test helpers for signed federation statements.
#include "federation/test_statements.h"

#include "jose/jws.h"

#include <stdexcept>

namespace inmor::federation::testing {

namespace json = boost::json;

TestEntity TestEntity::create(std::string_view entity_id_text, std::string_view algorithm) {
    auto key = jose::Jwk::generate(algorithm);
    if (!key) {
        throw std::runtime_error("key generation failed: " + key.error().message());
    }
    jose::JwkSet jwks;
    if (auto added = jwks.add(key->public_key()); !added) {
        throw std::runtime_error("jwks add failed: " + added.error().message());
    }
    return TestEntity{entity_id(entity_id_text), *key, jwks};
}

EntityId entity_id(std::string_view text) {
    auto parsed = EntityId::parse(text, true);
    if (!parsed) {
        throw std::runtime_error("bad test entity id: " + std::string(text));
    }
    return *parsed;
}

json::object statement_claims(const TestEntity& issuer, const EntityId& subject,
                              const jose::JwkSet& subject_jwks) {
    return json::object{{"iss", issuer.id.str()},
                        {"sub", subject.str()},
                        {"iat", kNow - 60},
                        {"exp", kNow + 3600},
                        {"jwks", subject_jwks.public_json()}};
}

json::object configuration_claims(const TestEntity& entity) {
    return statement_claims(entity, entity.id, entity.jwks);
}

std::string sign(const jose::Jwk& key, const json::object& claims, std::string_view typ,
                 const json::object& extra_header) {
    json::object header = extra_header;
    if (!typ.empty()) {
        header["typ"] = typ;
    }
    auto jwt = jose::sign_jws(key, claims, header);
    if (!jwt) {
        throw std::runtime_error("signing failed: " + jwt.error().message());
    }
    return *jwt;
}

jose::Jwk impostor_key(std::string_view kid) {
    auto key = jose::Jwk::generate("ES256");
    if (!key) {
        throw std::runtime_error("key generation failed");
    }
    auto renamed = key->with_member("kid", json::string(kid));
    if (!renamed) {
        throw std::runtime_error("kid change failed: " + renamed.error().message());
    }
    return *renamed;
}

}  // namespace inmor::federation::testing
