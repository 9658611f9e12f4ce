// A federation of test entities published on a FederationServer: each
// entity lives under its own path, with its configuration at
// <path>/.well-known/openid-federation and its fetch endpoint at <path>/fetch.
#pragma once

#include "federation/test_statements.h"
#include "federation_server.h"

#include <boost/json/object.hpp>

#include <map>
#include <string>
#include <vector>

namespace inmor::resolver::testing {

using federation::testing::TestEntity;

class TestFederation {
public:
    explicit TestFederation(FederationServer& server) : server_(server) {}

    /// Creates the entity `name` with Entity Identifier base_url/name.
    const TestEntity& add(const std::string& name);

    const TestEntity& entity(const std::string& name) const { return entities_.at(name); }

    /// Publishes the Entity Configuration of `name`: the standard claims,
    /// `authority_hints` (when not empty), federation_entity metadata with a
    /// fetch endpoint, then `extra` members overriding any of these.
    void publish_configuration(const std::string& name, const std::vector<std::string>& hints,
                               const boost::json::object& extra = {});

    /// Publishes a configuration JWT exactly as given.
    void publish_configuration_jwt(const std::string& name, const std::string& jwt);

    /// Publishes the statement `superior` issues about `subordinate`, with
    /// `extra` members added to the standard claims.
    void publish_subordinate(const std::string& superior, const std::string& subordinate,
                             const boost::json::object& extra = {});

    /// Publishes a subordinate statement JWT exactly as given.
    void publish_subordinate_jwt(const std::string& superior, const std::string& subordinate,
                                 const std::string& jwt);

    /// The claims publish_configuration() would sign.
    boost::json::object configuration_claims(const std::string& name,
                                             const std::vector<std::string>& hints,
                                             const boost::json::object& extra = {}) const;

    /// The claims publish_subordinate() would sign.
    boost::json::object subordinate_claims(const std::string& superior,
                                           const std::string& subordinate,
                                           const boost::json::object& extra = {}) const;

    /// The server route of a configuration or a fetch.
    std::string configuration_route(const std::string& name) const;
    std::string fetch_route(const std::string& superior, const std::string& subordinate) const;

private:
    FederationServer& server_;
    std::map<std::string, TestEntity> entities_;
};

}  // namespace inmor::resolver::testing
