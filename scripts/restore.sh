#!/usr/bin/env bash
# Restores a backup made by backup.sh into the database that taconfig.toml
# names, then applies pending migrations (a backup from an older release is
# brought to the current schema) and, with --rebuild, republishes the
# federation store from the restored data.
#
#   scripts/restore.sh -c taconfig.toml BACKUP_DIR [--files] [--rebuild] [--force]
#
#   --files    also put taconfig.toml, private.json, publickeys/ and
#              historical_keys/ back where the backup found them
#   --rebuild  sign and publish the entity configuration, historical keys,
#              trust marks and subordinate statements again
#   --force    replace an existing SQLite file, or drop every table of a
#              non-empty PostgreSQL database, or overwrite existing key files
#
# Stop inmor-admin and the timers first: a restore under a running admin
# races with its writes. Binaries come from INMOR_BIN_DIR, else from PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/../deploy/lib/taconfig.sh
source "$root/deploy/lib/taconfig.sh"

usage() {
    echo "usage: restore.sh -c taconfig.toml BACKUP_DIR [--files] [--rebuild] [--force]" >&2
    exit 2
}

config=""
backup_dir=""
restore_files=false
rebuild=false
force=false
while (($# > 0)); do
    case "$1" in
        -c|--config) config="$2"; shift 2 ;;
        --files) restore_files=true; shift ;;
        --rebuild) rebuild=true; shift ;;
        --force) force=true; shift ;;
        -*) usage ;;
        *) [[ -z "$backup_dir" ]] || usage; backup_dir="$1"; shift ;;
    esac
done
[[ -n "$backup_dir" ]] || usage
if [[ ! -f "$backup_dir/MANIFEST" ]]; then
    echo "restore: $backup_dir has no MANIFEST; is it a backup.sh folder?" >&2
    exit 1
fi

admin="inmor-admin"
if [[ -n "${INMOR_BIN_DIR:-}" ]]; then
    admin="$INMOR_BIN_DIR/inmor-admin"
fi

verify_manifest() {
    if ! (cd "$backup_dir" && grep -E '^[0-9a-f]{64}  ' MANIFEST | sha256sum --check --quiet); then
        echo "restore: a file in $backup_dir does not match MANIFEST; not restoring" >&2
        exit 1
    fi
}

restore_files_back() {
    local name path
    while IFS=$'\t' read -r name path; do
        if [[ -e "$path" && "$force" != true ]]; then
            echo "restore: kept existing $path (use --force to overwrite)"
            continue
        fi
        mkdir -p "$(dirname "$path")"
        rm -rf "$path"
        cp -pR "$backup_dir/files/$name" "$path"
        echo "restore: file $path"
    done < "$backup_dir/files/PATHS"
}

restore_sqlite() {
    local path="$1"
    if [[ ! -f "$backup_dir/admin.db" ]]; then
        echo "restore: the backup contains no admin.db, but the configuration names SQLite" >&2
        exit 1
    fi
    if [[ -e "$path" && "$force" != true ]]; then
        echo "restore: $path exists; stop inmor-admin and use --force to replace it" >&2
        exit 1
    fi
    mkdir -p "$(dirname "$path")"
    # Copy beside the target, then rename over it, so a failure leaves the old
    # file whole. The old -wal and -shm files belong to the old content.
    sqlite3 "$backup_dir/admin.db" ".backup '$path.restoring'"
    rm -f "$path-wal" "$path-shm"
    mv -f "$path.restoring" "$path"
    echo "restore: database sqlite $path"
}

restore_postgres() {
    local url="$1" tables
    if [[ ! -f "$backup_dir/admin.sql" ]]; then
        echo "restore: the backup contains no admin.sql, but the configuration names PostgreSQL" >&2
        exit 1
    fi
    tables="$(psql -X -q -t -A --dbname="$url" \
        -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
    if [[ "$tables" != 0 ]]; then
        if [[ "$force" != true ]]; then
            echo "restore: the database contains $tables tables; use an empty database or --force" >&2
            exit 1
        fi
        PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 \
            --dbname="$url" -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public"
    fi
    psql -X -q -v ON_ERROR_STOP=1 --single-transaction --dbname="$url" \
        -f "$backup_dir/admin.sql" >/dev/null
    echo "restore: database postgresql"
}

rebuild_store() {
    local command
    for command in regenerate_entity publish_historical_keys reload_issued_tms renew_subordinates
    do
        if ! "$admin" --help | awk '/^Subcommands:/ {on = 1; next} on {print $1}' |
            grep -qx "$command"; then
            echo "restore: skipped $command: this inmor-admin build does not have it"
            continue
        fi
        "$admin" -c "$config" "$command"
    done
}

verify_manifest
if [[ "$restore_files" == true ]]; then
    restore_files_back
fi
if [[ -z "$config" ]]; then
    config="$backup_dir/files/taconfig.toml"
fi
if [[ ! -f "$config" ]]; then
    echo "restore: configuration file not found: $config" >&2
    exit 1
fi

database_url="$(taconfig_database_url "$config")"
if [[ "$database_url" == sqlite:* ]]; then
    restore_sqlite "${database_url#sqlite:}"
else
    restore_postgres "$database_url"
fi
"$admin" -c "$config" migrate
if [[ "$rebuild" == true ]]; then
    rebuild_store
fi
echo "restore: done"
