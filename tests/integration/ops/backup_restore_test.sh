#!/usr/bin/env bash
# Backs up and restores a real admin database with scripts/backup.sh and
# scripts/restore.sh, and checks that nothing is lost. The restored database
# dumps to the same SQL as the original at backup time, and the key files come
# back byte for byte. restore --rebuild refills an emptied federation store,
# so a real inmor serves the entity configuration and historical keys.
#
#   backup_restore_test.sh sqlite     embedded store, SQLite admin database
#   backup_restore_test.sh postgres   Redis (own loopback instance) and
#                                     PostgreSQL from INMOR_TEST_DATABASE_URL
#
# Binaries come from INMOR_BIN_DIR. Exit 77 (skipped) when a service the
# case needs is not available.
set -euo pipefail

mode="${1:?usage: backup_restore_test.sh sqlite|postgres}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
bin="${INMOR_BIN_DIR:?INMOR_BIN_DIR must name the folder of the built binaries}"
work="$(mktemp -d)"
pids=()
databases=()
base_url="${INMOR_TEST_DATABASE_URL:-}"

cleanup() {
    local pid database
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for database in "${databases[@]}"; do
        psql -X -q --dbname="$base_url" -c "DROP DATABASE IF EXISTS $database" || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

skip() {
    echo "SKIPPED: $*"
    exit 77
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_http() {
    local url="$1"
    # Up to 30 s: sanitizer builds start slowly on a loaded machine.
    for _ in $(seq 300); do
        curl --silent --output /dev/null "$url" && return 0
        sleep 0.1
    done
    fail "nothing answers at $url"
}

# JSON payload of the JWT in file $1, decoded.
jwt_payload() {
    python3 - "$1" <<'PY'
import base64, sys
token = open(sys.argv[1]).read().strip()
part = token.split(".")[1]
print(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode())
PY
}

admin() {
    "$bin/inmor-admin" -c "$instance/taconfig.toml" "$@"
}

# --- instance -------------------------------------------------------------

instance="$work/instance"
mkdir -p "$instance"
port="$(free_port)"
store_line=""
database_line='database_url = "sqlite:data/admin.db"'

if [[ "$mode" == postgres ]]; then
    [[ -n "$base_url" ]] || skip "INMOR_TEST_DATABASE_URL is not set"
    psql -X -q --dbname="$base_url" -c "SELECT 1" >/dev/null 2>&1 ||
        skip "PostgreSQL at INMOR_TEST_DATABASE_URL does not answer"
    command -v redis-server >/dev/null || skip "redis-server is not installed"

    source_db="inmor_ops_$$_source"
    target_db="inmor_ops_$$_target"
    for database in "$source_db" "$target_db"; do
        psql -X -q -v ON_ERROR_STOP=1 --dbname="$base_url" -c "CREATE DATABASE $database"
        databases+=("$database")
    done
    source_url="${base_url%/*}/$source_db"
    target_url="${base_url%/*}/$target_db"
    database_line="database_url = \"$source_url\""

    redis_port="$(free_port)"
    redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
        --dir "$work" --logfile "$work/redis.log" &
    pids+=($!)
    for _ in $(seq 100); do
        redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 || fail "redis-server did not start"
    store_line="redis_uri = \"redis://127.0.0.1:$redis_port\""
fi

cat > "$instance/taconfig.toml" <<TOML
domain = "http://127.0.0.1:$port"
allow_http = true
listen = "127.0.0.1:$port"
metrics_listen = ""
$store_line

[admin]
$database_line
TOML

"$bin/inmor-keygeneration" --type=ES256 --output="$instance" >/dev/null
# A second key, retired at once, so the historical keys JWT is not empty.
"$bin/inmor-keygeneration" --type=ES256 --output="$work/old-key" >/dev/null
old_kid="$(basename -- "$(ls "$work/old-key/publickeys/")" .json)"
"$bin/inmor-keygeneration" --retire "$work/old-key/publickeys/$old_kid.json" \
    --output="$instance" --revoked superseded >/dev/null
current_kid="$(basename -- "$(ls "$instance/publickeys/")" .json)"

admin migrate >/dev/null
INMOR_ADMIN_PASSWORD=first-password-0123 admin setup_admin --username operator --noinput
admin apikey create --username operator --key-name deploy-script >/dev/null
admin apikey create --username operator --key-name to-revoke >/dev/null
admin apikey revoke "$(admin apikey list | awk '/name=to-revoke/ {print $1; exit}')" >/dev/null
admin apikey list | grep -q 'name=to-revoke .*status=revoked' || fail "API key revocation failed"
admin regenerate_entity >/dev/null
admin publish_historical_keys >/dev/null

# --- database fingerprints --------------------------------------------------

dump_database() {
    if [[ "$mode" == sqlite ]]; then
        sqlite3 "$instance/data/admin.db" .dump
    else
        # pg_dump wraps each dump in \restrict KEY ... \unrestrict KEY with a
        # random KEY (PostgreSQL 15.14 and later), so those lines are dropped.
        pg_dump --no-owner --no-privileges --data-only --column-inserts --dbname="$1" |
            grep -v -E '^\\(un)?restrict '
    fi
}

# --- backup ---------------------------------------------------------------

holder_pid=""
if [[ "$mode" == sqlite ]]; then
    # An open connection keeps the write-ahead log from being checkpointed, so
    # the newest rows live only in admin.db-wal: a plain file copy would miss
    # them, the online backup must not.
    mkfifo "$work/holder"
    sqlite3 "$instance/data/admin.db" < "$work/holder" > /dev/null &
    holder_pid=$!
    pids+=("$holder_pid")
    exec 7> "$work/holder"
    echo "SELECT count(*) FROM sqlite_master;" >&7
    INMOR_ADMIN_PASSWORD=second-password-0123 admin setup_admin --username auditor --noinput
    [[ -s "$instance/data/admin.db-wal" ]] || echo "note: the WAL is empty; the online case is weaker"
fi

expected_dump="$(dump_database "${source_url:-}")"
expected_keys="$(admin apikey list)"
bash "$root/scripts/backup.sh" -c "$instance/taconfig.toml" -o "$work/backup" --with-store

grep -q "^database ${mode/postgres/postgresql}$" "$work/backup/MANIFEST" ||
    fail "MANIFEST does not name the database kind"
[[ "$(stat -c %a "$work/backup")" == 700 ]] || fail "backup folder is not mode 0700"

# Changes after the backup must be gone after the restore.
admin apikey create --username operator --key-name after-backup >/dev/null
INMOR_ADMIN_PASSWORD=third-password-0123 admin setup_admin --username late-user --noinput
[[ "$(dump_database "${source_url:-}")" != "$expected_dump" ]] ||
    fail "the changes after the backup did not change the dump"

if [[ -n "$holder_pid" ]]; then
    exec 7>&-
    wait "$holder_pid" || true
fi

# --- restore the database ---------------------------------------------------

if [[ "$mode" == sqlite ]]; then
    if bash "$root/scripts/restore.sh" -c "$instance/taconfig.toml" "$work/backup" 2>/dev/null; then
        fail "restore replaced an existing SQLite file without --force"
    fi
    INMOR_BIN_DIR="$bin" bash "$root/scripts/restore.sh" -c "$instance/taconfig.toml" \
        "$work/backup" --force
    restored_dump="$(dump_database)"
else
    # Into a fresh, empty database named by a second configuration.
    sed "s|$source_url|$target_url|" "$instance/taconfig.toml" > "$instance/target.toml"
    INMOR_BIN_DIR="$bin" bash "$root/scripts/restore.sh" -c "$instance/target.toml" \
        "$work/backup"
    restored_dump="$(dump_database "$target_url")"
    if INMOR_BIN_DIR="$bin" bash "$root/scripts/restore.sh" -c "$instance/target.toml" \
        "$work/backup" 2>/dev/null; then
        fail "restore wrote into a non-empty PostgreSQL database without --force"
    fi
    INMOR_BIN_DIR="$bin" bash "$root/scripts/restore.sh" -c "$instance/target.toml" \
        "$work/backup" --force
    [[ "$(dump_database "$target_url")" == "$restored_dump" ]] ||
        fail "restore --force into the non-empty database changed the result:
$(diff <(echo "$restored_dump") <(dump_database "$target_url") | head -20)"
    cp "$instance/target.toml" "$instance/taconfig.toml"
fi

[[ "$restored_dump" == "$expected_dump" ]] ||
    fail "restored database differs from the database at backup time:
$(diff <(echo "$expected_dump") <(echo "$restored_dump") | head -20)"
[[ "$(admin apikey list)" == "$expected_keys" ]] ||
    fail "apikey list differs after the restore"
echo "ok: database restored, $(echo "$expected_dump" | wc -l) dump lines identical"

# --- restore the key files ------------------------------------------------

private_sha="$(sha256sum < "$instance/private.json")"
rm -rf "$instance/private.json" "$instance/publickeys" "$instance/historical_keys"
INMOR_BIN_DIR="$bin" bash "$root/scripts/restore.sh" -c "$instance/taconfig.toml" \
    "$work/backup" --files --force >/dev/null
[[ "$(sha256sum < "$instance/private.json")" == "$private_sha" ]] ||
    fail "private.json differs after restore --files"
[[ "$(stat -c %a "$instance/private.json")" == 600 ]] ||
    fail "private.json lost its mode 0600"
[[ -f "$instance/historical_keys/$old_kid.json" ]] || fail "historical key not restored"
echo "ok: key files restored"

# --- rebuild the federation store -------------------------------------------

if [[ "$mode" == sqlite ]]; then
    rm -f "$instance/data/federation.db" "$instance/data/federation.db-wal" \
        "$instance/data/federation.db-shm"
else
    redis-cli -p "$redis_port" FLUSHALL >/dev/null
    [[ "$(redis-cli -p "$redis_port" EXISTS inmor:entity_id)" == 0 ]] || fail "flush failed"
fi
INMOR_BIN_DIR="$bin" bash "$root/scripts/restore.sh" -c "$instance/taconfig.toml" \
    "$work/backup" --force --rebuild

"$bin/inmor" -c "$instance/taconfig.toml" > "$work/inmor.log" 2>&1 &
pids+=($!)
wait_for_http "http://127.0.0.1:$port/health"

curl --silent --fail "http://127.0.0.1:$port/.well-known/openid-federation" \
    > "$work/ec.jwt" || fail "no entity configuration after the rebuild"
jwt_payload "$work/ec.jwt" | grep -q "\"$current_kid\"" ||
    fail "the rebuilt entity configuration does not carry kid $current_kid"
curl --silent --fail "http://127.0.0.1:$port/historical_keys" > "$work/hk.jwt" ||
    fail "no historical keys after the rebuild"
jwt_payload "$work/hk.jwt" | grep -q "\"$old_kid\"" ||
    fail "the rebuilt historical keys do not carry the retired kid $old_kid"
echo "ok: federation store rebuilt and served by inmor"
echo "PASS: backup and restore ($mode)"
