// Subordinates through their route handlers: every validation failure, the
// store's contents after each action, key rotation on renewal and the preview.
#include "admin/admin_metrics.h"
#include "admin/subordinate_service.h"
#include "federation/entity_statement.h"
#include "jose/jws.h"
#include "signing_test_fixture.h"

#include <boost/json/serialize.hpp>

#include <filesystem>

namespace inmor::admin::testing {
namespace {

namespace json = boost::json;

class SubordinateServiceTest : public SigningTest {
protected:
    void SetUp() override {
        SigningTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        routes_ = api::subordinate_routes(services());
        entity_.emplace(make_entity("rp1"));
        serve_configuration(*entity_);
    }

    http::Response create(const json::object& body) {
        return call(routes_, "POST", "/subordinates", json::serialize(body));
    }

    std::int64_t create_ok() {
        http::Response response = create(subordinate_body(*entity_));
        EXPECT_EQ(response.status, 201u) << response.body;
        return body_of(response).at("id").as_int64();
    }

    std::size_t subordinate_rows() {
        Result<Page<Subordinate>> page = list_subordinates(database(), {kMaxPageLimit, 0});
        EXPECT_TRUE(page.has_value());
        return page ? page->items.size() : 0;
    }

    std::vector<api::ApiRoute> routes_;
    std::optional<TestEntity> entity_;
};

TEST_P(SubordinateServiceTest, CreateSignsAndPublishesTheStatement) {
    http::Response response = create(subordinate_body(*entity_));

    ASSERT_EQ(response.status, 201u) << response.body;
    json::object created = body_of(response);
    EXPECT_EQ(created.at("entityid"), json::value(entity_->entity_id));
    EXPECT_EQ(created.at("valid_for"), 100);

    // The statement the federation server serves at /fetch.
    auto statement = store().subordinate_statement(entity_->entity_id);
    ASSERT_TRUE(statement.has_value());
    ASSERT_TRUE(statement->has_value());
    Result<jose::VerifiedJws> verified = jose::verify_jws(
        **statement, keys_->verification_keys, federation::kEntityStatementType, clock_);
    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    const json::object& claims = verified->payload();
    EXPECT_EQ(claims.at("iss"), "https://ta.test");
    EXPECT_EQ(claims.at("sub"), json::value(entity_->entity_id));
    EXPECT_EQ(claims.at("jwks"), json::value(entity_->jwks()));
    EXPECT_EQ(claims.at("exp").as_int64(), clock_.now() + 100 * 3600);
    EXPECT_EQ(claims.at("source_endpoint"), "https://ta.test/fetch");
    EXPECT_EQ(claims.at("metadata").at("openid_relying_party").at("application_type"), "web");
    EXPECT_TRUE(claims.at("metadata_policy").at("openid_relying_party").as_object().contains(
        "grant_types"));

    // The configuration it was checked on, as fetched, and the legacy kind set.
    auto configuration = store().subordinate_configuration(entity_->entity_id);
    ASSERT_TRUE(configuration.has_value());
    ASSERT_TRUE(configuration->has_value());
    EXPECT_EQ(payload_of(**configuration).at("sub"), json::value(entity_->entity_id));
    Result<std::optional<Subordinate>> row =
        find_subordinate(database(), created.at("id").as_int64());
    ASSERT_TRUE(row.has_value());
    ASSERT_TRUE(row->has_value());
    EXPECT_EQ((*row)->entity_configuration, **configuration);
    EXPECT_EQ((*row)->statement, **statement);
    EXPECT_TRUE(key_values_->set_contains("inmor:rp", entity_->entity_id).value());
    EXPECT_EQ(store().subordinate_ids().value(), std::vector<std::string>{entity_->entity_id});

    std::vector<AuditEntry> entries = audit_entries();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].action, "create");
    EXPECT_EQ(entries[0].resource_type, "subordinate");
    EXPECT_EQ(entries[0].actor.client_address, "127.0.0.1");
}

TEST_P(SubordinateServiceTest, MetadataPolicyIsLeftOutWhenEmpty) {
    config_.federation.metadata_policy_file.clear();
    routes_ = api::subordinate_routes(services());
    json::object body = subordinate_body(*entity_);
    body["forced_metadata"] = json::object();

    ASSERT_EQ(create(body).status, 201u);

    json::object claims = payload_of(*store().subordinate_statement(entity_->entity_id).value());
    EXPECT_FALSE(claims.contains("metadata_policy"));
    EXPECT_FALSE(claims.contains("metadata"));
}

struct Rejection {
    std::string name;
    unsigned status;
    std::string expected;  // part of the message
};

TEST_P(SubordinateServiceTest, RejectsBadRequestsNamingTheField) {
    json::object good = subordinate_body(*entity_);
    auto with = [&](std::string_view member, json::value value) {
        json::object body = good;
        body[member] = std::move(value);
        return json::serialize(body);
    };
    json::object no_jwks = good;
    no_jwks.erase("jwks");
    std::vector<std::pair<std::string, Rejection>> cases = {
        {"{", {"bad json", 400, "body"}},
        {"[]", {"not an object", 400, "body"}},
        {with("entityid", 7), {"entityid type", 400, "entityid"}},
        {with("entityid", "http://127.0.0.1/x"), {"entityid scheme", 400, "entityid"}},
        {json::serialize(no_jwks), {"jwks missing", 400, "jwks"}},
        {with("jwks", json::object{{"keys", json::array{}}}), {"jwks empty", 400, "jwks"}},
        {with("valid_for", "x"), {"valid_for type", 400, "valid_for"}},
        {with("valid_for", 1001), {"valid_for over the limit", 400, "valid_for"}},
        {with("autorenew", "yes"), {"autorenew type", 400, "autorenew"}},
        {with("forced_metadata", 3), {"forced_metadata type", 400, "forced_metadata"}},
        {with("additional_claims", json::object{{"iss", "x"}}),
         {"reserved claim", 400, "additional_claims.iss"}},
    };

    for (const auto& [body, rejection] : cases) {
        SCOPED_TRACE(rejection.name);
        http::Response response = call(routes_, "POST", "/subordinates", body);
        EXPECT_EQ(response.status, rejection.status) << response.body;
        EXPECT_NE(body_of(response).at("message").as_string().find(rejection.expected),
                  json::string::npos)
            << response.body;
    }
    EXPECT_EQ(subordinate_rows(), 0u);
    EXPECT_TRUE(store().subordinate_ids().value().empty());
}

TEST_P(SubordinateServiceTest, DuplicateIs403WithTheExistingId) {
    std::int64_t id = create_ok();

    http::Response response = create(subordinate_body(*entity_));

    EXPECT_EQ(response.status, 403u);
    EXPECT_EQ(body_of(response).at("id"), id);
}

TEST_P(SubordinateServiceTest, AnchorMissingFromAuthorityHintsIs422) {
    entity_->authority_hints = {"https://other-anchor.test"};
    serve_configuration(*entity_);

    http::Response response = create(subordinate_body(*entity_));

    EXPECT_EQ(response.status, 422u);
    EXPECT_NE(response.body.find("authority_hints"), std::string::npos) << response.body;
    EXPECT_NE(response.body.find("https://ta.test"), std::string::npos) << response.body;
    EXPECT_EQ(subordinate_rows(), 0u);
}

TEST_P(SubordinateServiceTest, SignatureNotMatchingTheGivenJwksIs422) {
    json::object body = subordinate_body(*entity_);
    Result<jose::Jwk> other = jose::Jwk::generate("ES256");
    ASSERT_TRUE(other.has_value());
    body["jwks"] = json::object{{"keys", json::array{other->public_json()}}};

    http::Response response = create(body);

    EXPECT_EQ(response.status, 422u);
    EXPECT_NE(response.body.find("jwks"), std::string::npos) << response.body;
    EXPECT_NE(response.body.find("does not verify"), std::string::npos) << response.body;
    EXPECT_EQ(subordinate_rows(), 0u);
    EXPECT_TRUE(store().subordinate_ids().value().empty());
}

TEST_P(SubordinateServiceTest, PolicyConflictIs422NamingThePolicy) {
    json::object body = subordinate_body(*entity_);
    // The entity's client_name is not among the values the policy allows.
    body["additional_claims"] = json::object{
        {"metadata_policy",
         json::object{{"openid_relying_party",
                       json::object{{"client_name",
                                     json::object{{"one_of", json::array{"other"}}}}}}}}};

    http::Response response = create(body);

    EXPECT_EQ(response.status, 422u);
    EXPECT_NE(response.body.find("metadata_policy"), std::string::npos) << response.body;
    EXPECT_NE(response.body.find("client_name"), std::string::npos) << response.body;
    EXPECT_EQ(subordinate_rows(), 0u);
}

TEST_P(SubordinateServiceTest, AdditionalPolicyIsMergedWithTheAnchorPolicy) {
    json::object body = subordinate_body(*entity_);
    body["additional_claims"] = json::object{
        {"metadata_policy",
         json::object{{"openid_relying_party",
                       json::object{{"client_name",
                                     json::object{{"one_of", json::array{"rp1", "x"}}}}}}}},
        {"constraints", json::object{{"max_path_length", 0}}}};

    ASSERT_EQ(create(body).status, 201u);

    json::object claims = payload_of(*store().subordinate_statement(entity_->entity_id).value());
    const json::object& policy =
        claims.at("metadata_policy").at("openid_relying_party").as_object();
    EXPECT_TRUE(policy.contains("grant_types"));
    EXPECT_TRUE(policy.contains("client_name"));
    EXPECT_EQ(claims.at("constraints").at("max_path_length"), 0);
}

TEST_P(SubordinateServiceTest, UnreachableEntityIs502) {
    // A port nothing listens on: take one from a server and stop it.
    std::string entity_id;
    std::filesystem::create_directories(folder_ / "stopped");
    {
        EntityServer stopped((folder_ / "stopped").string());
        entity_id = stopped.url("/gone");
    }
    json::object body = subordinate_body(*entity_);
    body["entityid"] = entity_id;

    http::Response response = create(body);

    EXPECT_EQ(response.status, 502u);
    EXPECT_NE(response.body.find("entityid"), std::string::npos) << response.body;
    EXPECT_NE(response.body.find("connect_failed"), std::string::npos) << response.body;
}

TEST_P(SubordinateServiceTest, OversizedResponseIs502) {
    http::Response huge;
    huge.content_type = "application/entity-statement+jwt";
    huge.body = std::string(100 * 1024, 'a');
    server_->serve(entity_->path, huge);

    http::Response response = create(subordinate_body(*entity_));

    EXPECT_EQ(response.status, 502u);
    EXPECT_NE(response.body.find("max_body_bytes"), std::string::npos) << response.body;
}

TEST_P(SubordinateServiceTest, RedirectToAPrivateAddressIsRefusedByTheGuard) {
    // 127.0.0.2 is loopback outside fetch.allowed_networks: the guard
    // refuses it before any connection is opened.
    http::Response redirect;
    redirect.status = 302;
    redirect.add_header("Location", "https://127.0.0.2:" + std::to_string(server_->port()) +
                                        "/rp1/.well-known/openid-federation");
    server_->serve(entity_->path, redirect);

    http::Response response = create(subordinate_body(*entity_));

    EXPECT_EQ(response.status, 422u);
    EXPECT_NE(response.body.find("127.0.0.2"), std::string::npos) << response.body;
    EXPECT_NE(response.body.find("not in fetch.allowed_networks"), std::string::npos)
        << response.body;
    EXPECT_EQ(server_->hits(entity_->path), 1);
    EXPECT_NE(response.body.find("after 1 redirect"), std::string::npos) << response.body;
}

TEST_P(SubordinateServiceTest, RedirectToHttpIs422) {
    // The entity id is valid, so an http redirect target is a 422 about the
    // entity, not a 400 about the request.
    http::Response redirect;
    redirect.status = 302;
    redirect.add_header("Location", "http://127.0.0.1:" + std::to_string(server_->port()) +
                                        "/rp1/.well-known/openid-federation");
    server_->serve(entity_->path, redirect);

    http::Response response = create(subordinate_body(*entity_));

    EXPECT_EQ(response.status, 422u);
    EXPECT_NE(response.body.find("after 1 redirect"), std::string::npos) << response.body;
    EXPECT_NE(response.body.find("scheme must be https"), std::string::npos) << response.body;
    EXPECT_EQ(server_->hits(entity_->path), 1);
}

TEST_P(SubordinateServiceTest, UnknownIdsAre404) {
    json::object body = subordinate_body(*entity_);

    EXPECT_EQ(call(routes_, "GET", "/subordinates/{id}", "", {{"id", "42"}}).status, 404u);
    EXPECT_EQ(call(routes_, "GET", "/subordinates/{id}", "", {{"id", "x"}}).status, 404u);
    EXPECT_EQ(
        call(routes_, "POST", "/subordinates/{id}", json::serialize(body), {{"id", "42"}}).status,
        404u);
    EXPECT_EQ(call(routes_, "POST", "/subordinates/{id}/renew", "", {{"id", "42"}}).status, 404u);
}

TEST_P(SubordinateServiceTest, DeactivationRemovesItFromWhatIsPublished) {
    std::int64_t id = create_ok();
    // A collection walk found it, next to an entity the admin has no record of.
    storage::CollectionSnapshot walk;
    walk.trust_anchor = config_.domain;
    walk.last_updated = clock_.now();
    for (const std::string& found : {entity_->entity_id, std::string("https://other.test")}) {
        walk.entities.push_back(
            {found, json::serialize(json::object{
                        {"entity_id", found},
                        {"entity_types", json::array{"openid_relying_party"}}})});
    }
    walk.by_type = {{"openid_relying_party", {entity_->entity_id, "https://other.test"}}};
    walk.by_trust_mark = {{"https://ta.test/tm", {entity_->entity_id}}};
    ASSERT_TRUE(store().replace_collection(walk).has_value());
    json::object body = subordinate_body(*entity_);
    body["active"] = false;

    http::Response response = call(routes_, "POST", "/subordinates/{id}", json::serialize(body),
                                   {{"id", std::to_string(id)}});

    ASSERT_EQ(response.status, 200u) << response.body;
    EXPECT_EQ(body_of(response).at("active"), false);
    EXPECT_EQ(store().subordinate_statement(entity_->entity_id).value(), std::nullopt);
    EXPECT_EQ(store().subordinate_configuration(entity_->entity_id).value(), std::nullopt);
    EXPECT_FALSE(key_values_->set_contains("inmor:rp", entity_->entity_id).value());
    EXPECT_EQ(store().collection_entity(entity_->entity_id).value(), std::nullopt);
    EXPECT_EQ(store().collection_ids_of_type("openid_relying_party").value(),
              std::vector<std::string>{"https://other.test"});
    EXPECT_TRUE(store().collection_ids_with_trust_mark("https://ta.test/tm").value().empty());
    EXPECT_TRUE(store().collection_entity("https://other.test").value().has_value());
    EXPECT_EQ(audit_entries()[0].action, "deactivate");
    EXPECT_EQ(call(routes_, "POST", "/subordinates/{id}/renew", "", {{"id", std::to_string(id)}})
                  .status,
              422u);
}

TEST_P(SubordinateServiceTest, RenewalSignsAFreshStatement) {
    std::int64_t id = create_ok();
    std::string before = *store().subordinate_statement(entity_->entity_id).value();
    clock_.advance(60);
    serve_configuration(*entity_);

    http::Response response =
        call(routes_, "POST", "/subordinates/{id}/renew", "", {{"id", std::to_string(id)}});

    ASSERT_EQ(response.status, 200u) << response.body;
    std::string after = *store().subordinate_statement(entity_->entity_id).value();
    EXPECT_NE(after, before);
    EXPECT_EQ(payload_of(after).at("iat").as_int64(), clock_.now());
    EXPECT_EQ(audit_entries()[0].action, "renew");
}

TEST_P(SubordinateServiceTest, RenewalAcceptsNewKeysSignedByARegisteredKey) {
    std::int64_t id = create_ok();
    Result<jose::Jwk> next = jose::Jwk::generate("ES256");
    ASSERT_TRUE(next.has_value());
    json::object both{{"keys", json::array{entity_->signing_key.public_json(),
                                           next->public_json()}}};
    entity_->listed_jwks = both;
    serve_configuration(*entity_);  // still signed with the registered key

    http::Response response =
        call(routes_, "POST", "/subordinates/{id}/renew", "", {{"id", std::to_string(id)}});

    ASSERT_EQ(response.status, 200u) << response.body;
    EXPECT_EQ(body_of(response).at("jwks").at("keys").as_array().size(), 2u);
    json::object claims = payload_of(*store().subordinate_statement(entity_->entity_id).value());
    EXPECT_EQ(claims.at("jwks").at("keys").as_array().size(), 2u);
    EXPECT_EQ(audit_entries()[0].action, "rotate_keys");
}

TEST_P(SubordinateServiceTest, RenewalHoldsNewKeysNotSignedByARegisteredKey) {
    std::int64_t id = create_ok();
    std::string before = *store().subordinate_statement(entity_->entity_id).value();
    std::uint64_t held = admin_metrics().held_count();
    Result<jose::Jwk> next = jose::Jwk::generate("ES256");
    ASSERT_TRUE(next.has_value());
    TestEntity rotated = *entity_;
    rotated.signing_key = *next;
    serve_configuration(rotated);  // new keys only, signed with the new key

    http::Response response =
        call(routes_, "POST", "/subordinates/{id}/renew", "", {{"id", std::to_string(id)}});

    EXPECT_EQ(response.status, 422u);
    EXPECT_NE(response.body.find("held_for_approval"), std::string::npos) << response.body;
    Result<std::optional<Subordinate>> row = find_subordinate(database(), id);
    ASSERT_TRUE(row.has_value());
    ASSERT_TRUE(row->has_value());
    EXPECT_TRUE((*row)->held_for_approval);
    EXPECT_EQ((*row)->jwks, entity_->jwks());
    // The old statement serves until it expires.
    EXPECT_EQ(*store().subordinate_statement(entity_->entity_id).value(), before);
    EXPECT_EQ(admin_metrics().held_count(), held + 1);
    std::vector<AuditEntry> entries = audit_entries();
    EXPECT_EQ(entries[0].action, "hold");
    EXPECT_EQ(entries[0].result, "held");
    json::object shown = body_of(
        call(routes_, "GET", "/subordinates/{id}", "", {{"id", std::to_string(id)}}));
    EXPECT_EQ(shown.at("held_for_approval"), true);
    EXPECT_TRUE(shown.at("held_reason").is_string());

    // An operator approves by registering the new keys.
    json::object body = subordinate_body(rotated);
    http::Response approved = call(routes_, "POST", "/subordinates/{id}", json::serialize(body),
                                   {{"id", std::to_string(id)}});
    ASSERT_EQ(approved.status, 200u) << approved.body;
    row = find_subordinate(database(), id);
    EXPECT_FALSE((*row)->held_for_approval);
    EXPECT_NE(*store().subordinate_statement(entity_->entity_id).value(), before);
}

TEST_P(SubordinateServiceTest, RenewalFailsWithoutHoldForABrokenConfiguration) {
    std::int64_t id = create_ok();
    Result<jose::Jwk> next = jose::Jwk::generate("ES256");
    Result<jose::Jwk> stranger = jose::Jwk::generate("ES256");
    ASSERT_TRUE(next.has_value());
    ASSERT_TRUE(stranger.has_value());
    TestEntity rotated = *entity_;
    rotated.signing_key = *next;
    // Lists the new key but is signed by a key it does not list.
    http::Response response;
    response.content_type = "application/entity-statement+jwt";
    response.body = configuration_jwt(rotated, *stranger);
    server_->serve(entity_->path, response);

    http::Response renewed =
        call(routes_, "POST", "/subordinates/{id}/renew", "", {{"id", std::to_string(id)}});

    EXPECT_EQ(renewed.status, 422u);
    EXPECT_EQ(renewed.body.find("held_for_approval"), std::string::npos) << renewed.body;
    Result<std::optional<Subordinate>> row = find_subordinate(database(), id);
    ASSERT_TRUE(row.has_value());
    ASSERT_TRUE(row->has_value());
    EXPECT_FALSE((*row)->held_for_approval);
}

TEST_P(SubordinateServiceTest, FetchConfigPreviewsAndResolvesJwksUri) {
    Result<jose::Jwk> protocol_key = jose::Jwk::generate("ES256");
    ASSERT_TRUE(protocol_key.has_value());
    http::Response keys;
    keys.content_type = "application/json";
    keys.body = json::serialize(json::object{{"keys", json::array{protocol_key->public_json()}}});
    server_->serve("/rp1/jwks.json", keys);
    entity_->metadata["openid_relying_party"].as_object()["jwks_uri"] =
        server_->url("/rp1/jwks.json");
    serve_configuration(*entity_);

    http::Response response =
        call(routes_, "POST", "/subordinates/fetch-config",
             json::serialize(json::object{{"entityid", entity_->entity_id}}));
    http::Response by_url = call(routes_, "POST", "/subordinates/fetch-config",
                                 json::serialize(json::object{{"url", entity_->entity_id}}));

    ASSERT_EQ(response.status, 200u) << response.body;
    json::object preview = body_of(response);
    EXPECT_EQ(preview.at("jwks"), json::value(entity_->jwks()));
    EXPECT_EQ(preview.at("entity_configuration").at("payload").at("sub"),
              json::value(entity_->entity_id));
    EXPECT_EQ(preview.at("metadata").at("openid_relying_party").at("jwks").at("keys").as_array()[0]
                  .at("kid"),
              json::value(protocol_key->kid()));
    EXPECT_EQ(preview.at("authority_hints"), (json::array{"https://ta.test"}));
    EXPECT_EQ(by_url.status, 200u);
    EXPECT_EQ(call(routes_, "POST", "/subordinates/fetch-config", "{}").status, 400u);
}

TEST_P(SubordinateServiceTest, ListsWithSearchSortAndPaging) {
    create_ok();
    for (std::string name : {"op2", "rp3"}) {
        TestEntity other = make_entity(name);
        serve_configuration(other);
        ASSERT_EQ(create(subordinate_body(other)).status, 201u);
    }

    http::Response searched = call(routes_, "GET", "/subordinates", "", {}, "search=RP");
    http::Response sorted =
        call(routes_, "GET", "/subordinates", "", {}, "sort=-entityid&limit=1&offset=0");
    http::Response bad_sort = call(routes_, "GET", "/subordinates", "", {}, "sort=secret");
    http::Response bad_limit = call(routes_, "GET", "/subordinates", "", {}, "limit=0");

    ASSERT_EQ(searched.status, 200u) << searched.body;
    EXPECT_EQ(body_of(searched).at("count"), 2);
    ASSERT_EQ(sorted.status, 200u) << sorted.body;
    EXPECT_EQ(body_of(sorted).at("count"), 3);
    ASSERT_EQ(body_of(sorted).at("items").as_array().size(), 1u);
    EXPECT_EQ(body_of(sorted).at("items").as_array()[0].at("entityid"),
              json::value(server_->url("/rp3")));
    EXPECT_EQ(bad_sort.status, 400u);
    EXPECT_NE(bad_sort.body.find("sort"), std::string::npos);
    EXPECT_EQ(bad_limit.status, 400u);
}

INMOR_FOR_BOTH_ENGINES(SubordinateServiceTest);

}  // namespace
}  // namespace inmor::admin::testing
