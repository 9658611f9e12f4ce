#!/usr/bin/env bash
# Entrypoint of the federation server image. With
# INMOR_GENERATE_KEY_IF_MISSING=true and no signing key at the configured
# private_key path, it makes an ES256 key pair there first, for a trial
# deployment on a shared volume. Production mounts its own private.json and
# leaves the variable unset. Then it runs the command (default: inmor).
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/taconfig.sh
source /app/lib/taconfig.sh

config="${INMOR_CONFIG:-/app/taconfig.toml}"

if [[ "${INMOR_GENERATE_KEY_IF_MISSING:-false}" == true ]]; then
    private_key="$(taconfig_value "$config" "" private_key)"
    private_key="$(taconfig_resolve_path "$config" "${private_key:-private.json}")"
    if [[ ! -f "$private_key" ]]; then
        echo "ta-entrypoint: no signing key at ${private_key}; generating an ES256 key" >&2
        /app/inmor-keygeneration --type=ES256 --output="$(dirname "$private_key")"
    fi
fi

exec "$@"
