// A federation of test entities served by a LoopbackServer: each entity
// lives under /<name>, with its configuration at
// /<name>/.well-known/openid-federation, and an authority's list and fetch
// endpoints at /<name>/list and /<name>/fetch.
#pragma once

#include "common/clock.h"
#include "common/entity_id.h"
#include "jose/jwk.h"
#include "loopback_server.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <map>
#include <string>
#include <vector>

namespace inmor::collection::testing {

/// One entity of a TestFederation.
struct TestEntity {
    std::string name;
    EntityId id;
    jose::Jwk key;
    jose::JwkSet jwks;
    /// Publishes list and fetch endpoints (the anchor and intermediates).
    bool authority = false;
    std::vector<std::string> superiors;     // names, as authority_hints
    std::vector<std::string> subordinates;  // names, as listed
    /// Metadata beyond federation_entity's endpoints, merged per entity type.
    boost::json::object metadata;
    /// Members added to the configuration's claims (trust_marks, ...).
    boost::json::object extra_claims;
};

class TestFederation {
public:
    /// Statements are valid from `now` - 60 to `now` + 3600.
    TestFederation(LoopbackServer& server, UnixSeconds now) : server_(server), now_(now) {}

    /// Creates `name` with Entity Identifier base_url/name and a new ES256 key.
    TestEntity& add(const std::string& name, bool authority = false);
    TestEntity& entity(const std::string& name) { return entities_.at(name); }
    const std::string& id(const std::string& name) const { return entities_.at(name).id.str(); }

    /// Makes `subordinate` listed by `superior` and naming it in authority_hints.
    void link(const std::string& superior, const std::string& subordinate);

    /// Signs and serves every configuration, list and subordinate statement.
    void publish();

    /// The signed configuration of `name` as publish() serves it.
    std::string configuration_jwt(const std::string& name) const;
    /// The statement `superior` signs about `subordinate`, with `key` when given.
    std::string statement_jwt(const std::string& superior, const std::string& subordinate,
                              const jose::Jwk* key = nullptr) const;
    /// A Trust Mark `issuer` signs for `subject`, valid until `expires_at`.
    std::string trust_mark(const std::string& issuer, const std::string& subject,
                           const std::string& type, UnixSeconds expires_at) const;

    /// Server request targets of a configuration, a list and a fetch.
    std::string configuration_target(const std::string& name) const;
    std::string list_target(const std::string& name) const;
    std::string fetch_target(const std::string& superior, const std::string& subordinate) const;

    /// Serves a statement body at `target` with the entity statement media type.
    void serve_statement(const std::string& target, const std::string& jwt);

    LoopbackServer& server() { return server_; }
    UnixSeconds now() const { return now_; }

private:
    boost::json::object configuration_claims(const TestEntity& entity) const;

    LoopbackServer& server_;
    UnixSeconds now_;
    std::map<std::string, TestEntity> entities_;
};

/// Signs `claims` with `key` and `typ` in the header.
std::string sign(const jose::Jwk& key, const boost::json::object& claims, std::string_view typ);

}  // namespace inmor::collection::testing
