// inmor_seed: writes keys and a known federation data set through the store
// layer, for the black-box tests of the federation server.
//
//   inmor_seed keys DIR [ALG]          private.json and publickeys/KID.json
//   inmor_seed populate CONFIG         the data set; prints what it wrote as JSON
//   inmor_seed republish CONFIG        a new entity configuration (announced)
//   inmor_seed sign CONFIG JSON [TYP]  signs claims with the anchor's key
//   inmor_seed crypto CONFIG MARK SECS the crypto limit of an uncached
//                                      /trust_mark_status response on one
//                                      thread, as JSON (see crypto_rate)
#include "common/base64url.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/json.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "jose/signature.h"
#include "storage/federation_store.h"
#include "storage/key_value_store.h"

#include <boost/json.hpp>

#include <sys/stat.h>

#include <ctime>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace inmor;

[[noreturn]] void die(const std::string& message) {
    std::cerr << "inmor_seed: " << message << "\n";
    std::exit(1);
}

template <class T>
T must(Result<T> result, const std::string& what) {
    if (!result) die(what + ": " + result.error().message() + " " + result.error().detail());
    return std::move(*result);
}

void must(Result<void> result, const std::string& what) {
    if (!result) die(what + ": " + result.error().message() + " " + result.error().detail());
}

std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) die("cannot read " + path);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

void write_file(const fs::path& path, const std::string& text, mode_t mode) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    ::chmod(path.c_str(), mode);
}

int make_keys(const std::string& dir, const std::string& alg) {
    const jose::Jwk key = must(jose::Jwk::generate(alg), "generate key");
    fs::create_directories(fs::path(dir) / "publickeys");
    write_file(fs::path(dir) / "private.json", to_json(key.to_json()), 0600);
    write_file(fs::path(dir) / "publickeys" / (key.kid() + ".json"), to_json(key.public_json()),
               0644);
    std::cout << key.kid() << "\n";
    return 0;
}

struct Seeder {
    Config config;
    jose::Jwk key;
    std::unique_ptr<storage::KeyValueStore> store;

    std::string sign(const json::object& claims, std::string_view typ) const {
        return must(jose::sign_jws(key, claims, {{"typ", typ}}), "sign");
    }

    json::object jwks() const {
        json::array keys;
        keys.push_back(key.public_json());
        return {{"keys", keys}};
    }

    std::string entity_configuration(std::int64_t issued_at) const {
        const std::string& d = config.domain;
        json::object federation_entity{
            {"federation_fetch_endpoint", d + "/fetch"},
            {"federation_list_endpoint", d + "/list"},
            {"federation_trust_mark_status_endpoint", d + "/trust_mark_status"},
            {"federation_trust_mark_list_endpoint", d + "/trust_mark_list"},
            {"federation_trust_mark_endpoint", d + "/trust_mark"},
            {"federation_historical_keys_endpoint", d + "/historical_keys"},
            {"federation_collection_endpoint", d + "/collection"},
            {"organization_name", config.federation.organization_name}};
        return sign({{"iss", d},
                     {"sub", d},
                     {"iat", issued_at},
                     {"exp", issued_at + 86400},
                     {"jwks", jwks()},
                     {"metadata", {{"federation_entity", federation_entity}}}},
                    "entity-statement+jwt");
    }

    std::string trust_mark(const std::string& sub, const std::string& type, json::value exp,
                           std::int64_t issued_at) const {
        json::object claims{{"iss", config.federation.trust_mark_issuer},
                            {"sub", sub},
                            {"trust_mark_type", type},
                            {"iat", issued_at}};
        if (!exp.is_null()) claims["exp"] = exp;
        return sign(claims, "trust-mark+jwt");
    }
};

Seeder open_seeder(const std::string& config_path) {
    Config config = must(load_config(config_path), "load config");
    jose::Jwk key = must(jose::Jwk::parse(read_file(config.private_key), jose::KeyPart::kPrivate),
                         "private key");
    std::string sqlite;
    if (config.redis_uri.empty()) {
        fs::create_directories(config.data_dir);
        sqlite = (fs::path(config.data_dir) / "federation.db").string();
    }
    auto store = must(storage::open_key_value_store(config.redis_uri, sqlite), "open store");
    return Seeder{std::move(config), std::move(key), std::move(store)};
}

json::object subordinate_metadata(const std::string& kind) {
    if (kind == "rp") return {{"openid_relying_party", {{"client_name", "RP"}}}};
    if (kind == "op") return {{"openid_provider", {{"issuer", "x"}}}};
    return {{"federation_entity",
             {{"federation_fetch_endpoint", "https://ia1.test/fetch"},
              {"federation_list_endpoint", "https://ia1.test/list"}}}};
}

void publish_subordinates(Seeder& seeder, storage::FederationStore& store, std::int64_t t,
                          json::object& out) {
    struct Sub {
        std::string id, kind;
        storage::EntityKind entity_kind;
    };
    const std::vector<Sub> subs = {
        {"https://rp1.test", "rp", storage::EntityKind::kRelyingParty},
        {"https://op1.test", "op", storage::EntityKind::kOpenidProvider},
        {"https://ia1.test", "ia", storage::EntityKind::kAuthority},
        {"https://rp2.test/path", "rp", storage::EntityKind::kRelyingParty},
    };
    json::object statements;
    for (const auto& sub : subs) {
        // The statement of rp2 carries a fractional exp, as some issuers write.
        json::value exp = sub.id == "https://rp2.test/path" ? json::value(t + 7200.5)
                                                            : json::value(t + 7200);
        const std::string statement =
            seeder.sign({{"iss", seeder.config.domain}, {"sub", sub.id}, {"iat", t}, {"exp", exp},
                         {"jwks", seeder.jwks()}},
                        "entity-statement+jwt");
        const std::string configuration =
            seeder.sign({{"iss", sub.id}, {"sub", sub.id}, {"iat", t}, {"exp", t + 7200},
                         {"jwks", seeder.jwks()},
                         {"authority_hints", json::array{json::value(seeder.config.domain)}},
                         {"metadata", subordinate_metadata(sub.kind)}},
                        "entity-statement+jwt");
        must(store.publish_subordinate(sub.id, statement, configuration, sub.entity_kind),
             "publish subordinate " + sub.id);
        statements[sub.id] = statement;
    }
    out["statements"] = statements;
}

void publish_trust_marks(Seeder& seeder, storage::FederationStore& store, std::int64_t t,
                         json::object& out) {
    const std::string member = "https://ta.test/tm/member";
    const std::string certified = "https://ta.test/tm/certified";
    json::object marks;

    // rp1: active member mark with a fractional exp.
    marks["active"] = seeder.trust_mark("https://rp1.test", member, t + 3600.5, t);
    must(store.publish_trust_mark("https://rp1.test", member, marks["active"].as_string()),
         "publish active");
    // op1: certified, active; member, revoked.
    marks["active_op"] = seeder.trust_mark("https://op1.test", certified, t + 3600, t);
    must(store.publish_trust_mark("https://op1.test", certified, marks["active_op"].as_string()),
         "publish certified");
    marks["revoked"] = seeder.trust_mark("https://op1.test", member, t + 3600, t);
    must(store.publish_trust_mark("https://op1.test", member, marks["revoked"].as_string()),
         "publish to revoke");
    must(store.revoke_trust_mark("https://op1.test", member), "revoke");
    // ia1: a member mark replaced by a newer one.
    marks["replaced"] = seeder.trust_mark("https://ia1.test", member, t + 3600, t - 10);
    must(store.publish_trust_mark("https://ia1.test", member, marks["replaced"].as_string()),
         "publish replaced");
    marks["replacement"] = seeder.trust_mark("https://ia1.test", member, t + 3600, t);
    must(store.publish_trust_mark("https://ia1.test", member, marks["replacement"].as_string()),
         "publish replacement");
    // rp2: an expired member mark, still stored.
    marks["expired"] = seeder.trust_mark("https://rp2.test/path", member, t - 60, t - 7200);
    must(store.publish_trust_mark("https://rp2.test/path", member, marks["expired"].as_string()),
         "publish expired");
    // Signed here but never stored.
    marks["never_issued"] = seeder.trust_mark("https://rp1.test", certified, t + 3600, t);
    // Stored, but signed with a key that is not ours.
    const jose::Jwk other = must(jose::Jwk::generate("ES256"), "generate other key");
    marks["foreign"] = must(
        jose::sign_jws(other,
                       {{"iss", seeder.config.domain}, {"sub", "https://rp2.test/path"},
                        {"trust_mark_type", certified}, {"iat", t}, {"exp", t + 3600}},
                       {{"typ", "trust-mark+jwt"}}),
        "sign foreign");
    must(store.publish_trust_mark("https://rp2.test/path", certified, marks["foreign"].as_string()),
         "publish foreign");
    out["marks"] = marks;
    out["trust_mark_types"] = json::array{json::value(certified), json::value(member)};
}

void publish_collection(Seeder& seeder, storage::FederationStore& store, std::int64_t t) {
    storage::CollectionSnapshot snapshot;
    snapshot.trust_anchor = seeder.config.domain;
    snapshot.last_updated = t;
    auto entity = [](std::string id, json::array types, std::string name) {
        json::object ui;
        for (const auto& type : types) ui[type.as_string()] = {{"display_name", name}};
        return storage::CollectionEntity{
            id, to_json(json::object{{"entity_id", id}, {"entity_types", types}, {"ui_infos", ui}})};
    };
    snapshot.entities = {
        entity("https://ia1.test", {"federation_entity"}, "Intermediate One"),
        entity("https://leaf.ia1.test", {"federation_entity", "openid_provider"}, "Leaf Provider"),
        entity("https://op1.test", {"federation_entity", "openid_provider"}, "Provider One"),
        entity("https://rp1.test", {"federation_entity", "openid_relying_party"}, "Shop Alpha"),
        entity("https://rp2.test/path", {"openid_relying_party"}, "Shop Beta"),
    };
    snapshot.superiors = {{"https://ia1.test", R"(["https://ta.test"])"},
                          {"https://leaf.ia1.test", R"(["https://ia1.test"])"}};
    snapshot.by_type = {
        {"federation_entity",
         {"https://ia1.test", "https://leaf.ia1.test", "https://op1.test", "https://rp1.test"}},
        {"openid_provider", {"https://leaf.ia1.test", "https://op1.test"}},
        {"openid_relying_party", {"https://rp1.test", "https://rp2.test/path"}}};
    snapshot.by_trust_mark = {
        {"https://ta.test/tm/member", {"https://rp1.test", "https://ia1.test"}},
        {"https://ta.test/tm/certified", {"https://op1.test", "https://rp1.test"}}};
    must(store.replace_collection(snapshot), "replace collection");
}

int populate(const std::string& config_path) {
    Seeder seeder = open_seeder(config_path);
    storage::FederationStore store(*seeder.store);
    const std::int64_t t = now();
    json::object out;

    const std::string configuration = seeder.entity_configuration(t);
    must(store.publish_entity_configuration(configuration), "publish entity configuration");
    out["entity_configuration"] = configuration;
    const std::string historical = seeder.sign(
        {{"iss", seeder.config.domain}, {"iat", t}, {"keys", json::array{}}}, "jwk-set+jwt");
    must(store.publish_historical_keys(historical), "publish historical keys");
    out["historical_keys"] = historical;

    publish_subordinates(seeder, store, t, out);
    publish_trust_marks(seeder, store, t, out);
    publish_collection(seeder, store, t);
    std::cout << to_json(out) << "\n";
    return 0;
}

int republish(const std::string& config_path) {
    Seeder seeder = open_seeder(config_path);
    storage::FederationStore store(*seeder.store);
    // A later iat makes a different JWT than any earlier run.
    const std::string configuration = seeder.entity_configuration(now() + 1);
    must(store.publish_entity_configuration(configuration), "publish entity configuration");
    std::cout << configuration << "\n";
    return 0;
}

int sign_claims(const std::string& config_path, const std::string& claims_json,
                const std::string& typ) {
    Config config = must(load_config(config_path), "load config");
    jose::Jwk key = must(jose::Jwk::parse(read_file(config.private_key), jose::KeyPart::kPrivate),
                         "private key");
    const json::object claims = must(parse_json_object(claims_json, "claims"), "claims");
    std::cout << must(jose::sign_jws(key, claims, {{"typ", typ}}), "sign") << "\n";
    return 0;
}

double process_cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

/// Runs `operation` for `seconds` and returns its rate per wall-clock second
/// and per CPU second of this process.
template <class Operation>
json::object rate_of(double seconds, Operation operation) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = process_cpu_seconds();
    const auto until = start + std::chrono::duration<double>(seconds);
    std::size_t operations = 0;
    while (std::chrono::steady_clock::now() < until) {
        operation();
        ++operations;
    }
    const double cpu = process_cpu_seconds() - cpu_start;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto count = static_cast<double>(operations);
    return {{"per_second", count / elapsed}, {"per_cpu_second", count / cpu}};
}

/// Measures the crypto limit of an uncached /trust_mark_status response and
/// prints it as JSON. One operation is an ES256 verification of `mark` plus an
/// ES256 signature of a response of the real size, with keys parsed once.
/// "signature" times the signature primitives alone (jose::verify_signature
/// and jose::sign_signature, the calls the server makes). "jws" adds the JWS
/// decoding, JSON and base64url around them.
int crypto_rate(const std::string& config_path, const std::string& mark, double seconds) {
    Config config = must(load_config(config_path), "load config");
    jose::Jwk key = must(jose::Jwk::parse(read_file(config.private_key), jose::KeyPart::kPrivate),
                         "private key");
    const jose::Jwk public_key = key.public_key();
    jose::JwkSet keys;
    must(keys.add(public_key), "key set");
    jose::VerifyOptions options;
    options.require_exp = false;
    const jose::JwsAlgorithm algorithm = key.signing_algorithm();
    auto response_claims = [&] {
        return json::object{{"iss", config.domain}, {"iat", now()}, {"trust_mark", mark},
                            {"status", "active"}};
    };

    const std::size_t last_dot = mark.rfind('.');
    const std::string mark_input = mark.substr(0, last_dot);
    const std::string mark_signature = must(base64url_decode(mark.substr(last_dot + 1)),
                                            "mark signature");
    const std::string response = must(jose::sign_jws(key, response_claims(),
                                                     {{"typ", "trust-mark-status-response+jwt"}}),
                                      "sign");
    const std::string response_input = response.substr(0, response.rfind('.'));

    json::object out;
    out["signature"] = rate_of(seconds, [&] {
        must(jose::verify_signature(public_key, algorithm, mark_input, mark_signature), "verify");
        must(jose::sign_signature(key, algorithm, response_input), "sign");
    });
    out["jws"] = rate_of(seconds, [&] {
        must(jose::verify_jws(mark, keys, "trust-mark+jwt", system_clock(), options), "verify");
        must(jose::sign_jws(key, response_claims(), {{"typ", "trust-mark-status-response+jwt"}}),
             "sign");
    });
    std::cout << to_json(out) << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() >= 2 && args[0] == "keys") return make_keys(args[1], args.size() > 2 ? args[2] : "ES256");
    if (args.size() == 2 && args[0] == "populate") return populate(args[1]);
    if (args.size() == 2 && args[0] == "republish") return republish(args[1]);
    if (args.size() >= 3 && args[0] == "sign") {
        return sign_claims(args[1], args[2], args.size() > 3 ? args[3] : "trust-mark+jwt");
    }
    if (args.size() == 4 && args[0] == "crypto") {
        return crypto_rate(args[1], args[2], std::stod(args[3]));
    }
    std::cerr << "usage: inmor_seed keys DIR [ALG] | populate CONFIG | republish CONFIG | "
                 "sign CONFIG CLAIMS_JSON [TYP] | crypto CONFIG MARK SECONDS\n";
    return 2;
}
