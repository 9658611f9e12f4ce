// The signing fixture: certificates, the loopback HTTPS server, the stores.
#include "signing_test_fixture.h"

#include "admin/federation_signing.h"
#include "admin/migrations.h"
#include "common/json.h"
#include "federation/entity_statement.h"
#include "fetch/configured_fetch.h"
#include "jose/jws.h"

#include <boost/json/serialize.hpp>
#include <hiredis/hiredis.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace inmor::admin::testing {
namespace {

namespace json = boost::json;

/// The Redis database these tests own inside the shared test Redis.
constexpr int kSigningRedisDatabase = 13;

std::string run_checked(const std::string& command) {
    int status = std::system(command.c_str());
    return status == 0 ? "" : "command failed: " + command;
}

// INMOR_TEST_REDIS_URL with the database number replaced by ours.
std::optional<std::string> signing_redis_url() {
    const char* configured = std::getenv("INMOR_TEST_REDIS_URL");
    if (configured == nullptr || *configured == '\0') {
        return std::nullopt;
    }
    std::string url(configured);
    auto authority = url.find("://");
    auto path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
    if (path != std::string::npos) {
        url.erase(path);
    }
    return url + "/" + std::to_string(kSigningRedisDatabase);
}

// FLUSHDB on our database only, never on the whole server.
void flush_redis(const std::string& url) {
    std::string rest = url.substr(url.find("://") + 3);
    rest = rest.substr(rest.find('@') == std::string::npos ? 0 : rest.find('@') + 1);
    std::string host = rest.substr(0, rest.find(':'));
    int port = std::stoi(rest.substr(rest.find(':') + 1));
    redisContext* context = redisConnect(host.c_str(), port);
    ASSERT_NE(context, nullptr) << "test Redis unreachable at " << url;
    ASSERT_EQ(context->err, 0) << "test Redis unreachable at " << url;
    auto* selected = static_cast<redisReply*>(
        redisCommand(context, "SELECT %d", kSigningRedisDatabase));
    ASSERT_NE(selected, nullptr);
    freeReplyObject(selected);
    auto* flushed = static_cast<redisReply*>(redisCommand(context, "FLUSHDB"));
    ASSERT_NE(flushed, nullptr);
    freeReplyObject(flushed);
    redisFree(context);
}

}  // namespace

// ---- EntityServer --------------------------------------------------------------

EntityServer::EntityServer(const std::string& folder) {
    ca_file_ = folder + "/entity-cert.pem";
    std::string key_file = folder + "/entity-key.pem";
    std::string failure = run_checked(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " +
        key_file + " -out " + ca_file_ +
        " -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
        "-addext basicConstraints=critical,CA:TRUE 2>/dev/null");
    EXPECT_EQ(failure, "");

    auto tls = http::make_tls_context(ca_file_, key_file);
    EXPECT_TRUE(tls.has_value()) << (tls ? "" : tls.error().message());
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    auto started = http::HttpServer::start(
        io_, options, [this](const http::Request& request) { return answer(request); },
        tls ? *tls : nullptr);
    EXPECT_TRUE(started.has_value()) << (started ? "" : started.error().message());
    if (started) {
        server_ = std::move(*started);
        port_ = server_->port();
    }
    thread_ = std::thread([this] { io_.run(); });
}

EntityServer::~EntityServer() {
    if (server_) {
        server_->stop_accepting();
    }
    io_.stop();
    thread_.join();
}

std::string EntityServer::url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(port_) + path;
}

void EntityServer::serve(const std::string& path, http::Response response) {
    std::lock_guard lock(mutex_);
    responses_[path] = std::move(response);
}

void EntityServer::forget(const std::string& path) {
    std::lock_guard lock(mutex_);
    responses_.erase(path);
}

int EntityServer::hits(const std::string& path) {
    std::lock_guard lock(mutex_);
    return hits_[path];
}

http::Response EntityServer::answer(const http::Request& request) {
    std::lock_guard lock(mutex_);
    ++hits_[request.path];
    auto found = responses_.find(request.path);
    if (found == responses_.end()) {
        http::Response missing;
        missing.status = 404;
        missing.content_type = "text/plain";
        missing.body = "not found";
        return missing;
    }
    return found->second;
}

// ---- TestEntity ----------------------------------------------------------------

json::object TestEntity::jwks() const {
    return json::object{{"keys", json::array{signing_key.public_json()}}};
}

// ---- SigningTest ---------------------------------------------------------------

void SigningTest::SetUp() {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
        return;
    }
    server_ = std::make_unique<EntityServer>(folder_.string());
    ASSERT_NE(server_->port(), 0);

    // The anchor's policy: every relying party's grant types are narrowed.
    std::ofstream(folder_ / "policy.json")
        << R"({"openid_relying_party": {"grant_types": )"
           R"({"subset_of": ["authorization_code", "refresh_token"]}}})";
    std::string toml = "domain = \"https://ta.test\"\n"
                       "[fetch]\n"
                       "connect_timeout = 2\n"
                       "total_timeout = 5\n"
                       "retries = 0\n"
                       "max_body_bytes = 65536\n"
                       "allowed_networks = [\"127.0.0.1/32\"]\n"
                       "ca_file = \"" + server_->ca_file() + "\"\n"
                       "[federation]\n"
                       "organization_name = \"Test Anchor\"\n"
                       "subordinate_statement_lifetime = 1000\n"
                       "metadata_policy_file = \"policy.json\"\n"
                       "[federation.trust_mark_type_defaults]\n"
                       "valid_for = 500\n"
                       "renewal_time = 10\n"
                       "[admin]\n"
                       "audit_retention_days = 30\n"
                       "[scheduler]\n"
                       "regenerate_entity_every = 1\n";
    Result<Config> config = parse_config(toml, folder_.string());
    ASSERT_TRUE(config.has_value()) << config.error().message();
    config_ = std::move(*config);
    config_.historical_keys_dir = (folder_ / "historical_keys").string();

    clock_.set(std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count());
    Result<jose::Jwk> key = jose::Jwk::generate("ES256");
    ASSERT_TRUE(key.has_value());
    jose::JwkSet verification_keys;
    ASSERT_TRUE(verification_keys.add(key->public_key()).has_value());
    keys_.emplace(federation::SigningKeys{*key, verification_keys, 1, {}});
    fetcher_ = std::make_unique<fetch::HttpFetcher>(fetch::fetch_config_from(config_));

    // With PostgreSQL the federation data goes to Redis, when there is one.
    if (GetParam() == DatabaseEngine::kPostgres) {
        if (auto url = signing_redis_url()) {
            redis_url_ = *url;
            lock_descriptor_ = ::open("/tmp/inmor_admin_signing_redis.lock", O_CREAT | O_RDWR,
                                      0600);
            ASSERT_GE(lock_descriptor_, 0);
            ASSERT_EQ(flock(lock_descriptor_, LOCK_EX), 0);
        }
    }
    flush_store();
}

void SigningTest::TearDown() {
    federation_.reset();
    key_values_.reset();
    if (lock_descriptor_ >= 0) {
        ::close(lock_descriptor_);
    }
    server_.reset();
    fetcher_.reset();
    DatabaseTest::TearDown();
}

AdminServices SigningTest::services() {
    return AdminServices{config_, database(), *federation_, *keys_, *fetcher_, clock_};
}

void SigningTest::flush_store() {
    federation_.reset();
    key_values_.reset();
    if (!redis_url_.empty()) {
        flush_redis(redis_url_);
    }
    sqlite_store_path_ =
        (folder_ / ("federation-" + std::to_string(++store_generation_) + ".db")).string();
    auto opened = storage::open_key_value_store(redis_url_, sqlite_store_path_);
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    key_values_ = std::move(*opened);
    federation_.emplace(*key_values_);
}

TestEntity SigningTest::make_entity(const std::string& name) {
    Result<jose::Jwk> key = jose::Jwk::generate("ES256");
    EXPECT_TRUE(key.has_value());
    TestEntity entity{server_->url("/" + name),
                      "/" + name + "/.well-known/openid-federation",
                      *key,
                      json::object{{"openid_relying_party",
                                    json::object{{"client_name", name},
                                                 {"grant_types",
                                                  json::array{"authorization_code"}}}}},
                      {config_.domain},
                      std::nullopt};
    return entity;
}

std::string SigningTest::configuration_jwt(const TestEntity& entity, const jose::Jwk& key) {
    json::array hints;
    for (const std::string& hint : entity.authority_hints) {
        hints.emplace_back(hint);
    }
    json::object claims{{"iss", entity.entity_id},
                        {"sub", entity.entity_id},
                        {"iat", clock_.now()},
                        {"exp", clock_.now() + 3600},
                        {"jwks", entity.listed_jwks.value_or(entity.jwks())},
                        {"metadata", entity.metadata},
                        {"authority_hints", hints}};
    Result<std::string> jwt = jose::sign_jws(
        key, claims, {{"typ", std::string(federation::kEntityStatementType)}});
    EXPECT_TRUE(jwt.has_value());
    return jwt ? *jwt : "";
}

void SigningTest::serve_configuration(const TestEntity& entity) {
    http::Response response;
    response.content_type = "application/entity-statement+jwt";
    response.body = configuration_jwt(entity, entity.signing_key);
    server_->serve(entity.path, response);
}

json::object SigningTest::subordinate_body(const TestEntity& entity) {
    return json::object{{"entityid", entity.entity_id},
                        {"metadata", entity.metadata},
                        {"forced_metadata",
                         json::object{{"openid_relying_party",
                                       json::object{{"application_type", "web"}}}}},
                        {"jwks", entity.jwks()},
                        {"valid_for", 100}};
}

http::Response SigningTest::call(const std::vector<api::ApiRoute>& routes,
                                 const std::string& method, const std::string& pattern,
                                 const std::string& body,
                                 const std::map<std::string, std::string>& path_params,
                                 const std::string& query) {
    for (const api::ApiRoute& route : routes) {
        if (route.method != method || route.pattern != pattern) {
            continue;
        }
        http::Request request;
        request.method = method;
        request.path = "/api/v1" + pattern;
        request.query = query;
        request.content_type = "application/json";
        request.body = body;
        request.client_address = "127.0.0.1";
        api::ApiCall api_call{request, path_params, actor_};
        return route.handler(api_call);
    }
    ADD_FAILURE() << "no route " << method << " " << pattern;
    return {};
}

std::vector<AuditEntry> SigningTest::audit_entries() {
    Result<Page<AuditEntry>> page = list_audit_entries(database(), {}, {kMaxPageLimit, 0});
    EXPECT_TRUE(page.has_value());
    return page ? page->items : std::vector<AuditEntry>{};
}

json::object body_of(const http::Response& response) {
    Result<json::object> body = parse_json_object(response.body, "response");
    EXPECT_TRUE(body.has_value()) << response.body;
    return body ? *body : json::object();
}

json::object payload_of(const std::string& jwt) {
    Result<jose::UnverifiedJws> decoded = jose::decode_unverified(jwt);
    EXPECT_TRUE(decoded.has_value()) << jwt;
    return decoded ? decoded->payload() : json::object();
}

}  // namespace inmor::admin::testing
