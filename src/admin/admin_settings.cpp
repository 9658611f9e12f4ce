// Reading the admin's keys from taconfig.toml with toml++.
#include "admin/admin_settings.h"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <toml++/toml.h>

#include <cstdlib>

namespace inmor::admin {

Result<std::string> apply_database_overrides(std::string url, const char* host,
                                             const char* port) {
    bool has_host = host != nullptr && *host != '\0';
    bool has_port = port != nullptr && *port != '\0';
    if (!(url.starts_with("postgresql://") || url.starts_with("postgres://")) ||
        !(has_host || has_port)) {
        return url;
    }

    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        return Error::invalid_request("database_url: not a valid URL");
    }
    boost::urls::url rewritten(*parsed);
    if (has_host) {
        rewritten.set_host(host);
    }
    if (has_port) {
        std::string_view digits(port);
        if (digits.find_first_not_of("0123456789") != std::string_view::npos) {
            return Error::invalid_request("DB_PORT: must be a port number");
        }
        rewritten.set_port(digits);
    }
    return std::string(rewritten.buffer());
}

Result<AdminSettings> load_admin_settings(const std::filesystem::path& config_file) {
    toml::table table;
    try {
        table = toml::parse_file(config_file.string());
    } catch (const toml::parse_error& failure) {
        return Error::invalid_request("cannot read configuration " + config_file.string() + ": " +
                                      std::string(failure.description()));
    }

    AdminSettings settings;
    settings.config_dir = std::filesystem::absolute(config_file).parent_path();

    toml::node_view<toml::node> url = table["admin"]["database_url"];
    if (url && !url.is_string()) {
        return Error::invalid_request("admin.database_url: must be a string");
    }
    settings.database_url = url.value_or(settings.database_url);

    toml::node_view<toml::node> retention = table["admin"]["audit_retention_days"];
    if (retention && !retention.is_integer()) {
        return Error::invalid_request("admin.audit_retention_days: must be an integer");
    }
    settings.audit_retention_days = retention.value_or(settings.audit_retention_days);

    toml::node_view<toml::node> domain = table["domain"];
    if (domain && !domain.is_string()) {
        return Error::invalid_request("domain: must be a string");
    }
    settings.domain = domain.value_or(std::string());

    Result<std::string> overridden = apply_database_overrides(
        settings.database_url, std::getenv("DB_HOST"), std::getenv("DB_PORT"));
    if (!overridden) {
        return overridden.error();
    }
    settings.database_url = std::move(*overridden);
    return settings;
}

}  // namespace inmor::admin
