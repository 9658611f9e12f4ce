#!/usr/bin/env bash
# Installs, builds and runs the trust anchor on the embedded store (SQLite
# files, no Redis or PostgreSQL). The first run creates an instance folder
# (INMOR_HOME, default ./var) with taconfig.toml, a signing key and the first
# admin user. Later runs reuse all of it. Run as root on Debian 12.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
cd "$INMOR_ROOT"

home="${INMOR_HOME:-${INMOR_ROOT}/var}"
port="${INMOR_PORT:-8080}"
domain="${INMOR_DOMAIN:-http://127.0.0.1:${port}}"
bin="${INMOR_ROOT}/build/release/src/cli"

phase "install system packages"
INMOR_DEPS=runtime bash scripts/install-deps.sh

phase "build (release)"
bash scripts/build.sh release

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

[federation]
organization_name = "Local Trust Anchor"

[admin]
database_url = "sqlite:data/admin.db"
TOML
    echo "run: wrote ${home}/taconfig.toml"
fi
if [[ ! -f "$home/private.json" ]]; then
    "$bin/inmor-keygeneration" --type=ES256 --output="$home"
fi

phase "admin database and first user"
config="$home/taconfig.toml"
"$bin/inmor-admin" -c "$config" migrate
if [[ ! -f "$home/admin-password" ]]; then
    (umask 077 && openssl rand -base64 18 > "$home/admin-password")
fi
INMOR_ADMIN_PASSWORD="$(cat "$home/admin-password")" \
    "$bin/inmor-admin" -c "$config" setup_admin --username admin --noinput

phase "publish entity configuration"
"$bin/inmor-admin" -c "$config" regenerate_entity
"$bin/inmor-admin" -c "$config" publish_historical_keys

phase_end
cat <<TEXT

Trust anchor ${domain}
  entity configuration  ${domain}/.well-known/openid-federation
  index page            ${domain}/
  status                ${domain}/status
Admin user "admin"; its password is in ${home}/admin-password
Stop with Ctrl-C.

TEXT
exec "$bin/inmor" -c "$config" -p "$port"
