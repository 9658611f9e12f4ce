#!/usr/bin/env bash
# Checks nginx/default.conf.template with Debian's nginx on loopback: the UI is served at /
# and /api/ reaches the upstream. The upstream here is the fixture server, a development
# aid, so this checks the proxy configuration only, not the admin.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
ui_port=5198
fixture_port=5197
node tests/fixture-server.mjs "$fixture_port" >"$work/fixture.log" 2>&1 &
fixture_pid=$!
cleanup() {
    [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    kill "$fixture_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

export INMOR_FRONTEND_LISTEN="127.0.0.1:$ui_port"
export INMOR_UI_ROOT="$PWD/dist"
export INMOR_ADMIN_UPSTREAM="127.0.0.1:$fixture_port"
mkdir -p "$work/logs"
{
    echo "pid $work/nginx.pid; error_log $work/logs/error.log; daemon on;"
    echo "events {}"
    echo "http { include /etc/nginx/mime.types; access_log off;"
    echo "client_body_temp_path $work; proxy_temp_path $work;"
    echo "fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;"
    envsubst '${INMOR_FRONTEND_LISTEN} ${INMOR_UI_ROOT} ${INMOR_ADMIN_UPSTREAM}' \
        < nginx/default.conf.template
    echo "}"
} > "$work/nginx.conf"
sleep 0.5
nginx -c "$work/nginx.conf" -e "$work/logs/error.log"
sleep 0.5

failures=0
expect() {
    local name="$1" expected="$2" actual="$3"
    if [[ "$actual" == *"$expected"* ]]; then
        echo "PASSED  $name"
    else
        echo "FAILED  $name: expected '$expected', got '${actual:0:120}'"
        failures=$((failures + 1))
    fi
}
expect "index at /" '<div id="app">' "$(curl -s "http://127.0.0.1:$ui_port/")"
expect "unknown path falls back to index" '<div id="app">' "$(curl -s "http://127.0.0.1:$ui_port/no/such")"
expect "api proxied" '"message":"Not signed in"' "$(curl -s "http://127.0.0.1:$ui_port/api/v1/auth/me")"
expect "index sends security headers" 'X-Frame-Options: DENY' "$(curl -sI "http://127.0.0.1:$ui_port/")"
asset="$(ls dist/assets/*.js | head -n 1)"
expect "asset cached" 'immutable' "$(curl -sI "http://127.0.0.1:$ui_port/assets/$(basename "$asset")")"
expect "missing asset 404" ' 404' "$(curl -sI "http://127.0.0.1:$ui_port/assets/missing.js" | head -n 1)"
echo "nginx: $((6 - failures)) passed, $failures failed"
exit $((failures > 0))
