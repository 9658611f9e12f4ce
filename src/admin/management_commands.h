// The management commands of inmor-admin: migrate, setup_admin and apikey
// create/list/revoke on the durable store alone, and renew_subordinates,
// reload_issued_tms and reissue_alltms, which also sign and publish.
#pragma once

#include "admin/admin_action.h"
#include "admin/database.h"
#include "common/clock.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace inmor::admin {

/// The database and output streams of one command run. `out` receives the
/// result lines (for `apikey create`, the key alone) and `err` receives
/// progress and error messages.
struct CommandContext {
    Database& database;
    const Clock& clock;
    std::ostream& out;
    std::ostream& err;
};

/// Applies pending schema migrations, one line per migration and a summary.
/// Returns the process exit status.
int run_migrate(CommandContext& context);

struct SetupAdminOptions {
    std::string username;
    std::string email;
    std::string password;
};

/// Creates the superuser. An existing user of that name is left unchanged
/// and reported, with status 0, so start-up scripts can run it every time.
int run_setup_admin(CommandContext& context, const SetupAdminOptions& options);

struct ApiKeyCreateOptions {
    std::string username;
    std::string key_name = "cli";
    std::optional<std::int64_t> expires_days;
};

/// Creates an API key and prints it alone on `out`; details go to `err`.
int run_apikey_create(CommandContext& context, const ApiKeyCreateOptions& options);

/// Prints one line per API key and a summary.
int run_apikey_list(CommandContext& context);

/// Revokes the key with this id or prefix.
int run_apikey_revoke(CommandContext& context, const std::string& id_or_prefix);

/// The running admin's services and the output streams of one signing
/// command. `out` receives one line per item and the summary.
struct SigningCommandContext {
    const AdminServices& services;
    std::ostream& out;
    std::ostream& err;
};

/// Fetches every active subordinate's entity configuration again and signs
/// a new statement (held ones are reported and skipped). Returns 1 when any
/// item failed; every item is tried.
int run_renew_subordinates(SigningCommandContext& context);

/// Publishes every trust mark from the durable data: the stored JWT of each
/// active mark, `revoked` for each revoked one. Nothing is signed.
int run_reload_issued_tms(SigningCommandContext& context);

/// Signs every active trust mark again (new `iat` and `exp`) and publishes it.
int run_reissue_alltms(SigningCommandContext& context);

}  // namespace inmor::admin
