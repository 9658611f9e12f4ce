#!/usr/bin/env bash
# Installs, builds and runs the trust anchor on the embedded store (SQLite
# files, no Redis or PostgreSQL): the federation server `inmor` and the admin
# service `inmor-admin serve` with its scheduler and the web UI. The first run
# creates an instance folder (INMOR_HOME, default ./var) with taconfig.toml, a
# signing key and the first admin user; later runs reuse all of it. Ctrl-C
# stops both services. Run as root on Debian 12.
#   INMOR_HOME        instance folder (default ./var)
#   INMOR_PORT        federation server port (default 8080)
#   INMOR_ADMIN_PORT  admin service port (default 8000)
#   INMOR_DOMAIN      entity identifier (default http://127.0.0.1:INMOR_PORT)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
cd "$INMOR_ROOT"

home="${INMOR_HOME:-${INMOR_ROOT}/var}"
port="${INMOR_PORT:-8080}"
admin_port="${INMOR_ADMIN_PORT:-8000}"
domain="${INMOR_DOMAIN:-http://127.0.0.1:${port}}"
bin="${INMOR_ROOT}/build/release/src/cli"
ui_dist="${INMOR_ROOT}/webui/dist"

phase "install system packages"
INMOR_DEPS=runtime bash scripts/install-deps.sh
# The web UI is built with Node.js 20 or later (vite); Debian's nodejs is
# installed only when no node is present at all.
if ! command -v npm >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm \
        >/dev/null
fi

phase "build (release)"
bash scripts/build.sh release

phase "build web UI"
# Without Node.js 20 (Debian 12's own nodejs is 18) the admin runs without the
# web UI; its API works the same.
ui_note=""
if [[ ! -f "$ui_dist/index.html" || -n "$(find webui/src webui/index.html -newer \
        "$ui_dist/index.html" -print -quit)" ]]; then
    node_major="$(node -p 'process.versions.node.split(".")[0]')"
    if ((node_major < 20)); then
        ui_note="not built: the web UI needs Node.js 20 or later, this machine has $(node --version)"
    elif ! (cd webui && npm ci --no-audit --no-fund --loglevel=error && npm run build); then
        ui_note="not built: npm failed (see above)"
    fi
fi
if [[ ! -f "$ui_dist/index.html" ]]; then
    ui_note="${ui_note:-not built}"
    echo "run: web UI ${ui_note}; the admin serves the API only" >&2
fi

phase "prepare instance ${home}"
mkdir -p "$home"
if [[ ! -f "$home/taconfig.toml" ]]; then
    cat > "$home/taconfig.toml" <<TOML
# Made by scripts/run.sh for a local trust anchor. An http domain needs
# allow_http, the development switch; use an https domain in production.
domain = "${domain}"
allow_http = true
data_dir = "data"
private_key = "private.json"
public_keys_dir = "publickeys"
historical_keys_dir = "historical_keys"
listen = "127.0.0.1:${port}"
metrics_listen = "127.0.0.1:9100"

[federation]
organization_name = "Local Trust Anchor"

[admin]
listen = "127.0.0.1:${admin_port}"
metrics_listen = "127.0.0.1:9101"
database_url = "sqlite:data/admin.db"
secret_key = "$(openssl rand -hex 32)"
# The admin is served over plain http on loopback here; behind a TLS proxy
# keep the default (true).
session_cookie_secure = false
ui_dir = "${ui_dist}"
# The federation server whose /health and /status the dashboard shows.
federation_server_url = "http://127.0.0.1:${port}"

[scheduler]
enabled = true
TOML
    chmod 600 "$home/taconfig.toml"
    echo "run: wrote ${home}/taconfig.toml"
fi
# An instance folder from an earlier run.sh has no admin service settings; its
# file ends in the [admin] table, so the missing keys are appended there.
if ! grep -q '^\[scheduler\]' "$home/taconfig.toml"; then
    if [[ "$(grep '^\[' "$home/taconfig.toml" | tail -n 1)" == "[admin]" ]] &&
            ! grep -q '^ui_dir' "$home/taconfig.toml"; then
        cat >> "$home/taconfig.toml" <<TOML
# Added by scripts/run.sh for inmor-admin serve.
listen = "127.0.0.1:${admin_port}"
secret_key = "$(openssl rand -hex 32)"
session_cookie_secure = false
ui_dir = "${ui_dist}"
federation_server_url = "http://127.0.0.1:${port}"

[scheduler]
enabled = true
TOML
        chmod 600 "$home/taconfig.toml"
        echo "run: added the admin service settings to ${home}/taconfig.toml"
    else
        echo "run: ${home}/taconfig.toml has no [scheduler] table; add one with" \
            "enabled = true to run the periodic tasks" >&2
    fi
fi
if [[ ! -f "$home/private.json" ]]; then
    "$bin/inmor-keygeneration" --type=ES256 --output="$home"
else
    echo "run: reusing the signing key ${home}/private.json"
fi
config="$home/taconfig.toml"
# ui_dir follows whether the web UI is built: the admin refuses a ui_dir
# without index.html.
if [[ -f "$ui_dist/index.html" ]]; then
    sed -i "s|^ui_dir = .*|ui_dir = \"${ui_dist}\"|" "$config"
else
    sed -i 's|^ui_dir = .*|ui_dir = ""|' "$config"
fi
"$bin/inmor" --check-config -c "$config"

phase "admin database and first user"
"$bin/inmor-admin" -c "$config" migrate
if [[ ! -f "$home/admin-password" ]]; then
    (umask 077 && openssl rand -base64 18 > "$home/admin-password")
fi
# Leaves an existing user as it is, password included.
INMOR_ADMIN_PASSWORD="$(cat "$home/admin-password")" \
    "$bin/inmor-admin" -c "$config" setup_admin --username admin --noinput

phase "publish entity configuration"
"$bin/inmor-admin" -c "$config" regenerate_entity
"$bin/inmor-admin" -c "$config" publish_historical_keys

phase "start services"
trap 'stop_children; echo "run: stopped"' INT TERM EXIT

# Each service logs to a file of its own, so the URLs below stay readable.
mkdir -p "$home/logs"
"$bin/inmor" -c "$config" -p "$port" >>"$home/logs/inmor.log" 2>&1 &
children+=($!)
"$bin/inmor-admin" -c "$config" serve -p "$admin_port" >>"$home/logs/admin.log" 2>&1 &
children+=($!)

# Both respond before the URLs are printed.
for url in "http://127.0.0.1:${port}/health" "http://127.0.0.1:${admin_port}/api/v1/auth/csrf"; do
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && break
        sleep 0.1
    done
    if ! curl -fsS -o /dev/null "$url"; then
        echo "run: ${url} does not respond; the end of the logs:" >&2
        tail -n 20 "$home/logs/inmor.log" "$home/logs/admin.log" >&2
        exit 1
    fi
done
phase_end

cat <<TEXT

Trust anchor ${domain}
  entity configuration  ${domain}/.well-known/openid-federation
  index page            ${domain}/
  status                ${domain}/status
Admin service http://127.0.0.1:${admin_port}/
  web UI                ${ui_note:-http://127.0.0.1:${admin_port}/}
  API documentation     http://127.0.0.1:${admin_port}/api/v1/docs (after signing in)
Admin user "admin"; its password is in ${home}/admin-password
Logs: ${home}/logs/inmor.log and ${home}/logs/admin.log
An API key for scripts: ${bin}/inmor-admin -c ${config} apikey create --username admin
Stop both with Ctrl-C.

TEXT

# Returns when either service exits; the trap then stops the other.
wait -n "${children[@]}"
