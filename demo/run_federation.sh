#!/usr/bin/env bash
# Stands up a demo federation on 127.0.0.1 and registers, walks and resolves it
# (demo/federation.py). Two instances of our software, each `inmor` plus
# `inmor-admin serve`: the trust anchor and an intermediate whose
# authority_hints name the anchor; and one leaf server (demo/leaf_server.py)
# playing LEAVES providers and relying parties.
#
#   run_federation.sh BIN_DIR WORK_DIR [-- COMMAND...]
#
# Without COMMAND it keeps the federation up until Ctrl-C; with COMMAND it runs
# it once the summary is printed (with DEMO_* variables set, see below) and
# then stops everything, exiting with COMMAND's status.
# Environment:
#   DEMO_PORT_BASE   first of 5 consecutive ports (default 18080)
#   DEMO_LEAVES      number of leaves (default 60)
#   DEMO_REDIS_URL   redis://HOST:PORT: the anchor uses db DEMO_REDIS_DB and the
#                    intermediate DEMO_REDIS_DB+1 (default: the embedded store)
#   DEMO_REDIS_DB    (default 10)
#   DEMO_DATABASE_URL_ANCHOR, DEMO_DATABASE_URL_INTERMEDIATE
#                    postgresql:// URLs of the admin databases (default SQLite)
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"

if [[ $# -lt 2 ]]; then
    echo "usage: $0 BIN_DIR WORK_DIR [-- COMMAND...]" >&2
    exit 2
fi
bin="$(cd "$1" && pwd)"
work="$2"
shift 2
[[ "${1:-}" == "--" ]] && shift
demo_dir="$(cd "$(dirname "$0")" && pwd)"

base="${DEMO_PORT_BASE:-18080}"
anchor_port=$base
anchor_admin_port=$((base + 1))
intermediate_port=$((base + 2))
intermediate_admin_port=$((base + 3))
leaf_port=$((base + 4))
anchor_id="http://127.0.0.1:${anchor_port}"
intermediate_id="http://127.0.0.1:${intermediate_port}"

mkdir -p "$work"
work="$(cd "$work" && pwd)"

trap stop_children INT TERM EXIT

# make_instance NAME PORT ADMIN_PORT AUTHORITY_HINT REDIS_DB DATABASE_URL
make_instance() {
    local name=$1 port=$2 admin_port=$3 hint=$4 redis_db=$5 database_url=$6
    local dir="$work/$name"
    mkdir -p "$dir"
    local redis_line="" hints="[]"
    if [[ -n "${DEMO_REDIS_URL:-}" ]]; then
        redis_line="redis_uri = \"${DEMO_REDIS_URL%/}/${redis_db}\""
    fi
    [[ -n "$hint" ]] && hints="[\"${hint}\"]"
    [[ -z "$database_url" ]] && database_url="sqlite:data/admin.db"
    cat > "$dir/taconfig.toml" <<TOML
domain = "http://127.0.0.1:${port}"
${redis_line}
allow_http = true
listen = "127.0.0.1:${port}"
metrics_listen = ""
log_level = "warn"

[limits]
resolve_per_minute = 0
trust_mark_status_per_minute = 0
collection_per_minute = 0

[federation]
organization_name = "Demo ${name}"
authority_hints = ${hints}

[admin]
listen = "127.0.0.1:${admin_port}"
metrics_listen = ""
database_url = "${database_url}"
secret_key = "$(openssl rand -hex 32)"
session_cookie_secure = false
federation_server_url = "http://127.0.0.1:${port}"

[scheduler]
enabled = true
TOML
    if [[ ! -f "$dir/private.json" ]]; then
        "$bin/inmor-keygeneration" --type=ES256 --output="$dir" >/dev/null
    fi
    "$bin/inmor-admin" -c "$dir/taconfig.toml" migrate >/dev/null
    INMOR_ADMIN_PASSWORD="$(openssl rand -hex 12)" \
        "$bin/inmor-admin" -c "$dir/taconfig.toml" setup_admin --username admin --noinput \
        >/dev/null
    "$bin/inmor-admin" -c "$dir/taconfig.toml" regenerate_entity >/dev/null
    "$bin/inmor-admin" -c "$dir/taconfig.toml" publish_historical_keys >/dev/null
    "$bin/inmor-admin" -c "$dir/taconfig.toml" apikey create --username admin \
        --key-name demo 2>/dev/null | tail -n 1 > "$dir/api-key"

    "$bin/inmor" -c "$dir/taconfig.toml" >"$dir/inmor.log" 2>&1 &
    children+=($!)
    "$bin/inmor-admin" -c "$dir/taconfig.toml" serve >"$dir/admin.log" 2>&1 &
    children+=($!)
}

wait_for() {
    local url=$1
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "demo: ${url} does not respond" >&2
    return 1
}

redis_db="${DEMO_REDIS_DB:-10}"
# The trust mark types demo/federation.py creates; the leaves publish their marks.
member_type="https://trust.example.test/tm/member"
certified_type="https://trust.example.test/tm/certified-provider"
make_instance anchor "$anchor_port" "$anchor_admin_port" "" "$redis_db" \
    "${DEMO_DATABASE_URL_ANCHOR:-}"
make_instance intermediate "$intermediate_port" "$intermediate_admin_port" "$anchor_id" \
    "$((redis_db + 1))" "${DEMO_DATABASE_URL_INTERMEDIATE:-}"

python3 "$demo_dir/leaf_server.py" --port "$leaf_port" --count "${DEMO_LEAVES:-60}" \
    --superiors "${anchor_id},${intermediate_id}" --out "$work/leaves.json" \
    --trust-mark-issuer "$anchor_id" \
    --trust-mark-types "${member_type},${certified_type}" &
children+=($!)

for url in "${anchor_id}/health" "${intermediate_id}/health" \
        "http://127.0.0.1:${anchor_admin_port}/api/v1/auth/csrf" \
        "http://127.0.0.1:${intermediate_admin_port}/api/v1/auth/csrf" \
        "http://127.0.0.1:${leaf_port}/op/01/.well-known/openid-federation"; do
    wait_for "$url"
done

python3 "$demo_dir/federation.py" \
    --anchor-id "$anchor_id" --anchor-admin "http://127.0.0.1:${anchor_admin_port}" \
    --anchor-key "$(cat "$work/anchor/api-key")" --anchor-config "$work/anchor/taconfig.toml" \
    --intermediate-id "$intermediate_id" \
    --intermediate-admin "http://127.0.0.1:${intermediate_admin_port}" \
    --intermediate-key "$(cat "$work/intermediate/api-key")" \
    --leaves "$work/leaves.json" --collection-bin "$bin/inmor-collection" \
    --summary "$work/summary.json"

export DEMO_ANCHOR_ID="$anchor_id" DEMO_INTERMEDIATE_ID="$intermediate_id"
export DEMO_SUMMARY="$work/summary.json" DEMO_WORK="$work"
if [[ $# -gt 0 ]]; then
    "$@"
    exit $?
fi

cat <<TEXT

The federation stays up until Ctrl-C:
  trust anchor         ${anchor_id}/.well-known/openid-federation
  anchor admin API     http://127.0.0.1:${anchor_admin_port}/api/v1 (X-API-Key in ${work}/anchor/api-key)
  intermediate         ${intermediate_id}/.well-known/openid-federation
  intermediate admin   http://127.0.0.1:${intermediate_admin_port}/api/v1 (X-API-Key in ${work}/intermediate/api-key)
  a leaf               http://127.0.0.1:${leaf_port}/op/01/.well-known/openid-federation
  resolve it           ${anchor_id}/resolve?sub=http://127.0.0.1:${leaf_port}/op/01&trust_anchor=${anchor_id}
Summary as JSON: ${work}/summary.json
TEXT
wait -n "${children[@]}"
