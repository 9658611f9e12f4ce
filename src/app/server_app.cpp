// Wiring of the federation server: one ServingState (configuration, store,
// caches, keys) replaced whole on SIGHUP, behind routes built once.
#include "app/server_app.h"

#include "app/signing_keys.h"
#include "common/config.h"
#include "common/logging.h"
#include "endpoints/endpoints.h"
#include "fetch/configured_fetch.h"
#include "fetch/http_fetcher.h"
#include "resolver/caching_entity_statement_source.h"
#include "resolver/configured_trust_anchors.h"
#include "resolver/http_entity_statement_source.h"
#include "resolver/metadata_key_sets.h"
#include "resolver/own_statement_source.h"
#include "resolver/resolve_service.h"
#include "resolver/trust_chain_resolver.h"
#include "resolver/trust_mark_status_client.h"
#include "http/drain.h"
#include "http/error_response.h"
#include "http/router.h"
#include "http/server.h"
#include "http/signal_waiter.h"
#include "storage/configured_store.h"
#include "storage/federation_store.h"
#include "storage/key_value_store.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#ifndef INMOR_VERSION
#define INMOR_VERSION "0.0.0"
#endif

namespace inmor::app {
namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;
using endpoints::EndpointContext;

/// The resolve machinery, built from one configuration. Members are
/// declared in dependency order, so the service (and its precompute thread)
/// stops before what it uses goes away.
struct ResolveParts {
    explicit ResolveParts(jose::Jwk key) : signing_key(std::move(key)) {}

    jose::Jwk signing_key;
    std::unique_ptr<fetch::HttpFetcher> fetcher;
    std::unique_ptr<resolver::HttpEntityStatementSource> http_source;
    std::unique_ptr<resolver::CachingEntityStatementSource> cached_source;
    std::unique_ptr<resolver::OwnStatementSource> own_source;
    std::unique_ptr<resolver::TrustMarkStatusClient> status_client;
    std::unique_ptr<storage::FederationStore> key_set_cache;
    std::unique_ptr<resolver::MetadataKeySets> key_sets;
    std::unique_ptr<resolver::TrustChainResolver> resolver;
    std::unique_ptr<resolver::ResolveService> service;
};

/// Everything a request reads, built from one configuration.
struct ServingState {
    Config config;
    std::unique_ptr<storage::KeyValueStore> store;
    std::unique_ptr<endpoints::StoreCache> cache;
    std::unique_ptr<endpoints::PublishedData> data;
    std::unique_ptr<JoseTrustMarkSigner> signer;
    std::unique_ptr<endpoints::StoreCache> status_responses;
    std::unique_ptr<ResolveParts> resolve;
    EndpointContext context;
    // Declared last so it stops first: its thread calls into `cache`.
    std::unique_ptr<storage::ChangeSubscription> subscription;
};

/// Checks whether `entity_id` is known in advance: a subordinate, or an
/// entity the collection walk found.
Result<bool> is_known_entity(endpoints::PublishedData& data, std::string_view entity_id) {
    auto statement = data.subordinate_statement(entity_id);
    if (!statement) return statement.error();
    if ((*statement)->has_value()) return true;
    auto collection = data.collection();
    if (!collection) return collection.error();
    const auto& view = **collection;
    return view && view->position.contains(std::string(entity_id));
}

Result<std::vector<std::string>> known_entities(endpoints::PublishedData& data) {
    auto ids = data.subordinate_ids();
    if (!ids) return ids.error();
    std::vector<std::string> all(**ids);
    auto collection = data.collection();
    if (!collection) return collection.error();
    if (const auto& view = **collection) {
        for (const auto& entity : view->entities) all.push_back(entity.entity_id);
    }
    return all;
}

std::size_t worker_threads(const Config& config);

Result<std::unique_ptr<ResolveParts>> build_resolve(const Config& config,
                                                    const federation::SigningKeys& keys,
                                                    storage::KeyValueStore& store,
                                                    endpoints::PublishedData& data) {
    auto parts = std::make_unique<ResolveParts>(keys.private_key);
    auto anchors = resolver::configured_trust_anchors(config, keys.verification_keys);
    if (!anchors) return anchors.error();
    auto own_id = EntityId::parse(config.domain, config.allow_http);
    if (!own_id) return own_id.error().with_context("domain");

    try {
        parts->fetcher = std::make_unique<fetch::HttpFetcher>(fetch::fetch_config_from(config));
    } catch (const std::invalid_argument& problem) {
        return Error::invalid_request(problem.what());
    }
    parts->http_source = std::make_unique<resolver::HttpEntityStatementSource>(*parts->fetcher);
    parts->cached_source = std::make_unique<resolver::CachingEntityStatementSource>(
        *parts->http_source, system_clock());

    // The anchor's own configuration and subordinate statements come from
    // its store: no request to itself, and no dependence on its own listener.
    resolver::OwnStatements own;
    own.entity_configuration = [&data]() -> Result<std::optional<std::string>> {
        auto stored = data.entity_configuration();
        if (!stored) return stored.error();
        if (!(*stored)->has_value()) return std::optional<std::string>();
        return std::optional<std::string>((**stored)->jwt);
    };
    own.subordinate_statement =
        [&data](std::string_view entity_id) -> Result<std::optional<std::string>> {
        auto stored = data.subordinate_statement(entity_id);
        if (!stored) return stored.error();
        if (!(*stored)->has_value()) return std::optional<std::string>();
        return std::optional<std::string>((**stored)->jwt);
    };
    parts->own_source = std::make_unique<resolver::OwnStatementSource>(*own_id, std::move(own),
                                                                       *parts->cached_source);

    auto issuer = EntityId::parse(config.federation.trust_mark_issuer, config.allow_http);
    if (!issuer) return issuer.error().with_context("federation.trust_mark_issuer");
    resolver::LocalTrustMarkState local_state =
        [&data](const federation::TrustMark& mark) -> Result<bool> {
        auto marks = data.trust_marks_of(mark.subject().str());
        if (!marks) return marks.error();
        const auto current = (*marks)->find(mark.trust_mark_type());
        return current != (*marks)->end() && !current->second.revoked &&
               current->second.mark.jwt == mark.jwt();
    };
    parts->status_client = std::make_unique<resolver::TrustMarkStatusClient>(
        *parts->fetcher, *parts->own_source, system_clock(),
        federation::StatementOptions{config.allow_http}, *issuer, std::move(local_state));

    parts->key_set_cache = std::make_unique<storage::FederationStore>(store);
    parts->key_sets = std::make_unique<resolver::MetadataKeySets>(
        *parts->fetcher, parts->key_set_cache.get(), system_clock());

    resolver::ResolverOptions options;
    options.allow_http = config.allow_http;
    options.status_checker = parts->status_client.get();
    options.metadata_checker = parts->key_sets.get();
    parts->resolver = std::make_unique<resolver::TrustChainResolver>(
        *parts->own_source, std::move(*anchors), system_clock(), options);

    resolver::KnownEntities known;
    known.contains = [&data](std::string_view entity_id) { return is_known_entity(data, entity_id); };
    known.all = [&data] { return known_entities(data); };
    resolver::ResolveServiceOptions service_options(*own_id);
    service_options.live_discovery = config.resolve.live_discovery;
    service_options.refresh_before_expiry = config.resolve.refresh_before_expiry;
    // Resolves that wait for a computation run on the server's workers: one
    // worker always stays free for every other route.
    service_options.max_live_computations = std::max<std::size_t>(worker_threads(config) - 1, 1);
    // With Redis, replicas share resolved chains. The embedded store serves one process.
    storage::KeyValueStore* shared = store.engine() == "redis" ? &store : nullptr;
    parts->service = std::make_unique<resolver::ResolveService>(
        *parts->resolver, parts->signing_key, std::move(known), shared, system_clock(),
        std::move(service_options));
    return parts;
}

Result<std::shared_ptr<ServingState>> build_state(Config config, http::Metrics& metrics) {
    auto state = std::make_shared<ServingState>();
    state->config = std::move(config);
    const Config& cfg = state->config;

    auto keys = load_signing_keys(cfg);
    if (!keys) return keys.error();
    for (const auto& warning : keys->warnings) logger("app")->warn("{}", warning);
    const std::size_t public_key_files = keys->public_key_files;

    auto store = storage::open_configured_store(cfg);
    if (!store) return store.error();
    state->store = std::move(*store);

    state->cache = std::make_unique<endpoints::StoreCache>(
        std::chrono::seconds(cfg.cache_ttl), &metrics);
    state->data = std::make_unique<endpoints::PublishedData>(*state->store, *state->cache,
                                                             system_clock());
    auto resolve = build_resolve(cfg, *keys, *state->store, *state->data);
    if (!resolve) return resolve.error();
    state->resolve = std::move(*resolve);
    state->signer = std::make_unique<JoseTrustMarkSigner>(std::move(*keys), system_clock());
    if (cfg.trust_mark_status_cache_seconds > 0) {
        state->status_responses = std::make_unique<endpoints::StoreCache>(
            std::chrono::seconds(cfg.trust_mark_status_cache_seconds));
    }

    state->context.config = &state->config;
    state->context.data = state->data.get();
    state->context.signer = state->signer.get();
    state->context.version = std::string(server_version());
    state->context.public_key_count = public_key_files;
    state->context.status_responses = state->status_responses.get();
    state->context.resolve = state->resolve->service.get();

    endpoints::StoreCache* cache = state->cache.get();
    ResolveParts* parts = state->resolve.get();
    state->subscription = state->store->subscribe_changes([cache, parts](const std::string& key) {
        cache->invalidate(key);
        if (resolver::ResolveService::is_relevant_change(key)) {
            // A changed subordinate may come with a changed configuration.
            parts->cached_source->clear();
            parts->service->note_change(key);
        }
    });
    parts->service->start_precompute();
    return state;
}

Result<Config> load_for_serving(const std::string& path, std::optional<std::uint16_t> port) {
    auto config = load_config(path);
    if (!config) return config.error();
    if (port) {
        auto listen = parse_listen_address(config->listen, "listen");
        if (!listen) return listen.error();
        const bool v6 = listen->host.find(':') != std::string::npos;
        config->listen = (v6 ? "[" + listen->host + "]" : listen->host) + ":" +
                         std::to_string(*port);
    }
    return config;
}

std::size_t worker_threads(const Config& config) {
    if (config.server_threads > 0) return static_cast<std::size_t>(config.server_threads);
    // The CPUs this process may run on (taskset), not all of the machine's.
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) {
        return static_cast<std::size_t>(CPU_COUNT(&set));
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

class ServerProcess {
public:
    explicit ServerProcess(ServerArguments arguments) : arguments_(std::move(arguments)) {}

    int run();

private:
    std::shared_ptr<ServingState> state() const { return state_.load(); }

    void add_routes(http::Router& router);
    void add_gauges();
    Result<void> start_listeners(const Config& config);
    void reload();
    void stop();

    ServerArguments arguments_;
    http::Metrics metrics_;
    std::atomic<std::shared_ptr<ServingState>> state_;
    std::shared_ptr<http::RateLimiter> resolve_limiter_;
    std::shared_ptr<http::RateLimiter> status_limiter_;
    std::shared_ptr<http::RateLimiter> collection_limiter_;
    std::unique_ptr<http::Router> router_;
    std::unique_ptr<http::Router> metrics_router_;
    std::unique_ptr<net::io_context> io_;
    std::unique_ptr<http::SignalWaiter> signals_;
    std::unique_ptr<http::HttpServer> server_;
    std::unique_ptr<http::HttpServer> metrics_server_;
    std::unique_ptr<http::Drain> drain_;
};

void ServerProcess::add_routes(http::Router& router) {
    using Endpoint = http::Response (*)(const EndpointContext&, const http::Request&);
    auto route = [this](Endpoint endpoint) {
        return [this, endpoint](const http::Request& request) {
            const auto current = state();
            return endpoint(current->context, request);
        };
    };
    router.add("/", {"GET"}, route(&endpoints::handle_index));
    router.add("/.well-known/openid-federation", {"GET"},
               route(&endpoints::handle_entity_configuration));
    router.add("/fetch", {"GET"}, route(&endpoints::handle_fetch));
    router.add("/list", {"GET"}, route(&endpoints::handle_list));
    router.add("/trust_mark", {"GET"}, route(&endpoints::handle_trust_mark));
    router.add("/trust_mark_list", {"GET"}, route(&endpoints::handle_trust_mark_list));
    router.add("/trust_mark_status", {"POST"}, route(&endpoints::handle_trust_mark_status),
               status_limiter_);
    router.add("/historical_keys", {"GET"}, route(&endpoints::handle_historical_keys));
    router.add("/collection", {"GET"}, route(&endpoints::handle_collection),
               collection_limiter_);
    router.add("/health", {"GET"}, route(&endpoints::handle_health));
    router.add("/status", {"GET"}, route(&endpoints::handle_status));
    router.add("/resolve", {"GET"}, route(&endpoints::handle_resolve), resolve_limiter_);
}

void ServerProcess::add_gauges() {
    metrics_.add_gauge_source([this](std::string& out) {
        const auto current = state();
        const UnixSeconds now = system_clock().now();
        if (auto view = current->data->collection(); view && (**view)->last_updated) {
            out += "# HELP inmor_collection_age_seconds Seconds since the last collection walk.\n";
            out += "# TYPE inmor_collection_age_seconds gauge\n";
            out += "inmor_collection_age_seconds " +
                   std::to_string(now - *(**view)->last_updated) + "\n";
        }
        if (auto stored = current->data->entity_configuration();
            stored && (*stored)->has_value() && (**stored)->exp) {
            out += "# HELP inmor_entity_configuration_expires_in_seconds Seconds until the "
                   "published entity configuration expires.\n";
            out += "# TYPE inmor_entity_configuration_expires_in_seconds gauge\n";
            out += "inmor_entity_configuration_expires_in_seconds " +
                   std::to_string(*(**stored)->exp - now) + "\n";
        }
    });
}

Result<void> ServerProcess::start_listeners(const Config& config) {
    auto listen = parse_listen_address(config.listen, "listen");
    if (!listen) return listen.error();
    auto proxies = http::TrustedProxies::parse(config.limits.trusted_proxies);
    if (!proxies) return proxies.error();

    http::ServerOptions options;
    options.host = listen->host;
    options.port = listen->port;
    options.max_header_bytes = static_cast<std::size_t>(config.max_header_bytes);
    options.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
    options.client_timeout = std::chrono::seconds(config.client_timeout);
    options.idle_timeout = std::chrono::seconds(config.idle_timeout);
    options.trusted_proxies = *proxies;
    // One worker thread runs every handler, so connections skip their strand.
    options.single_thread = worker_threads(config) == 1;

    std::shared_ptr<net::ssl::context> tls;
    if (!config.tls_cert.empty()) {
        auto context = http::make_tls_context(config.tls_cert, config.tls_key);
        if (!context) return context.error();
        tls = *context;
    }
    auto server = http::HttpServer::start(
        *io_, options, [this](const http::Request& request) { return router_->dispatch(request); },
        tls);
    if (!server) return server.error().with_context("listen");
    server_ = std::move(*server);

    if (!config.metrics_listen.empty()) {
        auto metrics_listen = parse_listen_address(config.metrics_listen, "metrics_listen");
        if (!metrics_listen) return metrics_listen.error();
        http::ServerOptions metrics_options = options;
        metrics_options.host = metrics_listen->host;
        metrics_options.port = metrics_listen->port;
        metrics_options.access_log = false;
        auto metrics_server = http::HttpServer::start(
            *io_, metrics_options,
            [this](const http::Request& request) { return metrics_router_->dispatch(request); },
            nullptr);
        if (!metrics_server) return metrics_server.error().with_context("metrics_listen");
        metrics_server_ = std::move(*metrics_server);
    }

    logger("app")->info("server listening address={}:{} tls={} metrics={} threads={}",
                        listen->host, server_->port(), tls ? "on" : "off",
                        config.metrics_listen.empty() ? "off" : config.metrics_listen,
                        worker_threads(config));
    return {};
}

void ServerProcess::reload() {
    auto log = logger("app");
    log->info("configuration reload started path={}", arguments_.config_path);
    auto config = load_for_serving(arguments_.config_path, arguments_.port);
    if (!config) {
        log->error("configuration reload failed, keeping the running one error={}",
                   config.error().message());
        return;
    }
    const Config& old = state()->config;
    if (config->listen != old.listen || config->metrics_listen != old.metrics_listen) {
        log->warn("listen addresses change only on restart listen={} metrics_listen={}",
                  old.listen, old.metrics_listen);
    }
    for (const auto& warning : config->warnings) log->warn("{}", warning);
    configure_logging(config->log_level,
                      config->log_format == "json" ? LogFormat::kJson : LogFormat::kText);

    if (!config->tls_cert.empty() && server_) {
        auto tls = http::make_tls_context(config->tls_cert, config->tls_key);
        if (!tls) {
            log->error("configuration reload failed, keeping the running one error={}",
                       tls.error().message());
            return;
        }
        server_->set_tls_context(*tls);
    }
    resolve_limiter_->set_per_minute(config->limits.resolve_per_minute);
    status_limiter_->set_per_minute(config->limits.trust_mark_status_per_minute);
    collection_limiter_->set_per_minute(config->limits.collection_per_minute);

    auto next = build_state(std::move(*config), metrics_);
    if (!next) {
        log->error("configuration reload failed, keeping the running one error={}",
                   next.error().message());
        return;
    }
    // Requests in flight keep the old state alive until they finish.
    state_.store(std::move(*next));
    log->info("configuration reloaded store={}", storage::describe_configured_store(state()->config));
}

void ServerProcess::stop() {
    logger("app")->info("server stopping, finishing requests in flight");
    server_->stop_accepting();
    if (metrics_server_) metrics_server_->stop_accepting();
    drain_ = std::make_unique<http::Drain>(
        *io_, std::vector<const http::HttpServer*>{server_.get(), metrics_server_.get()},
        std::chrono::seconds(state()->config.shutdown_timeout), "app");
}

int ServerProcess::run() {
    auto config = load_for_serving(arguments_.config_path, arguments_.port);
    if (!config) {
        std::cerr << "inmor: " << config.error().message() << "\n";
        return 1;
    }
    configure_logging(config->log_level,
                      config->log_format == "json" ? LogFormat::kJson : LogFormat::kText);
    auto log = logger("app");
    for (const auto& warning : config->warnings) log->warn("{}", warning);

    resolve_limiter_ = std::make_shared<http::RateLimiter>(config->limits.resolve_per_minute);
    status_limiter_ =
        std::make_shared<http::RateLimiter>(config->limits.trust_mark_status_per_minute);
    collection_limiter_ =
        std::make_shared<http::RateLimiter>(config->limits.collection_per_minute);

    const std::size_t threads = worker_threads(*config);
    auto state = build_state(*config, metrics_);
    if (!state) {
        std::cerr << "inmor: " << state.error().message() << "\n";
        log->error("server start failed error={} detail={}", state.error().message(),
                   state.error().detail());
        return 1;
    }
    state_.store(*state);

    router_ = std::make_unique<http::Router>(&metrics_);
    add_routes(*router_);
    metrics_router_ = std::make_unique<http::Router>();
    metrics_router_->add("/metrics", {"GET"}, [this](const http::Request&) {
        http::Response response;
        response.content_type = http::content_type::kPrometheus;
        response.body = metrics_.render();
        return response;
    });
    add_gauges();

    io_ = std::make_unique<net::io_context>(static_cast<int>(threads));
    if (auto started = start_listeners(*config); !started) {
        std::cerr << "inmor: " << started.error().message() << "\n";
        return 1;
    }
    log->info("server started version={} entity_id={} store={}", server_version(),
              config->domain, storage::describe_configured_store(*config));

    signals_ = std::make_unique<http::SignalWaiter>(*io_, [this] { stop(); },
                                                    [this] { reload(); });

    std::vector<std::thread> workers;
    for (std::size_t i = 1; i < threads; ++i) workers.emplace_back([this] { io_->run(); });
    io_->run();
    for (auto& worker : workers) worker.join();

    server_.reset();
    metrics_server_.reset();
    log->info("server stopped");
    return 0;
}

}  // namespace

std::string_view server_version() { return INMOR_VERSION; }

int run_server(const ServerArguments& arguments) {
    // A peer closing mid-write must not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    ServerProcess process(arguments);
    return process.run();
}

int check_configuration(const std::string& config_path) {
    auto config = load_config(config_path);
    if (!config) {
        std::cerr << "inmor: " << config.error().message() << "\n";
        return 1;
    }
    auto keys = load_signing_keys(*config);
    if (!keys) {
        std::cerr << "inmor: " << keys.error().message() << "\n";
        return 1;
    }
    if (!config->tls_cert.empty()) {
        if (auto tls = http::make_tls_context(config->tls_cert, config->tls_key); !tls) {
            std::cerr << "inmor: " << tls.error().message() << "\n";
            return 1;
        }
    }

    std::cout << "configuration " << config->config_path << " is valid\n"
              << "  entity id:     " << config->domain << "\n"
              << "  store:         " << storage::describe_configured_store(*config) << "\n"
              << "  listen:        " << config->listen
              << (config->tls_cert.empty() ? " (http)" : " (https)") << "\n"
              << "  metrics:       "
              << (config->metrics_listen.empty() ? "off" : config->metrics_listen) << "\n"
              << "  signing key:   kid " << keys->private_key.kid() << "\n"
              << "  public keys:   " << keys->public_key_files << "\n";
    for (const auto& warning : config->warnings) std::cout << "  warning: " << warning << "\n";
    for (const auto& warning : keys->warnings) std::cout << "  warning: " << warning << "\n";
    return 0;
}

}  // namespace inmor::app
