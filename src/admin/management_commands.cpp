// migrate, setup_admin and apikey: each change is written with its audit
// entry in one transaction.
#include "admin/management_commands.h"

#include "admin/api_key_repository.h"
#include "admin/audit_log.h"
#include "admin/migrations.h"
#include "admin/user_repository.h"
#include "common/logging.h"

namespace inmor::admin {
namespace {

constexpr std::int64_t kSecondsPerDay = 24 * 60 * 60;

// Changes made from the command line are attributed to this actor.
AuditActor command_line_actor() {
    return AuditActor{"cli", "cli", "local"};
}

int fail(CommandContext& context, std::string_view command, const Error& error) {
    context.err << command << ": " << error.message() << "\n";
    if (!error.detail().empty()) {
        logger("admin")->debug("command failed command={} detail=\"{}\"", command,
                               error.detail());
    }
    return 1;
}

std::string describe(const ApiKey& key, UnixSeconds now) {
    std::string status = "active";
    if (!key.active) {
        status = "revoked";
    } else if (key.expires_at && *key.expires_at <= now) {
        status = "expired";
    }
    std::string line = std::to_string(key.id) + " " + key.prefix + " name=" + key.name +
                       " user=" + key.username + " status=" + status;
    line += " expires=" + (key.expires_at ? format_timestamp(*key.expires_at) : "never");
    line += " last_used=" + (key.last_used_at ? format_timestamp(*key.last_used_at) : "never");
    return line;
}

}  // namespace

int run_migrate(CommandContext& context) {
    Result<MigrationReport> report = migrate(context.database);
    if (!report) {
        return fail(context, "migrate", report.error());
    }
    for (int version : report->applied) {
        context.out << "applied migration " << version << ": "
                    << all_migrations()[static_cast<std::size_t>(version - 1)].description
                    << "\n";
    }
    context.out << "schema at version " << report->current_version << " ("
                << report->applied.size() << " applied)\n";
    return 0;
}

int run_setup_admin(CommandContext& context, const SetupAdminOptions& options) {
    UnixSeconds now = context.clock.now();
    Result<bool> created = context.database.with_transaction([&](SqlExecutor& tx) -> Result<bool> {
        Result<std::optional<User>> existing = find_user_by_name(tx, options.username);
        if (!existing) {
            return existing.error();
        }
        if (existing->has_value()) {
            return false;
        }
        Result<User> user =
            create_user(tx, options.username, options.email, options.password, true, now);
        if (!user) {
            return user.error();
        }
        AuditEntry entry{0,      now,  command_line_actor(), "create", "user",
                         std::to_string(user->id), std::nullopt, to_json(*user), "success"};
        Result<std::int64_t> audited = write_audit_entry(tx, entry);
        if (!audited) {
            return audited.error();
        }
        return true;
    });
    if (!created) {
        return fail(context, "setup_admin", created.error());
    }

    if (*created) {
        logger("admin")->info("superuser created username={} by=cli", options.username);
        context.out << "created superuser " << options.username << "\n";
    } else {
        context.out << "user " << options.username << " already exists; nothing changed\n";
    }
    return 0;
}

int run_apikey_create(CommandContext& context, const ApiKeyCreateOptions& options) {
    UnixSeconds now = context.clock.now();
    std::optional<UnixSeconds> expires_at;
    if (options.expires_days) {
        if (*options.expires_days <= 0) {
            return fail(context, "apikey create",
                        Error::invalid_request("--expires-days: must be a positive number"));
        }
        expires_at = now + *options.expires_days * kSecondsPerDay;
    }

    Result<NewApiKey> created =
        context.database.with_transaction([&](SqlExecutor& tx) -> Result<NewApiKey> {
            Result<std::optional<User>> user = find_user_by_name(tx, options.username);
            if (!user) {
                return user.error();
            }
            if (!user->has_value()) {
                return Error::not_found("user not found: " + options.username);
            }
            Result<NewApiKey> key =
                create_api_key(tx, (*user)->id, options.key_name, expires_at, now);
            if (!key) {
                return key.error();
            }
            AuditEntry entry{0,           now,          command_line_actor(),
                             "create",    "api_key",    std::to_string(key->key.id),
                             std::nullopt, to_json(key->key), "success"};
            Result<std::int64_t> audited = write_audit_entry(tx, entry);
            if (!audited) {
                return audited.error();
            }
            return key;
        });
    if (!created) {
        return fail(context, "apikey create", created.error());
    }

    logger("admin")->info("api key created id={} prefix={} username={} by=cli",
                          created->key.id, created->key.prefix, options.username);
    context.err << "created API key " << created->key.id << " prefix=" << created->key.prefix
                << " for " << options.username << "; it is shown only once\n";
    context.out << created->secret << "\n";
    return 0;
}

int run_apikey_list(CommandContext& context) {
    Result<std::vector<ApiKey>> keys = list_api_keys(context.database);
    if (!keys) {
        return fail(context, "apikey list", keys.error());
    }
    UnixSeconds now = context.clock.now();
    std::size_t usable = 0;
    for (const ApiKey& key : *keys) {
        context.out << describe(key, now) << "\n";
        if (key.active && !(key.expires_at && *key.expires_at <= now)) {
            ++usable;
        }
    }
    context.out << keys->size() << " API keys, " << usable << " active\n";
    return 0;
}

int run_apikey_revoke(CommandContext& context, const std::string& id_or_prefix) {
    UnixSeconds now = context.clock.now();
    Result<ApiKey> revoked = context.database.with_transaction([&](SqlExecutor& tx) -> Result<ApiKey> {
        Result<ApiKey> key = revoke_api_key(tx, id_or_prefix);
        if (!key) {
            return key.error();
        }
        ApiKey before = *key;
        before.active = true;
        AuditEntry entry{0,        now,       command_line_actor(), "revoke",
                         "api_key", std::to_string(key->id), to_json(before), to_json(*key),
                         "success"};
        Result<std::int64_t> audited = write_audit_entry(tx, entry);
        if (!audited) {
            return audited.error();
        }
        return key;
    });
    if (!revoked) {
        return fail(context, "apikey revoke", revoked.error());
    }

    logger("admin")->info("api key revoked id={} prefix={} by=cli", revoked->id, revoked->prefix);
    context.out << "revoked " << describe(*revoked, now) << "\n";
    context.out << "1 API key revoked\n";
    return 0;
}

}  // namespace inmor::admin
