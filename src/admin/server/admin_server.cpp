// The admin service process: configuration, durable database, signing keys,
// federation store, listeners, background work and signal handling.
#include "admin/server/admin_server.h"

#include "admin/api/admin_api.h"
#include "admin/api/admin_routes.h"
#include "admin/api/web_security.h"
#include "admin/audit_log.h"
#include "admin/database.h"
#include "admin/migrations.h"
#include "admin/server/background_work.h"
#include "admin/session_store.h"
#include "common/logging.h"
#include "federation/signing_keys.h"
#include "fetch/configured_fetch.h"
#include "fetch/http_fetcher.h"
#include "http/drain.h"
#include "http/router.h"
#include "http/server.h"
#include "http/signal_waiter.h"
#include "storage/configured_store.h"
#include "storage/federation_store.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <thread>

namespace inmor::admin::server {
namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;

/// Threads serving admin requests. Handlers block on the database and on
/// outbound fetches (up to fetch.total_timeout each), so there are enough
/// threads that a few slow subordinates do not stall the UI.
// NOTE: more than 16 concurrent writes to slow subordinates still queue
// every other request behind them.
constexpr std::size_t kWorkerThreads = 16;
/// Largest request body, in bytes: subordinate bodies carry metadata and JWKS.
constexpr std::size_t kMaxBodyBytes = 1024 * 1024;

Result<Config> load_for_serving(const ServeArguments& arguments) {
    auto config = load_config(arguments.config_path);
    if (!config) return config.error();
    if (arguments.port) {
        auto listen = parse_listen_address(config->admin.listen, "admin.listen");
        if (!listen) return listen.error();
        const bool v6 = listen->host.find(':') != std::string::npos;
        config->admin.listen = (v6 ? "[" + listen->host + "]" : listen->host) + ":" +
                               std::to_string(*arguments.port);
    }
    if (auto valid = validate_serve_config(*config); !valid) return valid.error();
    return config;
}

/// The running service: everything the handlers reference lives here.
class AdminProcess {
public:
    explicit AdminProcess(Config config) : config_(std::move(config)) {}

    int run();

private:
    Result<void> open_dependencies();
    Result<void> start_listeners();
    void stop();

    Config config_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<storage::KeyValueStore> key_value_store_;
    std::unique_ptr<storage::FederationStore> store_;
    std::optional<federation::SigningKeys> keys_;
    std::unique_ptr<fetch::HttpFetcher> fetcher_;
    std::optional<api::AdminServices> services_;
    http::Metrics metrics_;
    std::unique_ptr<api::AdminApi> api_;
    std::unique_ptr<http::Router> metrics_router_;
    std::unique_ptr<BackgroundWork> background_;
    std::unique_ptr<net::io_context> io_;
    std::unique_ptr<http::SignalWaiter> signals_;
    std::unique_ptr<http::HttpServer> server_;
    std::unique_ptr<http::HttpServer> metrics_server_;
    std::unique_ptr<http::Drain> drain_;
};

Result<void> AdminProcess::open_dependencies() {
    auto log = logger("admin");
    const fs::path config_dir = fs::path(config_.config_path).parent_path();
    auto database = Database::open(config_.admin.database_url, config_dir);
    if (!database) return database.error().with_context("admin.database_url");
    database_ = std::move(*database);

    auto migrated = migrate(*database_);
    if (!migrated) return migrated.error().with_context("migration failed");

    auto keys = federation::load_signing_keys(config_);
    if (!keys) return keys.error();
    for (const auto& warning : keys->warnings) log->warn("{}", warning);
    keys_.emplace(std::move(*keys));

    auto store = storage::open_configured_store(config_);
    if (!store) return store.error();
    key_value_store_ = std::move(*store);
    store_ = std::make_unique<storage::FederationStore>(*key_value_store_);

    try {
        fetcher_ = std::make_unique<fetch::HttpFetcher>(fetch::fetch_config_from(config_));
    } catch (const std::invalid_argument& error) {
        return Error::invalid_request(error.what());
    }
    services_.emplace(api::AdminServices{config_, *database_, *store_, *keys_, *fetcher_,
                                         system_clock()});

    // Housekeeping at start; the scheduler repeats it while serve runs.
    const UnixSeconds now = system_clock().now();
    auto sessions = delete_expired_sessions(*database_, now);
    auto pruned = prune_audit_log(*database_, now, config_.admin.audit_retention_days);
    if (sessions && pruned) {
        log->info("housekeeping done expired_sessions={} pruned_audit_entries={}", *sessions,
                  *pruned);
    }
    return {};
}

Result<void> AdminProcess::start_listeners() {
    auto listen = parse_listen_address(config_.admin.listen, "admin.listen");
    if (!listen) return listen.error();
    auto proxies = http::TrustedProxies::parse(config_.limits.trusted_proxies);
    if (!proxies) return proxies.error();

    http::ServerOptions options;
    options.host = listen->host;
    options.port = listen->port;
    options.max_body_bytes = kMaxBodyBytes;
    options.client_timeout = std::chrono::seconds(config_.client_timeout);
    options.idle_timeout = std::chrono::seconds(config_.idle_timeout);
    options.trusted_proxies = *proxies;
    options.keep_headers = true;
    auto server = http::HttpServer::start(
        *io_, options, [this](const http::Request& request) { return api_->handle(request); },
        nullptr);
    if (!server) return server.error().with_context("admin.listen");
    server_ = std::move(*server);

    if (!config_.admin.metrics_listen.empty()) {
        auto metrics_listen =
            parse_listen_address(config_.admin.metrics_listen, "admin.metrics_listen");
        if (!metrics_listen) return metrics_listen.error();
        http::ServerOptions metrics_options;
        metrics_options.host = metrics_listen->host;
        metrics_options.port = metrics_listen->port;
        metrics_options.access_log = false;
        auto metrics_server = http::HttpServer::start(
            *io_, metrics_options,
            [this](const http::Request& request) { return metrics_router_->dispatch(request); },
            nullptr);
        if (!metrics_server) return metrics_server.error().with_context("admin.metrics_listen");
        metrics_server_ = std::move(*metrics_server);
    }
    logger("admin")->info("admin listening address={}:{} metrics={} ui={}", listen->host,
                          server_->port(),
                          config_.admin.metrics_listen.empty() ? "off"
                                                               : config_.admin.metrics_listen,
                          config_.admin.ui_dir.empty() ? "off" : config_.admin.ui_dir);
    return {};
}

void AdminProcess::stop() {
    logger("admin")->info("admin stopping, finishing requests in flight");
    server_->stop_accepting();
    if (metrics_server_) metrics_server_->stop_accepting();
    drain_ = std::make_unique<http::Drain>(
        *io_, std::vector<const http::HttpServer*>{server_.get(), metrics_server_.get()},
        std::chrono::seconds(config_.shutdown_timeout), "admin");
}

int AdminProcess::run() {
    auto log = logger("admin");
    auto fail = [&](const Error& error) {
        std::cerr << "inmor-admin serve: " << error.message() << "\n";
        log->error("admin start failed error={} detail={}", error.message(), error.detail());
        return 1;
    };
    if (auto opened = open_dependencies(); !opened) return fail(opened.error());

    try {
        api_ = std::make_unique<api::AdminApi>(*services_, api::admin_api_routes(*services_),
                                               &metrics_);
    } catch (const std::invalid_argument& error) {
        return fail(Error::server_error(std::string("route table: ") + error.what()));
    }
    metrics_router_ = std::make_unique<http::Router>();
    metrics_router_->add("/metrics", {"GET"}, [this](const http::Request&) {
        http::Response response;
        response.content_type = std::string(http::content_type::kPrometheus);
        response.body = metrics_.render();
        return response;
    });

    auto background = start_background_work(*services_, metrics_);
    if (!background) return fail(background.error());
    background_ = std::move(*background);

    io_ = std::make_unique<net::io_context>(static_cast<int>(kWorkerThreads));
    if (auto started = start_listeners(); !started) return fail(started.error());
    log->info("admin started version={} entity_id={} database={} store={}",
              api::admin_version(), config_.domain,
              database_->engine() == DatabaseEngine::kSqlite ? "sqlite" : "postgresql",
              storage::describe_configured_store(config_));

    // NOTE: the handlers hold references to the configuration and keys read
    // at start, so a reload would need them swapped under running requests.
    // Until that exists, SIGHUP only logs, instead of ending the process as
    // its default action would.
    signals_ = std::make_unique<http::SignalWaiter>(*io_, [this] { stop(); }, [] {
        logger("admin")->warn("reload requested but not supported; restart inmor-admin "
                              "serve to apply configuration or key changes");
    });
    std::vector<std::thread> workers;
    for (std::size_t i = 1; i < kWorkerThreads; ++i) workers.emplace_back([this] { io_->run(); });
    io_->run();
    for (auto& worker : workers) worker.join();

    server_.reset();
    metrics_server_.reset();
    background_.reset();
    log->info("admin stopped");
    return 0;
}

}  // namespace

Result<void> validate_serve_config(const Config& config) {
    const AdminConfig& admin = config.admin;
    // Sessions and CSRF tokens are random values kept in the database, so no
    // request depends on secret_key yet. It is still required outside
    // development, so that deployments have one before anything signs with it.
    if (admin.secret_key.empty() && !config.allow_http) {
        return Error::invalid_request(
            "admin.secret_key: must be set (a long random string) unless allow_http = true "
            "marks a development setup");
    }
    if (admin.allowed_hosts.empty()) {
        return Error::invalid_request(
            "admin.allowed_hosts: empty, so every request would be rejected; list the host "
            "names the admin is reached by");
    }
    for (const auto& [key, origins] :
         {std::pair{"admin.csrf_trusted_origins", &admin.csrf_trusted_origins},
          std::pair{"admin.cors_origins", &admin.cors_origins}}) {
        for (std::size_t i = 0; i < origins->size(); ++i) {
            if (!api::origin_of((*origins)[i])) {
                return Error::invalid_request(std::string(key) + "[" + std::to_string(i) +
                                              "]: must be an origin such as "
                                              "https://admin.example.org, not " +
                                              (*origins)[i]);
            }
        }
    }
    if (!admin.ui_dir.empty() && !fs::is_regular_file(fs::path(admin.ui_dir) / "index.html")) {
        return Error::invalid_request("admin.ui_dir: " + admin.ui_dir +
                                      " holds no index.html; build the web UI (npm run build) "
                                      "and point ui_dir at its dist folder, or leave it empty");
    }
    return {};
}

int run_serve(const ServeArguments& arguments) {
    // A peer closing mid-write must not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    auto config = load_for_serving(arguments);
    if (!config) {
        std::cerr << "inmor-admin serve: " << config.error().message() << "\n";
        return 1;
    }
    configure_logging(config->log_level,
                      config->log_format == "json" ? LogFormat::kJson : LogFormat::kText);
    for (const auto& warning : config->warnings) logger("admin")->warn("{}", warning);

    AdminProcess process(std::move(*config));
    return process.run();
}

}  // namespace inmor::admin::server
