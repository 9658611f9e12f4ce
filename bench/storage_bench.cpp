// Measures the federation store on each engine: single reads (what a cache
// miss in the server costs), publishing a subordinate, and collection swaps.
//   storage_bench [--benchmark_filter=...]
// INMOR_BENCH_REDIS_URL (for example redis://127.0.0.1:6390/12) adds the
// Redis engine; the benchmark writes inmor:* keys in that database.
#include "storage/federation_store.h"
#include "storage/key_value_store.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace {

namespace storage = inmor::storage;

std::string signed_statement_sized_value() {
    return std::string(2048, 'j');
}

storage::CollectionSnapshot make_snapshot(int entity_count) {
    storage::CollectionSnapshot snapshot;
    snapshot.trust_anchor = "https://ta.example.test";
    snapshot.last_updated = 1700000000;
    std::vector<std::string> ids;
    for (int i = 0; i < entity_count; ++i) {
        const std::string id = "https://entity-" + std::to_string(i) + ".example.test";
        ids.push_back(id);
        snapshot.entities.push_back(
            {id, R"({"entity_id":")" + id + R"(","entity_types":["openid_provider"]})"});
        snapshot.superiors.emplace_back(id, R"(["https://ta.example.test"])");
    }
    snapshot.by_type.emplace_back("openid_provider", ids);
    return snapshot;
}

void register_engine(const std::string& name, std::shared_ptr<storage::KeyValueStore> store) {
    auto federation = std::make_shared<storage::FederationStore>(*store);
    (void)federation->publish_entity_configuration(signed_statement_sized_value());
    (void)federation->publish_subordinate("https://rp.example.test", "stmt", "ec",
                                          storage::EntityKind::kRelyingParty);

    benchmark::RegisterBenchmark(("entity_configuration/" + name).c_str(),
                                 [store, federation](benchmark::State& state) {
        for (auto _ : state) {
            auto value = federation->entity_configuration();
            if (!value) state.SkipWithError("read failed");
            benchmark::DoNotOptimize(value);
        }
    })->Threads(1)->Threads(4)->UseRealTime();

    benchmark::RegisterBenchmark(("subordinate_statement/" + name).c_str(),
                                 [store, federation](benchmark::State& state) {
        for (auto _ : state) {
            auto value = federation->subordinate_statement("https://rp.example.test");
            if (!value) state.SkipWithError("read failed");
            benchmark::DoNotOptimize(value);
        }
    })->UseRealTime();

    benchmark::RegisterBenchmark(("publish_subordinate/" + name).c_str(),
                                 [store, federation](benchmark::State& state) {
        for (auto _ : state) {
            auto published = federation->publish_subordinate(
                "https://rp.example.test", signed_statement_sized_value(), "ec",
                storage::EntityKind::kRelyingParty);
            if (!published) state.SkipWithError("publish failed");
        }
    })->UseRealTime();

    benchmark::RegisterBenchmark(("replace_collection/" + name).c_str(),
                                 [store, federation](benchmark::State& state) {
        const auto snapshot = make_snapshot(static_cast<int>(state.range(0)));
        for (auto _ : state) {
            auto replaced = federation->replace_collection(snapshot);
            if (!replaced) state.SkipWithError("replace failed");
        }
        state.SetItemsProcessed(state.iterations() * state.range(0));
    })->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace

int main(int argc, char** argv) {
    const auto directory = std::filesystem::temp_directory_path() / "inmor-storage-bench";
    std::filesystem::remove_all(directory);
    auto sqlite = storage::open_key_value_store("", (directory / "federation.sqlite").string());
    if (!sqlite) return 1;
    register_engine("sqlite", std::shared_ptr<storage::KeyValueStore>(std::move(*sqlite)));

    if (const char* url = std::getenv("INMOR_BENCH_REDIS_URL")) {
        auto redis = storage::open_key_value_store(url, "");
        if (!redis || !(*redis)->ping()) return 1;
        register_engine("redis", std::shared_ptr<storage::KeyValueStore>(std::move(*redis)));
    }

    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    std::filesystem::remove_all(directory);
    return 0;
}
