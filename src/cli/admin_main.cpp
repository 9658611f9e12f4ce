// inmor-admin: reads taconfig.toml, opens the admin database, applies
// pending migrations and runs one management command.
#include "admin/admin_settings.h"
#include "admin/database.h"
#include "admin/management_commands.h"
#include "admin/migrations.h"
#include "admin/federation_signing.h"
#include "admin/publish_commands.h"
#include "admin/server/admin_server.h"
#include "common/config.h"
#include "common/clock.h"
#include "common/logging.h"
#include "federation/signing_keys.h"
#include "fetch/configured_fetch.h"
#include "fetch/http_fetcher.h"
#include "storage/configured_store.h"
#include "storage/federation_store.h"

#include <CLI/CLI.hpp>

#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace admin = inmor::admin;

namespace {

// Reads one line from standard input, without echo when it is a terminal.
std::optional<std::string> read_secret_line(const std::string& prompt) {
    bool terminal = isatty(STDIN_FILENO) == 1;
    termios saved{};
    if (terminal) {
        std::cerr << prompt << std::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    bool read = static_cast<bool>(std::getline(std::cin, line));
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << "\n";
    }
    if (!read) {
        return std::nullopt;
    }
    return line;
}

// The password for setup_admin: from the environment with --noinput, else
// typed twice.
std::optional<std::string> admin_password(bool noinput) {
    if (noinput) {
        for (const char* name : {"INMOR_ADMIN_PASSWORD", "DJANGO_SUPERUSER_PASSWORD"}) {
            const char* value = std::getenv(name);
            if (value != nullptr && *value != '\0') {
                return std::string(value);
            }
        }
        std::cerr << "setup_admin: --noinput needs INMOR_ADMIN_PASSWORD (or "
                     "DJANGO_SUPERUSER_PASSWORD) in the environment\n";
        return std::nullopt;
    }
    std::optional<std::string> first = read_secret_line("Password: ");
    std::optional<std::string> second = read_secret_line("Password (again): ");
    if (!first || !second) {
        std::cerr << "setup_admin: no password given\n";
        return std::nullopt;
    }
    if (*first != *second) {
        std::cerr << "setup_admin: the passwords do not match\n";
        return std::nullopt;
    }
    return first;
}

// The configuration and the federation store that the publishing and
// signing commands write to.
struct OpenedStore {
    inmor::Config config;
    std::unique_ptr<inmor::storage::KeyValueStore> key_value_store;
    std::unique_ptr<inmor::storage::FederationStore> store;
};

// Loads the configuration and opens its federation store. On failure prints
// the error and returns nullopt.
std::optional<OpenedStore> open_federation_store(const std::string& config_path) {
    inmor::Result<inmor::Config> config = inmor::load_config(config_path);
    if (!config) {
        std::cerr << "inmor-admin: " << config.error().message() << "\n";
        return std::nullopt;
    }
    auto key_value_store = inmor::storage::open_configured_store(*config);
    if (!key_value_store) {
        std::cerr << "inmor-admin: federation store: " << key_value_store.error().message()
                  << "\n";
        return std::nullopt;
    }
    auto store = std::make_unique<inmor::storage::FederationStore>(**key_value_store);
    return OpenedStore{std::move(*config), std::move(*key_value_store), std::move(store)};
}

// Publishing needs the whole configuration (keys, federation settings) and
// the federation store, which the other commands do not.
int run_publish_command(const std::string& config_path, admin::Database& database,
                        bool entity_configuration) {
    std::optional<OpenedStore> opened = open_federation_store(config_path);
    if (!opened) {
        return 1;
    }

    admin::PublishContext context{opened->config,        database,  *opened->store,
                                  inmor::system_clock(), std::cout, std::cerr};
    return entity_configuration ? admin::run_regenerate_entity(context)
                                : admin::run_publish_historical_keys(context);
}

// The commands that sign for others (renew_subordinates, reload_issued_tms,
// reissue_alltms) need the keys and the guarded fetcher besides the stores.
int run_signing_command(const std::string& config_path, admin::Database& database,
                        const std::function<int(admin::SigningCommandContext&)>& command) {
    std::optional<OpenedStore> opened = open_federation_store(config_path);
    if (!opened) {
        return 1;
    }
    const inmor::Config& config = opened->config;
    inmor::Result<inmor::federation::SigningKeys> keys =
        inmor::federation::load_signing_keys(config);
    if (!keys) {
        std::cerr << "inmor-admin: " << keys.error().message() << "\n";
        return 1;
    }

    std::unique_ptr<inmor::fetch::HttpFetcher> fetcher;
    try {
        fetcher =
            std::make_unique<inmor::fetch::HttpFetcher>(inmor::fetch::fetch_config_from(config));
    } catch (const std::invalid_argument& error) {
        std::cerr << "inmor-admin: " << error.what() << "\n";
        return 1;
    }
    admin::AdminServices services{config, database, *opened->store,
                                  *keys,  *fetcher, inmor::system_clock()};
    admin::SigningCommandContext context{services, std::cout, std::cerr};
    return command(context);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"inmor-admin: the trust anchor's admin service and management commands"};
    app.require_subcommand(1);
    std::string config_path = "taconfig.toml";
    app.add_option("-c,--config", config_path, "Path of taconfig.toml");

    admin::server::ServeArguments serve_arguments;
    std::uint16_t serve_port = 0;
    CLI::App* serve = app.add_subcommand(
        "serve", "Serve the admin API and web UI until SIGTERM or SIGINT");
    CLI::Option* port_option = serve->add_option(
        "-p,--port", serve_port, "Port to listen on, replacing the port of admin.listen");

    CLI::App* migrate = app.add_subcommand("migrate", "Apply pending database migrations");

    admin::SetupAdminOptions setup;
    bool noinput = false;
    CLI::App* setup_admin = app.add_subcommand("setup_admin", "Create the superuser");
    setup_admin->add_option("--username", setup.username, "Username of the superuser")
        ->required();
    setup_admin->add_option("--email", setup.email, "Email address of the superuser");
    setup_admin->add_flag("--noinput", noinput,
                          "Take the password from INMOR_ADMIN_PASSWORD or "
                          "DJANGO_SUPERUSER_PASSWORD instead of prompting");

    CLI::App* apikey = app.add_subcommand("apikey", "Manage API keys");
    apikey->require_subcommand(1);
    admin::ApiKeyCreateOptions create;
    std::int64_t expires_days = 0;
    CLI::App* apikey_create = apikey->add_subcommand("create", "Create a key; prints it once");
    apikey_create->add_option("--username", create.username, "Owner of the key")->required();
    apikey_create->add_option("--key-name", create.key_name, "Name shown in key lists");
    CLI::Option* expires_option = apikey_create->add_option(
        "--expires-days", expires_days, "Days until the key expires (default: never)");
    CLI::App* apikey_list = apikey->add_subcommand("list", "List every API key");
    std::string revoke_target;
    CLI::App* apikey_revoke = apikey->add_subcommand("revoke", "Revoke a key by id or prefix");
    apikey_revoke->add_option("ID_OR_PREFIX", revoke_target, "Key id or prefix")->required();

    CLI::App* regenerate_entity = app.add_subcommand(
        "regenerate_entity", "Sign and publish the entity configuration");
    CLI::App* publish_historical_keys = app.add_subcommand(
        "publish_historical_keys", "Sign and publish the historical keys JWT");

    CLI::App* renew_subordinates = app.add_subcommand(
        "renew_subordinates", "Fetch every active subordinate again and sign a new statement");
    CLI::App* reload_issued_tms = app.add_subcommand(
        "reload_issued_tms", "Publish every issued trust mark from the durable data");
    CLI::App* reissue_alltms =
        app.add_subcommand("reissue_alltms", "Sign every active trust mark again and publish it");

    CLI11_PARSE(app, argc, argv);
    if (*serve) {
        // serve reads the whole configuration itself and applies migrations.
        serve_arguments.config_path = config_path;
        if (port_option->count() > 0) serve_arguments.port = serve_port;
        return admin::server::run_serve(serve_arguments);
    }
    inmor::configure_logging("warn", inmor::LogFormat::kText);

    inmor::Result<admin::AdminSettings> settings = admin::load_admin_settings(config_path);
    if (!settings) {
        std::cerr << "inmor-admin: " << settings.error().message() << "\n";
        return 1;
    }
    inmor::Result<std::unique_ptr<admin::Database>> database =
        admin::Database::open(settings->database_url, settings->config_dir);
    if (!database) {
        std::cerr << "inmor-admin: " << database.error().message() << " ("
                  << database.error().detail() << ")\n";
        return 1;
    }

    admin::CommandContext context{**database, inmor::system_clock(), std::cout, std::cerr};
    if (*migrate) {
        return admin::run_migrate(context);
    }

    // Every other command runs on the current schema.
    inmor::Result<admin::MigrationReport> migrated = admin::migrate(**database);
    if (!migrated) {
        std::cerr << "inmor-admin: migration failed: " << migrated.error().message() << "\n";
        return 1;
    }

    if (*setup_admin) {
        std::optional<std::string> password = admin_password(noinput);
        if (!password) {
            return 1;
        }
        setup.password = std::move(*password);
        return admin::run_setup_admin(context, setup);
    }
    if (*apikey_create) {
        if (expires_option->count() > 0) {
            create.expires_days = expires_days;
        }
        return admin::run_apikey_create(context, create);
    }
    if (*apikey_list) {
        return admin::run_apikey_list(context);
    }
    if (*apikey_revoke) {
        return admin::run_apikey_revoke(context, revoke_target);
    }
    if (*regenerate_entity || *publish_historical_keys) {
        return run_publish_command(config_path, **database, regenerate_entity->parsed());
    }
    if (*renew_subordinates) {
        return run_signing_command(config_path, **database, admin::run_renew_subordinates);
    }
    if (*reload_issued_tms) {
        return run_signing_command(config_path, **database, admin::run_reload_issued_tms);
    }
    if (*reissue_alltms) {
        return run_signing_command(config_path, **database, admin::run_reissue_alltms);
    }
    return 1;
}
