// Signing and verification speed of the JOSE layer for each algorithm, at two
// levels: the raw signature layer on a 36-byte message (what `openssl speed`
// measures, plus hashing and context setup) and whole compact JWS tokens.
#include "common/clock.h"
#include "jose/jws.h"
#include "jose/signature.h"

#include <benchmark/benchmark.h>

#include <map>
#include <stdexcept>
#include <string>

namespace {

namespace jose = inmor::jose;

// `openssl speed` signs a 36-byte buffer for RSA; the same size is used here
// for every algorithm so the hashing we add stays a small, fixed cost.
const std::string kMessage(36, 'm');
constexpr inmor::UnixSeconds kNow = 1'700'000'000;

const jose::Jwk& key_for(const std::string& type) {
    static std::map<std::string, jose::Jwk> keys;
    auto found = keys.find(type);
    if (found == keys.end()) {
        auto key = jose::Jwk::generate(type);
        if (!key) {
            throw std::runtime_error(key.error().message());
        }
        found = keys.emplace(type, std::move(*key)).first;
    }
    return found->second;
}

boost::json::object entity_statement_claims() {
    return {{"iss", "https://ta.test"},
            {"sub", "https://leaf.test"},
            {"iat", kNow},
            {"exp", kNow + 86400},
            {"authority_hints", boost::json::array{"https://ta.test"}},
            {"metadata",
             {{"federation_entity", {{"organization_name", "Benchmark Organization"}}}}}};
}

void sign_signature(benchmark::State& state, const std::string& type) {
    const jose::Jwk& key = key_for(type);
    for (auto _ : state) {
        auto signature = jose::sign_signature(key, key.signing_algorithm(), kMessage);
        benchmark::DoNotOptimize(signature);
    }
    state.SetItemsProcessed(state.iterations());
}

void verify_signature(benchmark::State& state, const std::string& type) {
    const jose::Jwk& key = key_for(type);
    const jose::Jwk public_key = key.public_key();
    const std::string signature =
        jose::sign_signature(key, key.signing_algorithm(), kMessage).value();
    for (auto _ : state) {
        auto verified =
            jose::verify_signature(public_key, key.signing_algorithm(), kMessage, signature);
        if (!verified) {
            state.SkipWithError("verification failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

void sign_token(benchmark::State& state, const std::string& type) {
    const jose::Jwk& key = key_for(type);
    const boost::json::object claims = entity_statement_claims();
    const boost::json::object header{{"typ", "entity-statement+jwt"}};
    for (auto _ : state) {
        auto token = jose::sign_jws(key, claims, header);
        benchmark::DoNotOptimize(token);
    }
    state.SetItemsProcessed(state.iterations());
}

void verify_token(benchmark::State& state, const std::string& type) {
    const jose::Jwk& key = key_for(type);
    jose::JwkSet keys;
    static_cast<void>(keys.add(key.public_key()));
    const std::string token =
        jose::sign_jws(key, entity_statement_claims(), {{"typ", "entity-statement+jwt"}}).value();
    const inmor::FixedClock clock(kNow);
    for (auto _ : state) {
        auto verified = jose::verify_jws(token, keys, "entity-statement+jwt", clock);
        if (!verified) {
            state.SkipWithError("verification failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

int register_benchmarks() {
    for (const char* type : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
                             "ES384", "ES512", "Ed25519", "Ed448"}) {
        const std::string name(type);
        benchmark::RegisterBenchmark(("sign_signature/" + name).c_str(), sign_signature, name);
        benchmark::RegisterBenchmark(("verify_signature/" + name).c_str(), verify_signature,
                                     name);
        benchmark::RegisterBenchmark(("sign_jws/" + name).c_str(), sign_token, name);
        benchmark::RegisterBenchmark(("verify_jws/" + name).c_str(), verify_token, name);
    }
    return 0;
}

const int kRegistered = register_benchmarks();

}  // namespace

BENCHMARK_MAIN();
