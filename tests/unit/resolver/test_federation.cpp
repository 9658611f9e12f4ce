// Publishing test federations on the loopback server.
#include "test_federation.h"

namespace inmor::resolver::testing {

namespace json = boost::json;
namespace fedtest = inmor::federation::testing;

const TestEntity& TestFederation::add(const std::string& name) {
    auto [it, inserted] =
        entities_.emplace(name, TestEntity::create(server_.base_url() + "/" + name));
    return it->second;
}

std::string TestFederation::configuration_route(const std::string& name) const {
    return "/" + name + "/.well-known/openid-federation";
}

std::string TestFederation::fetch_route(const std::string& superior,
                                        const std::string& subordinate) const {
    return "/" + superior + "/fetch?sub=" + entity(subordinate).id.str();
}

json::object TestFederation::configuration_claims(const std::string& name,
                                                  const std::vector<std::string>& hints,
                                                  const json::object& extra) const {
    const TestEntity& subject = entity(name);
    json::object claims = fedtest::configuration_claims(subject);
    if (!hints.empty()) {
        json::array authority_hints;
        for (const std::string& hint : hints) {
            authority_hints.emplace_back(entities_.contains(hint) ? entity(hint).id.str() : hint);
        }
        claims["authority_hints"] = std::move(authority_hints);
    }
    claims["metadata"] = json::object{
        {"federation_entity",
         json::object{{"federation_fetch_endpoint", subject.id.str() + "/fetch"}}}};
    for (const auto& member : extra) {
        claims[member.key()] = member.value();
    }
    return claims;
}

void TestFederation::publish_configuration(const std::string& name,
                                           const std::vector<std::string>& hints,
                                           const json::object& extra) {
    const json::object claims = configuration_claims(name, hints, extra);
    publish_configuration_jwt(name, fedtest::sign(entity(name).key, claims));
}

void TestFederation::publish_configuration_jwt(const std::string& name, const std::string& jwt) {
    server_.set(configuration_route(name), {200, "application/entity-statement+jwt", jwt, {}});
}

json::object TestFederation::subordinate_claims(const std::string& superior,
                                                const std::string& subordinate,
                                                const json::object& extra) const {
    const TestEntity& below = entity(subordinate);
    json::object claims = fedtest::statement_claims(entity(superior), below.id, below.jwks);
    for (const auto& member : extra) {
        claims[member.key()] = member.value();
    }
    return claims;
}

void TestFederation::publish_subordinate(const std::string& superior,
                                         const std::string& subordinate,
                                         const json::object& extra) {
    const json::object claims = subordinate_claims(superior, subordinate, extra);
    publish_subordinate_jwt(superior, subordinate, fedtest::sign(entity(superior).key, claims));
}

void TestFederation::publish_subordinate_jwt(const std::string& superior,
                                             const std::string& subordinate,
                                             const std::string& jwt) {
    server_.set(fetch_route(superior, subordinate),
                {200, "application/entity-statement+jwt", jwt, {}});
}

}  // namespace inmor::resolver::testing
