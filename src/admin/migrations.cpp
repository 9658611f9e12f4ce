// The schema of the admin database, as numbered steps.
//
// One text serves both engines through a portable subset of SQL:
// - BIGINT for integers and Unix times in seconds, INTEGER 0/1 for booleans;
// - TEXT for strings and JSON documents;
// - CHECK constraints named after their column, so both engines report it;
// - `{{id}}` for the auto-numbered primary key: INTEGER PRIMARY KEY
//   AUTOINCREMENT on SQLite, BIGSERIAL PRIMARY KEY on PostgreSQL.
#include "admin/migrations.h"

#include "common/clock.h"
#include "common/logging.h"

#include <string>

namespace inmor::admin {
namespace {

// Any constant unique to this program; it names the advisory lock that
// serializes migrations between processes on PostgreSQL.
constexpr std::int64_t kMigrationLockKey = 0x696e6d6f72;  // "inmor"

constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE subordinates (
    id {{id}},
    entityid TEXT NOT NULL UNIQUE,
    metadata TEXT NOT NULL,
    forced_metadata TEXT NOT NULL,
    jwks TEXT NOT NULL,
    required_trustmarks TEXT,
    valid_for BIGINT CONSTRAINT valid_for CHECK (valid_for > 0),
    expire_at BIGINT,
    autorenew INTEGER NOT NULL DEFAULT 1,
    active INTEGER NOT NULL DEFAULT 1,
    additional_claims TEXT,
    statement TEXT,
    entity_configuration TEXT,
    held_for_approval INTEGER NOT NULL DEFAULT 0,
    held_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE trust_mark_types (
    id {{id}},
    tmtype TEXT NOT NULL UNIQUE,
    autorenew INTEGER NOT NULL DEFAULT 1,
    valid_for BIGINT NOT NULL CONSTRAINT valid_for CHECK (valid_for > 0),
    renewal_time BIGINT NOT NULL CONSTRAINT renewal_time CHECK (renewal_time >= 0),
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE trust_marks (
    id {{id}},
    tmt_id BIGINT NOT NULL REFERENCES trust_mark_types (id),
    domain TEXT NOT NULL,
    expire_at BIGINT,
    autorenew INTEGER NOT NULL DEFAULT 1,
    valid_for BIGINT NOT NULL CONSTRAINT valid_for CHECK (valid_for > 0),
    renewal_time BIGINT NOT NULL CONSTRAINT renewal_time CHECK (renewal_time >= 0),
    active INTEGER NOT NULL DEFAULT 1,
    mark TEXT,
    additional_claims TEXT,
    revoked_at BIGINT,
    UNIQUE (tmt_id, domain)
);
CREATE INDEX trust_marks_domain ON trust_marks (domain);
CREATE TABLE users (
    id {{id}},
    username TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    is_superuser INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_login BIGINT
);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    mfa_pending INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE api_keys (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    active INTEGER NOT NULL DEFAULT 1,
    last_used_at BIGINT
);
CREATE TABLE mfa_secrets (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    totp_secret TEXT NOT NULL,
    confirmed INTEGER NOT NULL DEFAULT 0,
    last_used_step BIGINT,
    recovery_code_hashes TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE audit_log (
    id {{id}},
    at BIGINT NOT NULL,
    username TEXT NOT NULL,
    auth_method TEXT NOT NULL,
    client_address TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL DEFAULT '',
    before TEXT,
    after TEXT,
    result TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TABLE scheduler_lock (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE login_attempts (
    id {{id}},
    username TEXT NOT NULL,
    client_address TEXT NOT NULL,
    at BIGINT NOT NULL,
    succeeded INTEGER NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (username, at);
CREATE INDEX login_attempts_client ON login_attempts (client_address, at)
)sql";

// Every trust mark ever signed, by the digest `inmor:tm:alltime` holds, so a
// revoked mark (whose JWT is cleared) still has status `revoked` after the
// federation store is rebuilt from the durable data.
// NOTE: a mark revoked before this version has no row, because its JWT was
// already cleared. Healing records the digest of every JWT still stored.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE issued_trust_marks (
    digest TEXT PRIMARY KEY,
    trust_mark_id BIGINT NOT NULL REFERENCES trust_marks (id),
    issued_at BIGINT NOT NULL
);
CREATE INDEX issued_trust_marks_mark ON issued_trust_marks (trust_mark_id)
)sql";

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
        text.replace(at, from.size(), to);
        at += to.size();
    }
    return text;
}

bool is_blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Result<void> create_version_table(SqlExecutor& transaction) {
    Result<std::int64_t> created = transaction.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)");
    if (!created) {
        return created.error();
    }
    return {};
}

// Applies one migration unless present; returns whether it ran.
Result<bool> apply_one(SqlExecutor& transaction, const Migration& migration) {
    if (transaction.engine() == DatabaseEngine::kPostgres) {
        Result<std::int64_t> locked = transaction.execute("SELECT pg_advisory_xact_lock(?)",
                                                          {kMigrationLockKey});
        if (!locked) {
            return locked.error();
        }
    }
    Result<void> table = create_version_table(transaction);
    if (!table) {
        return table.error();
    }

    Result<std::optional<Row>> present = transaction.query_one(
        "SELECT version FROM schema_migrations WHERE version = ?",
        {static_cast<std::int64_t>(migration.version)});
    if (!present) {
        return present.error();
    }
    if (present->has_value()) {
        return false;
    }

    for (const std::string& statement : migration_statements(migration, transaction.engine())) {
        Result<std::int64_t> done = transaction.execute(statement);
        if (!done) {
            return done.error().with_context("migration " + std::to_string(migration.version));
        }
    }
    Result<std::int64_t> recorded = transaction.execute(
        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
        {static_cast<std::int64_t>(migration.version), system_clock().now()});
    if (!recorded) {
        return recorded.error();
    }
    return true;
}

}  // namespace

const std::vector<Migration>& all_migrations() {
    static const std::vector<Migration> migrations = {
        {1, "subordinates, trust marks, users, sessions, API keys, MFA, audit log, locks",
         kSchemaV1},
        {2, "digests of every issued trust mark", kSchemaV2},
    };
    return migrations;
}

std::vector<std::string> migration_statements(const Migration& migration, DatabaseEngine engine) {
    std::string_view primary_key = engine == DatabaseEngine::kSqlite
                                       ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                       : "BIGSERIAL PRIMARY KEY";
    std::string text = replace_all(std::string(migration.sql), "{{id}}", primary_key);

    // Statements hold no ';' inside literals, so a plain split is exact.
    std::vector<std::string> statements;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(';', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::string statement = text.substr(start, end - start);
        if (!is_blank(statement)) {
            statements.push_back(std::move(statement));
        }
        start = end + 1;
    }
    return statements;
}

Result<MigrationReport> migrate(Database& database) {
    MigrationReport report;
    for (const Migration& migration : all_migrations()) {
        Result<bool> ran = database.with_transaction(
            [&](SqlExecutor& transaction) { return apply_one(transaction, migration); });
        if (!ran) {
            return ran.error();
        }
        if (*ran) {
            report.applied.push_back(migration.version);
            logger("admin")->info("schema migration applied version={} description=\"{}\"",
                                  migration.version, migration.description);
        }
        report.current_version = migration.version;
    }
    return report;
}

}  // namespace inmor::admin
