// inmor-collection: walks the federation below a Trust Anchor and publishes
// what it found as the collection data GET /collection serves.
#include "collection/collection_walk.h"
#include "common/config.h"
#include "common/logging.h"
#include "storage/configured_store.h"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

namespace {

namespace collection = inmor::collection;

// Exit codes: 0 the walk was published, 1 it failed (the previous
// collection data still serves), 2 bad command line or configuration.
constexpr int kExitWalkFailed = 1;
constexpr int kExitUsage = 2;

/// Errors listed on stderr after the summary; the rest are only counted.
constexpr std::size_t kErrorsShown = 20;

struct Arguments {
    std::string config_path = "taconfig.toml";
    std::string trust_anchor;
    std::size_t parallel_fetches = 16;
    std::size_t max_depth = 10;
    std::size_t progress_every = 1000;
    std::int64_t time_budget_seconds = 3600;
};

/// Progress on stderr: a live counter on a terminal, otherwise one line
/// every `every` entities.
class ProgressPrinter {
public:
    explicit ProgressPrinter(std::size_t every)
        : every_(every == 0 ? 1 : every), live_(::isatty(STDERR_FILENO) == 1) {}

    void update(const collection::WalkProgress& progress) {
        if (live_) {
            const auto now = std::chrono::steady_clock::now();
            if (now - last_print_ < std::chrono::milliseconds(100)) return;
            last_print_ = now;
            std::fprintf(stderr, "\r%zu entities collected, %zu errors, %zu queued   ",
                         progress.entities, progress.errors, progress.pending);
            std::fflush(stderr);
            printed_ = true;
            return;
        }
        if (progress.entities >= next_line_) {
            next_line_ = progress.entities + every_;
            std::fprintf(stderr, "%zu entities collected, %zu errors, %zu queued\n",
                         progress.entities, progress.errors, progress.pending);
        }
    }

    /// Ends the live counter's line before other output.
    void finish() {
        if (printed_) std::fputc('\n', stderr);
    }

private:
    std::size_t every_;
    bool live_;
    bool printed_ = false;
    std::size_t next_line_ = 0;
    std::chrono::steady_clock::time_point last_print_{};
};

void print_summary(const std::string& trust_anchor, const collection::WalkResult& result) {
    const auto& stats = result.stats;
    std::printf("collection walk of %s published in %.1f s\n", trust_anchor.c_str(),
                static_cast<double>(stats.elapsed.count()) / 1000.0);
    std::printf("entities: %zu (intermediates: %zu)\n", stats.entities, stats.intermediates);
    for (const auto& [type, count] : stats.entities_per_type) {
        std::printf("  %s: %zu\n", type.c_str(), count);
    }
    std::printf("trust marks: %zu verified, %zu rejected\n", stats.trust_marks_verified,
                stats.trust_marks_rejected);
    std::printf("fetches: %zu\n", stats.fetches);
    std::printf("errors: %zu\n", stats.errors);

    const std::size_t listed = std::min(result.errors.size(), kErrorsShown);
    for (std::size_t i = 0; i < listed; ++i) {
        const auto& error = result.errors[i];
        std::fprintf(stderr, "error: %s (under %s): %s\n", error.entity_id.c_str(),
                     error.superior.empty() ? "-" : error.superior.c_str(),
                     error.reason.c_str());
    }
    if (stats.errors > listed) {
        std::fprintf(stderr, "... and %zu more errors (see the log)\n", stats.errors - listed);
    }
}

int run(const Arguments& arguments) {
    auto config = inmor::load_config(arguments.config_path);
    if (!config) {
        std::cerr << "inmor-collection: " << config.error().message() << "\n";
        return kExitUsage;
    }
    inmor::configure_logging(config->log_level, config->log_format == "json"
                                                    ? inmor::LogFormat::kJson
                                                    : inmor::LogFormat::kText);
    if (auto anchor = inmor::EntityId::parse(arguments.trust_anchor, config->allow_http);
        !anchor) {
        std::cerr << "inmor-collection: TRUST_ANCHOR_ENTITY_ID: " << anchor.error().message()
                  << "\n";
        return kExitUsage;
    }

    auto store = inmor::storage::open_configured_store(*config);
    if (!store) {
        std::cerr << "inmor-collection: cannot open the federation store ("
                  << inmor::storage::describe_configured_store(*config)
                  << "): " << store.error().message() << "\n";
        return kExitWalkFailed;
    }
    inmor::storage::FederationStore federation(**store);

    ProgressPrinter printer(arguments.progress_every);
    collection::WalkOptions options;
    options.limits.parallel_fetches = arguments.parallel_fetches;
    options.limits.max_depth = arguments.max_depth;
    options.limits.time_budget = std::chrono::seconds(arguments.time_budget_seconds);
    options.on_progress = [&printer](const collection::WalkProgress& progress) {
        printer.update(progress);
    };

    inmor::SystemClock clock;
    auto result = collection::run_collection_walk(*config, federation, arguments.trust_anchor,
                                                  clock, options);
    printer.finish();
    if (!result) {
        std::cerr << "inmor-collection: walk failed, the previous collection data stays: "
                  << result.error().message() << "\n";
        return kExitWalkFailed;
    }
    print_summary(arguments.trust_anchor, *result);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"inmor-collection: walk a federation tree into the collection data"};
    Arguments arguments;
    cli.add_option("-c,--config", arguments.config_path, "path of taconfig.toml")
        ->capture_default_str();
    cli.add_option("TRUST_ANCHOR_ENTITY_ID", arguments.trust_anchor,
                   "entity id of the trust anchor to walk from")
        ->required();
    cli.add_option("--parallel", arguments.parallel_fetches,
                   "number of fetches run at the same time")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    cli.add_option("--max-depth", arguments.max_depth,
                   "levels below the trust anchor that are walked")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    cli.add_option("--time-budget", arguments.time_budget_seconds,
                   "seconds the walk may take before it fails")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{86400}));
    cli.add_option("--progress-every", arguments.progress_every,
                   "entities between progress lines when stderr is not a terminal")
        ->capture_default_str();

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& failure) {
        const int code = cli.exit(failure);
        return code == 0 ? 0 : kExitUsage;
    }
    return run(arguments);
}
