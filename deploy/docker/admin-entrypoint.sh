#!/usr/bin/env bash
# Entrypoint of the admin image, also usable outside a container. It applies
# database migrations and rebuilds the federation store from the durable data
# when the store contains no entity configuration (a new or flushed Redis, a
# lost embedded store). Then it starts the admin service.
#
#   admin-entrypoint.sh [serve]      migrate, rebuild when empty, exec serve
#   admin-entrypoint.sh init         migrate and rebuild when empty, then exit
#   admin-entrypoint.sh ARGS...      exec inmor-admin -c CONFIG ARGS...
#
# Environment: INMOR_CONFIG (default /app/taconfig.toml), INMOR_BIN_DIR
# (default /app), INMOR_ADMIN_PORT (passed to serve as -p), and
# INMOR_ADMIN_USERNAME with INMOR_ADMIN_PASSWORD to create the first
# superuser. INMOR_MIGRATE_ATTEMPTS (default 30, two seconds apart) bounds
# the wait for a database that is still starting.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
config="${INMOR_CONFIG:-/app/taconfig.toml}"
bin_dir="${INMOR_BIN_DIR:-/app}"
admin="${bin_dir}/inmor-admin"

# The image keeps the helper in /app/lib, the source tree in deploy/lib.
for candidate in "$script_dir/lib/taconfig.sh" "$script_dir/../lib/taconfig.sh"; do
    if [[ -f "$candidate" ]]; then
        # shellcheck source=SCRIPTDIR/../lib/taconfig.sh
        source "$candidate"
        break
    fi
done
if ! declare -F taconfig_store_has_entity_configuration >/dev/null; then
    echo "admin-entrypoint: taconfig.sh not found next to $0" >&2
    exit 1
fi

log() {
    echo "admin-entrypoint: $*" >&2
}

has_command() {
    "$admin" --help 2>/dev/null | awk '/^Subcommands:/ {on = 1; next} on {print $1}' |
        grep -qx "$1"
}

run_admin() {
    log "running command=$1"
    "$admin" -c "$config" "$@"
}

migrate_with_retries() {
    local attempts="${INMOR_MIGRATE_ATTEMPTS:-30}" attempt
    for ((attempt = 1; attempt <= attempts; attempt++)); do
        if "$admin" -c "$config" migrate; then
            return 0
        fi
        log "migrate failed attempt=${attempt} of=${attempts}; retrying in 2 s"
        sleep 2
    done
    log "migrate failed after ${attempts} attempts; is the database reachable?"
    return 1
}

create_first_user() {
    if [[ -z "${INMOR_ADMIN_USERNAME:-}" ]]; then
        return 0
    fi
    if [[ -z "${INMOR_ADMIN_PASSWORD:-}" ]]; then
        log "INMOR_ADMIN_USERNAME is set but INMOR_ADMIN_PASSWORD is missing"
        return 1
    fi
    run_admin setup_admin --username "$INMOR_ADMIN_USERNAME" --noinput
}

# Publishing is replayable from the durable data, so an empty store is
# refilled in the order the data depends on: entity configuration and
# historical keys first, then trust marks, then subordinate statements.
rebuild_federation_store() {
    if taconfig_store_has_entity_configuration "$config"; then
        log "federation store contains an entity configuration; no rebuild"
        return 0
    fi
    log "federation store is empty; rebuilding from the durable data"
    run_admin regenerate_entity
    run_admin publish_historical_keys
    local command
    for command in reload_issued_tms renew_subordinates; do
        if has_command "$command"; then
            # One failing item (an unreachable subordinate) must not keep the
            # admin from starting. The command prints which item failed.
            run_admin "$command" || log "command failed command=${command}; continuing"
        else
            log "skipped command=${command}: this inmor-admin build does not have it"
        fi
    done
}

initialize() {
    if [[ ! -f "$config" ]]; then
        log "configuration file not found: ${config} (set INMOR_CONFIG)"
        exit 1
    fi
    migrate_with_retries
    create_first_user
    rebuild_federation_store
}

mode="${1:-serve}"
case "$mode" in
    serve)
        shift $(( $# > 0 ? 1 : 0 ))
        initialize
        if ! has_command serve; then
            log "this inmor-admin build has no serve command; cannot start the admin service"
            exit 1
        fi
        port_arguments=()
        if [[ -n "${INMOR_ADMIN_PORT:-}" ]]; then
            port_arguments=(-p "$INMOR_ADMIN_PORT")
        fi
        log "starting inmor-admin serve config=${config}"
        exec "$admin" -c "$config" serve "${port_arguments[@]}" "$@"
        ;;
    init)
        initialize
        ;;
    *)
        exec "$admin" -c "$config" "$@"
        ;;
esac
