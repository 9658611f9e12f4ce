// A fixture for the signing and publishing services. Each test gets a
// migrated admin database of either engine and a real federation store: the
// embedded SQLite store with SQLite, Redis database 13 with PostgreSQL. It
// also gets the anchor's keys, and subordinates played by an HTTPS server on
// 127.0.0.1 with a test certificate.
#pragma once

#include "admin/admin_action.h"
#include "admin/audit_log.h"
#include "database_test_fixture.h"
#include "federation/signing_keys.h"
#include "fetch/http_fetcher.h"
#include "http/server.h"
#include "storage/federation_store.h"
#include "storage/key_value_store.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace inmor::admin::testing {

/// An HTTPS server on 127.0.0.1 (port 0) that returns fixed responses by path,
/// with a self-signed certificate for 127.0.0.1 that the test fetcher trusts.
class EntityServer {
public:
    /// Creates the certificate in `folder` and starts serving.
    explicit EntityServer(const std::string& folder);
    ~EntityServer();

    std::uint16_t port() const { return port_; }
    /// "https://127.0.0.1:PORT" + path.
    std::string url(const std::string& path) const;
    const std::string& ca_file() const { return ca_file_; }

    /// Returns `response` for GET `path` from now on.
    void serve(const std::string& path, http::Response response);
    /// Returns 404 for GET `path` from now on.
    void forget(const std::string& path);
    /// How many requests `path` received.
    int hits(const std::string& path);

private:
    http::Response answer(const http::Request& request);

    std::string ca_file_;
    boost::asio::io_context io_;
    std::unique_ptr<http::HttpServer> server_;
    std::thread thread_;
    std::uint16_t port_ = 0;
    std::mutex mutex_;
    std::map<std::string, http::Response> responses_;
    std::map<std::string, int> hits_;
};

/// A subordinate played by the EntityServer: its identifier, keys and the
/// claims of its entity configuration.
struct TestEntity {
    std::string entity_id;  ///< https://127.0.0.1:PORT/NAME
    std::string path;       ///< /NAME/.well-known/openid-federation
    jose::Jwk signing_key;  ///< private
    boost::json::object metadata;
    std::vector<std::string> authority_hints;
    /// Public keys listed in the configuration; the signing key's by default.
    std::optional<boost::json::object> listed_jwks;

    /// `{"keys": [public signing key]}`.
    boost::json::object jwks() const;
};

class SigningTest : public DatabaseTest {
protected:
    void SetUp() override;
    void TearDown() override;

    /// The services passed to handlers, on the current store.
    AdminServices services();
    storage::FederationStore& store() { return *federation_; }

    /// Empties the federation store: FLUSHDB on Redis, a new file on SQLite.
    void flush_store();

    /// A new entity named `name` with an ES256 key, relying party metadata
    /// and this anchor in its authority hints (not served yet).
    TestEntity make_entity(const std::string& name);
    /// Signs the entity's configuration now and serves it.
    void serve_configuration(const TestEntity& entity);
    /// The entity's configuration JWT signed with `key` now.
    std::string configuration_jwt(const TestEntity& entity, const jose::Jwk& key);

    /// A create request body for `entity` with its registered keys.
    boost::json::object subordinate_body(const TestEntity& entity);

    /// Calls a route handler of `routes` with a JSON body.
    http::Response call(const std::vector<api::ApiRoute>& routes, const std::string& method,
                        const std::string& pattern, const std::string& body = {},
                        const std::map<std::string, std::string>& path_params = {},
                        const std::string& query = {});

    /// The newest audit entries, newest first.
    std::vector<AuditEntry> audit_entries();

    AuditActor actor_{"alice", "api_key", "127.0.0.1"};
    Config config_;
    FixedClock clock_{0};
    std::optional<federation::SigningKeys> keys_;
    std::unique_ptr<fetch::HttpFetcher> fetcher_;
    std::unique_ptr<EntityServer> server_;
    std::unique_ptr<storage::KeyValueStore> key_values_;
    std::optional<storage::FederationStore> federation_;
    std::string redis_url_;
    std::string sqlite_store_path_;
    int store_generation_ = 0;
    int lock_descriptor_ = -1;
};

/// The JSON body of a response; fails the test when it is not JSON.
boost::json::object body_of(const http::Response& response);

/// The payload of a compact JWS, not verified.
boost::json::object payload_of(const std::string& jwt);

}  // namespace inmor::admin::testing
