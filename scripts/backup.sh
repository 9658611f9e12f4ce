#!/usr/bin/env bash
# Backs up what cannot be rebuilt: the admin's durable database, the
# configuration and the keys. The federation store (Redis or the embedded
# SQLite file) is rebuilt from these by restore.sh --rebuild, so it is copied
# only with --with-store.
#
#   scripts/backup.sh -c taconfig.toml [-o DIR] [--with-store]
#
# SQLite is copied with sqlite3's online backup, so the admin may keep
# running; PostgreSQL is dumped with pg_dump as plain SQL (one consistent
# snapshot). DIR (default inmor-backup-UTCTIME) is created mode 0700 because
# it contains private.json; MANIFEST lists every file with its SHA-256.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../deploy/lib/taconfig.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/deploy/lib/taconfig.sh"

usage() {
    echo "usage: backup.sh -c taconfig.toml [-o DIR] [--with-store]" >&2
    exit 2
}

config=""
out_dir="inmor-backup-$(date -u +%Y%m%dT%H%M%SZ)"
with_store=false
while (($# > 0)); do
    case "$1" in
        -c|--config) config="$2"; shift 2 ;;
        -o|--output) out_dir="$2"; shift 2 ;;
        --with-store) with_store=true; shift ;;
        *) usage ;;
    esac
done
[[ -n "$config" ]] || usage
if [[ ! -f "$config" ]]; then
    echo "backup: configuration file not found: $config" >&2
    exit 1
fi
if [[ -e "$out_dir" && -n "$(ls -A "$out_dir" 2>/dev/null)" ]]; then
    echo "backup: output folder is not empty: $out_dir" >&2
    exit 1
fi

umask 077
mkdir -p "$out_dir"
database_url="$(taconfig_database_url "$config")"

backup_database() {
    if [[ "$database_url" == sqlite:* ]]; then
        local path="${database_url#sqlite:}"
        if [[ ! -f "$path" ]]; then
            echo "backup: admin database not found: $path" >&2
            exit 1
        fi
        sqlite3 "$path" ".backup '$out_dir/admin.db'"
        local check
        check="$(sqlite3 "$out_dir/admin.db" 'PRAGMA integrity_check')"
        if [[ "$check" != ok ]]; then
            echo "backup: integrity check of the copy failed: $check" >&2
            exit 1
        fi
        echo "backup: database sqlite $path -> admin.db"
    else
        pg_dump --no-owner --no-privileges --format=plain --file="$out_dir/admin.sql" \
            --dbname="$database_url"
        echo "backup: database postgresql -> admin.sql"
    fi
}

# Copies one configured file or folder into files/NAME, when it exists.
copy_file() {
    local name="$1" path="$2"
    if [[ -e "$path" ]]; then
        cp -pR "$path" "$out_dir/files/$name"
        printf '%s\t%s\n' "$name" "$path" >> "$out_dir/files/PATHS"
    else
        echo "backup: not present, skipped: $path" >&2
    fi
}

backup_files() {
    mkdir -p "$out_dir/files"
    : > "$out_dir/files/PATHS"
    local private_key public_keys historical_keys
    private_key="$(taconfig_value "$config" "" private_key)"
    public_keys="$(taconfig_value "$config" "" public_keys_dir)"
    historical_keys="${HISTORICAL_KEYS_DIR:-$(taconfig_value "$config" "" historical_keys_dir)}"
    copy_file taconfig.toml "$(taconfig_resolve_path "$config" "$(basename -- "$config")")"
    copy_file private.json "$(taconfig_resolve_path "$config" "${private_key:-private.json}")"
    copy_file publickeys "$(taconfig_resolve_path "$config" "${public_keys:-publickeys}")"
    copy_file historical_keys \
        "$(taconfig_resolve_path "$config" "${historical_keys:-historical_keys}")"
    echo "backup: configuration and keys -> files/"
}

backup_store() {
    local redis_uri
    redis_uri="$(taconfig_redis_uri "$config")"
    if [[ -n "$redis_uri" ]]; then
        redis-cli -u "$redis_uri" --no-auth-warning --rdb "$out_dir/federation.rdb" >/dev/null
        echo "backup: federation store redis -> federation.rdb"
    else
        local store
        store="$(taconfig_data_dir "$config")/federation.db"
        sqlite3 "$store" ".backup '$out_dir/federation.db'"
        echo "backup: federation store sqlite -> federation.db"
    fi
}

backup_database
backup_files
if [[ "$with_store" == true ]]; then
    backup_store
fi

{
    echo "created_at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "database ${database_url%%:*}"
    (cd "$out_dir" && find . -type f ! -name MANIFEST -print0 | sort -z | xargs -0 sha256sum)
} > "$out_dir/MANIFEST"
echo "backup: done $out_dir"
