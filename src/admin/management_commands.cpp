// migrate, setup_admin and apikey: each change is written with its audit
// entry in one transaction.
#include "admin/management_commands.h"

#include "admin/api_key_repository.h"
#include "admin/audit_log.h"
#include "admin/healing.h"
#include "admin/migrations.h"
#include "admin/scheduler.h"
#include "admin/trust_mark_service.h"
#include "admin/user_repository.h"
#include "common/logging.h"

#include <algorithm>

namespace inmor::admin {
namespace {

constexpr std::int64_t kSecondsPerDay = 24 * 60 * 60;

// Writes the audit entry of a command-line change; the actor is "cli".
Result<void> audit(SqlExecutor& transaction, UnixSeconds now, std::string action,
                   std::string resource_type, std::int64_t resource_id,
                   std::optional<boost::json::value> before,
                   std::optional<boost::json::value> after) {
    AuditEntry entry;
    entry.at = now;
    entry.actor = AuditActor{"cli", "cli", "local"};
    entry.action = std::move(action);
    entry.resource_type = std::move(resource_type);
    entry.resource_id = std::to_string(resource_id);
    entry.before = std::move(before);
    entry.after = std::move(after);
    entry.result = "success";

    Result<std::int64_t> written = write_audit_entry(transaction, entry);
    if (!written) {
        return written.error();
    }
    return {};
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
    auto create = [&](SqlExecutor& tx) -> Result<bool> {
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
        Result<void> audited =
            audit(tx, now, "create", "user", user->id, std::nullopt, to_json(*user));
        if (!audited) {
            return audited.error();
        }
        return true;
    };
    Result<bool> created = context.database.with_transaction(create);
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
            Result<void> audited =
                audit(tx, now, "create", "api_key", key->key.id, std::nullopt, to_json(key->key));
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
    auto revoke = [&](SqlExecutor& tx) -> Result<ApiKey> {
        Result<ApiKey> key = revoke_api_key(tx, id_or_prefix);
        if (!key) {
            return key.error();
        }
        // revoke_api_key rejects a key revoked already, so it was active before.
        ApiKey before = *key;
        before.active = true;
        Result<void> audited =
            audit(tx, now, "revoke", "api_key", key->id, to_json(before), to_json(*key));
        if (!audited) {
            return audited.error();
        }
        return key;
    };
    Result<ApiKey> revoked = context.database.with_transaction(revoke);
    if (!revoked) {
        return fail(context, "apikey revoke", revoked.error());
    }

    logger("admin")->info("api key revoked id={} prefix={} by=cli", revoked->id, revoked->prefix);
    context.out << "revoked " << describe(*revoked, now) << "\n";
    context.out << "1 API key revoked\n";
    return 0;
}

namespace {

const AuditActor kCommandActor{"cli", "cli", "local"};

int summarize(SigningCommandContext& context, std::string_view command, std::size_t items,
              std::size_t failures) {
    context.out << command << ": " << items - failures << " done, " << failures
                << " failed\n";
    logger("admin")->info("{} finished items={} failures={}", command, items, failures);
    return failures == 0 ? 0 : 1;
}

}  // namespace

int run_renew_subordinates(SigningCommandContext& context) {
    std::size_t items = 0;
    std::size_t failures = renew_subordinates(context.services, kCommandActor, false,
                                              [&](const std::string& line) {
                                                  ++items;
                                                  context.out << line << "\n";
                                              });
    return summarize(context, "renew_subordinates", std::max(items, failures), failures);
}

int run_reload_issued_tms(SigningCommandContext& context) {
    constexpr std::string_view kCommand = "reload_issued_tms";
    Result<std::vector<TrustMark>> marks = all_trust_marks(context.services.database);
    if (!marks) {
        context.err << kCommand << ": " << marks.error().message() << "\n";
        return 1;
    }

    std::size_t items = 0;
    std::size_t failures = 0;
    for (const TrustMark& mark : *marks) {
        bool live = mark.active && !mark.revoked_at;
        if (live && !mark.mark) {
            continue;
        }
        ++items;
        std::string item = "trust mark " + std::to_string(mark.id) + " " + mark.domain;
        if (ActionResult<void> published = republish_trust_mark(context.services, mark);
            !published) {
            ++failures;
            context.out << item << ": failed: " << published.error().message << "\n";
            continue;
        }
        context.out << item << ": " << (live ? "published" : "revoked") << "\n";
    }

    if (Result<std::size_t> restored = restore_issued_digests(context.services, *marks);
        !restored) {
        ++items;
        ++failures;
        context.out << "issued trust mark digests: failed: " << restored.error().message()
                    << "\n";
    } else {
        context.out << "issued trust mark digests: " << *restored << " restored\n";
    }
    return summarize(context, kCommand, items, failures);
}

int run_reissue_alltms(SigningCommandContext& context) {
    std::size_t items = 0;
    std::size_t failures = renew_trust_marks(context.services, kCommandActor, false,
                                             [&](const std::string& line) {
                                                 ++items;
                                                 context.out << line << "\n";
                                             });
    return summarize(context, "reissue_alltms", std::max(items, failures), failures);
}

}  // namespace inmor::admin
