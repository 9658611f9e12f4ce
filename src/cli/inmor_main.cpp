// inmor: the federation server's command line.
#include "app/server_app.h"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App cli{"inmor: OpenID Federation trust anchor, public federation endpoints"};
    inmor::app::ServerArguments arguments;
    bool check_only = false;
    std::uint16_t port = 0;

    cli.add_option("-c,--config", arguments.config_path, "path of taconfig.toml")
        ->capture_default_str();
    auto* port_option =
        cli.add_option("-p,--port", port, "TCP port to listen on (replaces the port of listen)");
    cli.add_flag("--check-config", check_only,
                 "validate the configuration and keys, print a summary and exit");
    cli.set_version_flag("--version", std::string(inmor::app::server_version()));
    CLI11_PARSE(cli, argc, argv);

    if (port_option->count() > 0) arguments.port = port;
    if (check_only) return inmor::app::check_configuration(arguments.config_path);
    return inmor::app::run_server(arguments);
}
