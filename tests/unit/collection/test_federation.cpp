// Test federations: entities with generated keys and their signed
// statements, served on loopback.
#include "test_federation.h"

#include "common/json.h"
#include "jose/jws.h"
#include "resolver/http_entity_statement_source.h"

#include <algorithm>
#include <stdexcept>

namespace inmor::collection::testing {

namespace json = boost::json;

namespace {

constexpr std::string_view kStatementType = "application/entity-statement+jwt";

EntityId parse_id(const std::string& text) {
    auto parsed = EntityId::parse(text, true);
    if (!parsed) throw std::runtime_error("invalid test entity id: " + text);
    return *parsed;
}

}  // namespace

std::string sign(const jose::Jwk& key, const json::object& claims, std::string_view typ) {
    json::object header;
    header["typ"] = typ;
    auto jwt = jose::sign_jws(key, claims, header);
    if (!jwt) throw std::runtime_error("signing failed: " + jwt.error().message());
    return *jwt;
}

TestEntity& TestFederation::add(const std::string& name, bool authority) {
    auto key = jose::Jwk::generate("ES256");
    if (!key) throw std::runtime_error("key generation failed: " + key.error().message());
    jose::JwkSet jwks;
    if (auto added = jwks.add(key->public_key()); !added) {
        throw std::runtime_error("jwks add failed: " + added.error().message());
    }
    TestEntity entity{name, parse_id(server_.base_url() + "/" + name), *key, jwks, authority,
                      {}, {}, {}, {}};
    return entities_.insert_or_assign(name, std::move(entity)).first->second;
}

void TestFederation::link(const std::string& superior, const std::string& subordinate) {
    entities_.at(superior).subordinates.push_back(subordinate);
    entities_.at(subordinate).superiors.push_back(superior);
}

json::object TestFederation::configuration_claims(const TestEntity& entity) const {
    json::object claims{{"iss", entity.id.str()},
                        {"sub", entity.id.str()},
                        {"iat", now_ - 60},
                        {"exp", now_ + 3600},
                        {"jwks", entity.jwks.public_json()}};

    json::object metadata = entity.metadata;
    json::object federation_entity;
    if (const auto* given = metadata.if_contains("federation_entity")) {
        federation_entity = given->as_object();
    }
    if (entity.authority) {
        federation_entity["federation_fetch_endpoint"] = entity.id.str() + "/fetch";
        federation_entity["federation_list_endpoint"] = entity.id.str() + "/list";
    }
    metadata["federation_entity"] = std::move(federation_entity);
    claims["metadata"] = std::move(metadata);

    if (!entity.superiors.empty()) {
        json::array hints;
        for (const auto& superior : entity.superiors) hints.emplace_back(id(superior));
        claims["authority_hints"] = std::move(hints);
    }
    for (const auto& [name, value] : entity.extra_claims) claims[name] = value;
    return claims;
}

std::string TestFederation::configuration_jwt(const std::string& name) const {
    const TestEntity& entity = entities_.at(name);
    return sign(entity.key, configuration_claims(entity), "entity-statement+jwt");
}

std::string TestFederation::statement_jwt(const std::string& superior,
                                          const std::string& subordinate,
                                          const jose::Jwk* key) const {
    const TestEntity& issuer = entities_.at(superior);
    const TestEntity& subject = entities_.at(subordinate);
    json::object claims{{"iss", issuer.id.str()},
                        {"sub", subject.id.str()},
                        {"iat", now_ - 60},
                        {"exp", now_ + 3600},
                        {"jwks", subject.jwks.public_json()}};
    return sign(key != nullptr ? *key : issuer.key, claims, "entity-statement+jwt");
}

std::string TestFederation::trust_mark(const std::string& issuer, const std::string& subject,
                                       const std::string& type, UnixSeconds expires_at) const {
    json::object claims{{"iss", id(issuer)},
                        {"sub", id(subject)},
                        {"trust_mark_type", type},
                        {"iat", std::min(now_ - 60, expires_at - 3600)},
                        {"exp", expires_at}};
    return sign(entities_.at(issuer).key, claims, "trust-mark+jwt");
}

std::string TestFederation::configuration_target(const std::string& name) const {
    return "/" + name + "/.well-known/openid-federation";
}

std::string TestFederation::list_target(const std::string& name) const {
    return "/" + name + "/list";
}

std::string TestFederation::fetch_target(const std::string& superior,
                                         const std::string& subordinate) const {
    return resolver::subordinate_statement_url("/" + superior + "/fetch",
                                               entities_.at(subordinate).id);
}

void TestFederation::serve_statement(const std::string& target, const std::string& jwt) {
    server_.set(target, {200, std::string(kStatementType), jwt});
}

void TestFederation::publish() {
    for (const auto& [name, entity] : entities_) {
        serve_statement(configuration_target(name), configuration_jwt(name));
        if (!entity.authority) continue;

        json::array listed;
        for (const auto& subordinate : entity.subordinates) {
            listed.emplace_back(id(subordinate));
            serve_statement(fetch_target(name, subordinate), statement_jwt(name, subordinate));
        }
        server_.set(list_target(name), {200, "application/json", to_json(listed)});
    }
}

}  // namespace inmor::collection::testing
