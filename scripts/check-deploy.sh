#!/usr/bin/env bash
# Checks the deployment files against the tools that read them, on this
# machine and without a Docker engine:
#
#   compose            docker-compose config on docker-compose.yml, alone and
#                      with docker-compose.prod.yml, and what the merge contains
#   dockerfiles        build steps, user 999, health checks, COPY sources, the
#                      runtime packages against the libraries the binaries
#                      link, the frontend's nginx -t, the images' taconfig.toml
#   systemd            systemd-analyze verify of every unit on a staging
#                      install; the timers' calendars
#   systemd-collection the collection units (need inmor-collection)
#   proxy-nginx        nginx -t, then the example run on loopback in front of
#                      inmor and an echo server: redirects, TLS, POST bodies,
#                      forwarded headers, allow list and basic auth
#   proxy-caddy        caddy validate, then the same run as for nginx, inside
#                      a network namespace of its own
#   proxy-apache       apache2 -t, then the same run as for nginx, inside a
#                      network namespace of its own
#   prometheus         promtool check and unit tests of the alert rules, and
#                      every server metric they use present on /metrics
#   shell              shellcheck on the deployment scripts
#   entrypoint         the admin entrypoint's init on SQLite and the embedded store
#   entrypoint-postgres  the same on PostgreSQL and Redis
#   entrypoint-serve   the whole entrypoint up to a listening admin
#   docs               the runnable commands of docs/*.md (run_docs.py)
#   docs-pending       documents whose commands this build lacks
#
#   scripts/check-deploy.sh [SECTION...]     (default: every section)
#
# Each section prints PASS, FAIL or SKIPPED with the reason. Exit status: 1
# when a section failed, else 77 when one was skipped (ctest's skip code),
# else 0. Binaries: INMOR_BIN_DIR, else build/release or build/asan. Every
# process it starts listens on 127.0.0.1 and is stopped by its PID.

# ok() only prints, so `test && ok ... || fail ...` is an if-then-else here;
# cleanup runs from the EXIT trap.
# shellcheck disable=SC2015,SC2317
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/../deploy/lib/taconfig.sh
source "$root/deploy/lib/taconfig.sh"

bin_dir="${INMOR_BIN_DIR:-}"
if [[ -z "$bin_dir" ]]; then
    for candidate in "$root/build/release/src/cli" "$root/build/asan/src/cli"; do
        if [[ -x "$candidate/inmor-admin" ]]; then
            bin_dir="$candidate"
            break
        fi
    done
fi

work="$(mktemp -d)"
started_pids=()
cleanup() {
    local pid
    for pid in "${started_pids[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

section_status=""
section_reason=""
fail() {
    echo "  fail: $*"
    section_status=FAIL
}
skip() {
    section_reason="$*"
    [[ "$section_status" == FAIL ]] || section_status=SKIPPED
}
ok() {
    echo "  ok: $*"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_url() {
    local url="$1"
    # Up to 30 s: sanitizer builds start slowly on a loaded machine.
    for _ in $(seq 300); do
        curl -s -k -o /dev/null "$url" && return 0
        sleep 0.1
    done
    return 1
}

need_binaries() {
    if [[ -z "$bin_dir" || ! -x "$bin_dir/inmor" || ! -x "$bin_dir/inmor-admin" ]]; then
        skip "no built binaries (set INMOR_BIN_DIR or run scripts/build.sh)"
        return 1
    fi
}

admin_has_command() {
    "$bin_dir/inmor-admin" --help 2>/dev/null |
        awk '/^Subcommands:/ {on = 1; next} on {print $1}' | grep -qx "$1"
}

# Creates a scratch instance in folder $1 on the embedded store: keys, a
# migrated database and a published entity configuration.
make_instance() {
    local dir="$1" port="$2" extra="${3:-}"
    mkdir -p "$dir"
    cat > "$dir/taconfig.toml" <<TOML
domain = "http://127.0.0.1:$port"
allow_http = true
listen = "127.0.0.1:$port"
metrics_listen = "${4:-}"
$extra
TOML
    "$bin_dir/inmor-keygeneration" --type=ES256 --output="$dir" >/dev/null &&
        "$bin_dir/inmor-admin" -c "$dir/taconfig.toml" migrate >/dev/null &&
        "$bin_dir/inmor-admin" -c "$dir/taconfig.toml" regenerate_entity >/dev/null &&
        "$bin_dir/inmor-admin" -c "$dir/taconfig.toml" publish_historical_keys >/dev/null
}

start_inmor() {
    local dir="$1"
    "$bin_dir/inmor" -c "$dir/taconfig.toml" > "$dir/inmor.log" 2>&1 &
    started_pids+=($!)
}

# --- compose ------------------------------------------------------------------

check_compose() {
    if ! command -v docker-compose >/dev/null; then
        skip "docker-compose is not installed (Debian package docker-compose)"
        return
    fi
    local base="$root/docker-compose.yml" prod="$root/docker-compose.prod.yml"
    if docker-compose -f "$base" config > "$work/compose-base.yml" 2> "$work/compose.err"; then
        ok "docker-compose config docker-compose.yml"
    else
        fail "docker-compose config docker-compose.yml: $(cat "$work/compose.err")"
        return
    fi
    if POSTGRES_PASSWORD=check docker-compose -f "$base" -f "$prod" config \
        > "$work/compose-prod.yml" 2> "$work/compose.err"; then
        ok "docker-compose config with docker-compose.prod.yml"
    else
        fail "docker-compose config with the prod override: $(cat "$work/compose.err")"
        return
    fi
    local report
    if report="$(python3 "$root/deploy/check/compose_rules.py" \
        "$work/compose-base.yml" "$work/compose-prod.yml")"; then
        echo "$report"
    else
        echo "$report"
        fail "compose files break a rule above"
    fi
}

# --- dockerfiles ----------------------------------------------------------------

runtime_packages_cover() {
    local dockerfile="$1"
    shift
    local binary library path package missing=0
    for binary in "$@"; do
        [[ -x "$bin_dir/$binary" ]] || continue
        for library in $(readelf -d "$bin_dir/$binary" | awk '/NEEDED/ {gsub(/[][]/, "", $5); print $5}'); do
            # libc6's libraries are in every Debian image.
            case "$library" in
                libc.so.*|libm.so.*|libanl.so.*|libpthread.so.*|libdl.so.*|librt.so.*) continue ;;
                libstdc++.so.*|libgcc_s.so.*|libasan.so.*|libubsan.so.*) continue ;;
            esac
            path="$(ldconfig -p | awk -v lib="$library" '$1 == lib {print $NF; exit}')"
            package="$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null)"
            package="${package%%:*}"
            if ! grep -qw -- "$package" "$dockerfile"; then
                fail "$(basename "$dockerfile"): $binary links $library from $package, not installed"
                missing=1
            fi
        done
    done
    ((missing == 0)) && ok "$(basename "$dockerfile"): runtime packages cover $*"
}

check_dockerfiles() {
    echo "  note: no Dockerfile linter is packaged in Debian 12 (hadolint is not); the rules below stand in"
    local dockerfile source
    for dockerfile in "$root"/deploy/docker/*.Dockerfile; do
        local name
        name="$(basename "$dockerfile")"
        grep -q '^USER 999:999$' "$dockerfile" || fail "$name: does not run as USER 999:999"
        grep -q -- '--uid 999 --gid 999' "$dockerfile" || fail "$name: no user with uid/gid 999"
        grep -q '^HEALTHCHECK ' "$dockerfile" || fail "$name: no HEALTHCHECK"
        grep -q '^FROM debian:12-slim$' "$dockerfile" || fail "$name: final stage is not debian:12-slim"
        grep -q 'rm -rf /var/lib/apt/lists' "$dockerfile" || fail "$name: apt lists left in the image"
        if grep -q 'apt-get install' "$dockerfile" && ! grep -q -- '--no-install-recommends' "$dockerfile"; then
            fail "$name: apt-get install without --no-install-recommends"
        fi
        # Every COPY source outside another stage must exist in the repository.
        while read -r source; do
            [[ -e "$root/$source" ]] || fail "$name: COPY source $source does not exist"
        done < <(awk '/^COPY / && !/--from=/ {for (i = 2; i < NF; i++) print $i}' "$dockerfile")
    done
    for dockerfile in inmor admin; do
        grep -q 'scripts/install-deps.sh' "$root/deploy/docker/$dockerfile.Dockerfile" &&
            grep -q 'scripts/build.sh release' "$root/deploy/docker/$dockerfile.Dockerfile" ||
            fail "$dockerfile.Dockerfile: build stage does not call install-deps.sh and build.sh release"
    done
    for dockerfile in admin frontend; do
        grep -q 'npm run build' "$root/deploy/docker/$dockerfile.Dockerfile" ||
            fail "$dockerfile.Dockerfile: the web UI is not built with npm run build"
    done
    [[ "$section_status" == FAIL ]] || ok "stages, user 999, health checks, COPY sources"

    if need_binaries; then
        runtime_packages_cover "$root/deploy/docker/inmor.Dockerfile" \
            inmor inmor-collection inmor-keygeneration
        runtime_packages_cover "$root/deploy/docker/admin.Dockerfile" inmor-admin
        if [[ ! -x "$bin_dir/inmor-collection" ]]; then
            echo "  note: inmor-collection is not built here; its libraries were not compared"
        fi
        check_compose_taconfig
    fi
    check_frontend_nginx
}

check_compose_taconfig() {
    local dir="$work/image-config"
    mkdir -p "$dir"
    cp "$root/deploy/docker/taconfig.compose.toml" "$dir/taconfig.toml"
    "$bin_dir/inmor-keygeneration" --type=ES256 --output="$dir/keys" >/dev/null
    if "$bin_dir/inmor" --check-config -c "$dir/taconfig.toml" > "$dir/check.log" 2>&1; then
        ok "taconfig.compose.toml passes inmor --check-config"
    else
        fail "taconfig.compose.toml: $(cat "$dir/check.log")"
    fi
}

check_frontend_nginx() {
    if ! command -v nginx >/dev/null; then
        skip "nginx is not installed"
        return
    fi
    local dir="$work/frontend" port echo_port
    mkdir -p "$dir/conf.d" "$dir/ui/assets"
    chmod a+rx "$work" "$dir" "$dir/ui" "$dir/ui/assets"
    echo '<!doctype html><title>inmor check</title>' > "$dir/ui/index.html"
    echo 'console.log(1)' > "$dir/ui/assets/app-0123abcd.js"
    chmod a+r "$dir/ui/index.html" "$dir/ui/assets/app-0123abcd.js"
    port="$(free_port)"
    start_echo_server "$dir"

    # The image's main configuration with its /tmp paths moved here, and the
    # web UI's site template filled as the image's entrypoint fills it.
    sed -e "s|/tmp/nginx|$dir|g" -e "s|access_log /dev/stdout;|access_log $dir/access.log;|" \
        "$root/deploy/docker/frontend-nginx.conf" > "$dir/nginx.conf"
    # shellcheck disable=SC2016  # the single quotes keep the names for envsubst
    INMOR_FRONTEND_LISTEN="127.0.0.1:$port" INMOR_UI_ROOT="$dir/ui" \
        INMOR_ADMIN_UPSTREAM="127.0.0.1:$echo_port" \
        envsubst '${INMOR_FRONTEND_LISTEN} ${INMOR_UI_ROOT} ${INMOR_ADMIN_UPSTREAM}' \
        < "$root/webui/nginx/default.conf.template" > "$dir/conf.d/default.conf"
    if ! nginx -t -q -c "$dir/nginx.conf" -g "error_log $dir/error.log;" 2> "$dir/t.log"; then
        fail "frontend nginx -t: $(cat "$dir/t.log")"
        return
    fi
    ok "frontend nginx configuration passes nginx -t"

    nginx -c "$dir/nginx.conf" -g "daemon off; error_log $dir/error.log;" 2>/dev/null &
    started_pids+=($!)
    wait_for_url "http://127.0.0.1:$port/" || { fail "frontend nginx did not start"; return; }
    curl -s "http://127.0.0.1:$port/" | grep -q 'inmor check' &&
        ok "frontend serves index.html" || fail "frontend did not serve index.html"
    curl -s -D - -o /dev/null "http://127.0.0.1:$port/assets/app-0123abcd.js" |
        grep -qi '^cache-control: public, immutable' &&
        ok "frontend serves hashed assets as immutable" ||
        fail "frontend assets lack Cache-Control: public, immutable"
    curl -s -X POST -d 'x=1' "http://127.0.0.1:$port/api/v1/auth/login" > "$dir/echo.json"
    python3 - "$dir/echo.json" <<'PY' && ok "frontend passes /api/ to the admin with its body" ||
import json, sys
seen = json.load(open(sys.argv[1]))
sys.exit(0 if seen["path"] == "/api/v1/auth/login" and seen["method"] == "POST"
         and bytes.fromhex(seen["body_hex"]) == b"x=1"
         and seen["headers"].get("x-forwarded-proto") == "http" else 1)
PY
        fail "frontend /api/ request did not reach the admin intact: $(cat "$dir/echo.json")"
}

# --- systemd ------------------------------------------------------------------

stage_units() {
    local stage="$1"
    DESTDIR="$stage" bash "$root/deploy/install.sh" --bin-dir "$bin_dir" > "$work/install.log" 2>&1 ||
        { fail "deploy/install.sh into a staging root: $(cat "$work/install.log")"; return 1; }
    # verify resolves targets and the commands units run inside the root.
    mkdir -p "$stage/usr/lib/systemd" "$stage/bin"
    cp -a /lib/systemd/system "$stage/usr/lib/systemd/"
    cp /bin/kill "$stage/bin/kill"
}

verify_units() {
    local stage="$1"
    shift
    local unit output
    for unit in "$@"; do
        output="$(systemd-analyze --root="$stage" verify "/etc/systemd/system/$unit" 2>&1)"
        if [[ $? -ne 0 || -n "$output" ]]; then
            fail "systemd-analyze verify $unit: $output"
        else
            ok "systemd-analyze verify $unit"
        fi
    done
}

check_calendar() {
    local timer="$1" expected_seconds="$2" calendar first second
    calendar="$(awk -F= '/^OnCalendar=/ {print $2}' "$root/deploy/systemd/$timer")"
    mapfile -t elapses < <(systemd-analyze calendar --iterations=3 "$calendar" 2>/dev/null |
        awk -F': ' '/Next elapse|Iter\. #/ {print $2}')
    first="$(date -d "${elapses[1]}" +%s)"
    second="$(date -d "${elapses[2]}" +%s)"
    if ((second - first == expected_seconds)); then
        ok "$timer fires every $expected_seconds s ($calendar)"
    else
        fail "$timer: $calendar fires every $((second - first)) s, expected $expected_seconds"
    fi
}

check_systemd_common() {
    if ! command -v systemd-analyze >/dev/null; then
        skip "systemd-analyze is not installed (package systemd)"
        return 1
    fi
    need_binaries || return 1
    stage_units "$work/stage" || return 1
}

check_systemd() {
    check_systemd_common || return
    verify_units "$work/stage" inmor.service inmor-admin.service \
        inmor-regenerate-entity.service inmor-regenerate-entity.timer \
        inmor-renew-subordinates.service inmor-renew-subordinates.timer
    echo "  note: verify checks unit syntax and that ExecStart binaries exist, not that" \
        "inmor-admin has the serve and renew_subordinates commands (entrypoint-serve and" \
        "docs-pending check those)"
    check_calendar inmor-regenerate-entity.timer 60
    check_calendar inmor-renew-subordinates.timer 300
    check_calendar inmor-collection.timer 300
}

check_systemd_collection() {
    check_systemd_common || return
    if [[ ! -x "$bin_dir/inmor-collection" ]]; then
        skip "inmor-collection is not built from this tree yet"
        return
    fi
    verify_units "$work/stage" inmor-collection.service inmor-collection.timer
}

# --- reverse proxies ------------------------------------------------------------

make_certificates() {
    local dir="$1"
    [[ -f "$dir/privkey.pem" ]] && return
    mkdir -p "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj "/CN=ta.example.org" \
        -addext "subjectAltName=DNS:ta.example.org,DNS:taapi.example.org,DNS:taui.example.org" \
        -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
    printf 'operator:%s\n' "$(openssl passwd -apr1 check-password)" > "$dir/htpasswd"
    # nginx and apache workers read the password file per request as an
    # unprivileged user.
    chmod a+rx "$work" "$dir"
    chmod a+r "$dir/htpasswd"
}

check_proxy_nginx() {
    if ! command -v nginx >/dev/null; then
        skip "nginx is not installed"
        return
    fi
    need_binaries || return
    local dir="$work/nginx" http_port https_port ta_port echo_port
    make_certificates "$dir"
    http_port="$(free_port)"
    https_port="$(free_port)"
    ta_port="$(free_port)"

    start_echo_server "$dir"

    # The example with loopback ports, throwaway certificates and the echo
    # server in place of the admin (the admin's own tests cover its side).
    sed -e "s|listen 80;|listen 127.0.0.1:$http_port;|" \
        -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|" \
        -e '/listen \[::\]/d' \
        -e "s|/etc/ssl/inmor/|$dir/|" \
        -e "s|/etc/nginx/inmor-admin.htpasswd|$dir/htpasswd|" \
        -e "s|http://127.0.0.1:8080|http://127.0.0.1:$ta_port|" \
        -e "s|http://127.0.0.1:8000|http://127.0.0.1:$echo_port|" \
        "$root/deploy/proxy/nginx/inmor.conf" > "$dir/site.conf"
    cat > "$dir/nginx.conf" <<CONF
pid $dir/nginx.pid;
error_log $dir/error.log;
events {}
http {
    access_log $dir/access.log;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    include $dir/site.conf;
}
CONF
    if ! nginx -t -q -c "$dir/nginx.conf" 2> "$dir/t.log"; then
        fail "nginx -t on deploy/proxy/nginx/inmor.conf: $(cat "$dir/t.log")"
        return
    fi
    ok "nginx -t on deploy/proxy/nginx/inmor.conf"

    make_instance "$dir/ta" "$ta_port" || { fail "scratch instance did not start"; return; }
    start_inmor "$dir/ta"
    nginx -c "$dir/nginx.conf" -g 'daemon off;' 2>> "$dir/error.log" &
    started_pids+=($!)
    wait_for_url "http://127.0.0.1:$ta_port/health" || { fail "inmor did not start"; return; }
    wait_for_url "http://127.0.0.1:$http_port/" || { fail "nginx did not start"; return; }
    run_proxy_requests "$dir" "$http_port" "$https_port" "$ta_port"
}

# The requests every proxy example must pass. $1 folder with fullchain.pem,
# $2 http port, $3 https port, $4 the federation server's own port.
run_proxy_requests() {
    local dir="$1" http_port="$2" https_port="$3" ta_port="$4"
    local tls=(--silent --cacert "$dir/fullchain.pem"
        --resolve "ta.example.org:$https_port:127.0.0.1"
        --resolve "taapi.example.org:$https_port:127.0.0.1")
    local status location

    read -r status location < <(curl -s -o /dev/null -w '%{http_code} %{redirect_url}\n' \
        -X POST -d 'a=b' -H 'Host: taapi.example.org' "http://127.0.0.1:$http_port/api/v1/x")
    # Caddy names the https port in the redirect when it is not 443.
    if [[ "$status" == 308 && "$location" =~ ^https://taapi\.example\.org(:$https_port)?/api/v1/x$ ]]
    then
        ok "http redirects to https with 308, which keeps a POST body"
    else
        fail "http redirect: status $status location $location (expected 308 to https)"
    fi

    status="$(curl "${tls[@]}" -o "$dir/ec.jwt" -w '%{http_code}' \
        "https://ta.example.org:$https_port/.well-known/openid-federation")"
    if [[ "$status" == 200 ]] && cmp -s "$dir/ec.jwt" <(curl -s \
        "http://127.0.0.1:$ta_port/.well-known/openid-federation"); then
        ok "TLS to the federation server returns its entity configuration byte for byte"
    else
        fail "entity configuration through the proxy: status $status"
    fi

    # A form POST must reach the server intact, so the proxied response must
    # equal the direct one.
    local direct proxied
    direct="$(curl -s -w ' %{http_code}' -d 'trust_mark=not.a.mark' \
        "http://127.0.0.1:$ta_port/trust_mark_status")"
    proxied="$(curl "${tls[@]}" -w ' %{http_code}' -d 'trust_mark=not.a.mark' \
        "https://ta.example.org:$https_port/trust_mark_status")"
    if [[ -n "$direct" && "$direct" == "$proxied" ]]; then
        ok "POST /trust_mark_status through the proxy equals the direct answer (${direct##* })"
    else
        fail "POST through the proxy: direct '$direct', proxied '$proxied'"
    fi

    status="$(curl "${tls[@]}" -o /dev/null -w '%{http_code}' \
        "https://taapi.example.org:$https_port/api/v1/subordinates")"
    [[ "$status" == 401 ]] && ok "admin API without credentials: 401" ||
        fail "admin API without credentials: status $status, expected 401"

    status="$(curl "${tls[@]}" -o /dev/null -w '%{http_code}' -u operator:wrong \
        "https://taapi.example.org:$https_port/api/v1/subordinates")"
    [[ "$status" == 401 ]] && ok "admin API with a wrong password: 401" ||
        fail "admin API with a wrong password: status $status, expected 401"

    status="$(curl "${tls[@]}" -o /dev/null -w '%{http_code}' -u operator:check-password \
        --interface 127.0.0.2 "https://taapi.example.org:$https_port/api/v1/subordinates")"
    [[ "$status" == 403 ]] && ok "admin API from an address outside the allow list: 403" ||
        fail "admin API from 127.0.0.2: status $status, expected 403"

    local body='{"entityid":"https://rp.example.test","valid_for":24}'
    curl "${tls[@]}" -u operator:check-password -H 'X-Forwarded-For: 203.0.113.9' \
        -H 'Content-Type: application/json' -H 'X-API-Key: inmor_check_key' --data "$body" \
        "https://taapi.example.org:$https_port/api/v1/subordinates" > "$dir/echo.json"
    python3 - "$dir/echo.json" "$body" <<'PY' || fail "admin request as forwarded: see above"
import json, sys
text = open(sys.argv[1]).read()
try:
    seen = json.loads(text)
except ValueError:
    print(f"  fail: the admin upstream did not answer through the proxy: {text[:300]!r}")
    sys.exit(1)
headers = seen["headers"]
problems = []
if headers.get("x-forwarded-proto") != "https":
    problems.append(f"X-Forwarded-Proto {headers.get('x-forwarded-proto')!r}, expected 'https'")
if "203.0.113.9" in headers.get("x-forwarded-for", ""):
    problems.append("a client-sent X-Forwarded-For reached the admin")
if not headers.get("x-forwarded-for", "").startswith("127.0.0.1"):
    problems.append(f"X-Forwarded-For {headers.get('x-forwarded-for')!r} lacks the client")
if "authorization" in headers:
    problems.append("the basic-auth header reached the admin")
if headers.get("x-api-key") != "inmor_check_key":
    problems.append("X-API-Key did not reach the admin")
if bytes.fromhex(seen["body_hex"]).decode() != sys.argv[2] or seen["method"] != "POST":
    problems.append("the POST body or method changed on the way")
for problem in problems:
    print(f"  fail: {problem}")
if not problems:
    print("  ok: admin request: POST body intact, X-Forwarded-Proto https, client address"
          " from the proxy, basic-auth header removed, X-API-Key kept")
sys.exit(1 if problems else 0)
PY
}

# Starts the echo server standing in for the admin and sets echo_port. Not
# called in a subshell, so that its PID reaches started_pids.
start_echo_server() {
    local dir="$1"
    python3 "$root/deploy/check/echo_server.py" > "$dir/echo.port" 2>/dev/null &
    started_pids+=($!)
    for _ in $(seq 50); do [[ -s "$dir/echo.port" ]] && break; sleep 0.1; done
    echo_port="$(head -1 "$dir/echo.port")"
}

# Runs this script's section $1 again inside a network namespace that has only
# loopback, so servers that might reach out (Caddy's certificate automation)
# cannot. Returns 1 when that is not possible here.
rerun_in_namespace() {
    if [[ -n "${INMOR_CHECK_IN_NAMESPACE:-}" ]]; then
        return 1
    fi
    if [[ $(id -u) -ne 0 ]] || ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
        skip "$1 runs only inside a network namespace (needs root, unshare and ip)"
        return 0
    fi
    local output status
    # shellcheck disable=SC2016  # $0 and $1 expand in the inner shell
    output="$(INMOR_CHECK_IN_NAMESPACE=1 INMOR_BIN_DIR="$bin_dir" unshare --net bash -c \
        'ip link set lo up && exec bash "$0" "$1"' "$root/scripts/check-deploy.sh" "$1")"
    status=$?
    echo "$output" | grep -v -E "^(== |PASS |FAIL |SKIPPED )"
    case "$status" in
        0) ;;
        77) skip "$(echo "$output" | sed -n 's/^SKIPPED [^:]*: //p')" ;;
        *) section_status=FAIL ;;
    esac
    return 0
}

check_proxy_caddy() {
    if ! command -v caddy >/dev/null; then
        skip "caddy is not installed (Debian package caddy)"
        return
    fi
    rerun_in_namespace proxy-caddy && return
    need_binaries || return
    local dir="$work/caddy" http_port https_port ta_port echo_port
    make_certificates "$dir"
    if env HOME="$dir" XDG_DATA_HOME="$dir" XDG_CONFIG_HOME="$dir" \
        caddy validate --adapter caddyfile --config "$root/deploy/proxy/caddy/Caddyfile" \
        > "$dir/validate.log" 2>&1; then
        ok "caddy validate on deploy/proxy/caddy/Caddyfile"
    else
        fail "caddy validate: $(tail -5 "$dir/validate.log")"
        return
    fi

    # The example with loopback ports, the throwaway certificate and password,
    # and the echo server in place of the admin.
    http_port="$(free_port)"
    https_port="$(free_port)"
    ta_port="$(free_port)"
    start_echo_server "$dir"
    {
        printf '{\n\tadmin off\n\thttp_port %s\n\thttps_port %s\n}\n' "$http_port" "$https_port"
        sed -e "s|reverse_proxy 127.0.0.1:8080|tls $dir/fullchain.pem $dir/privkey.pem\\n\\treverse_proxy 127.0.0.1:$ta_port|" \
            -e "s|^\\(taapi.example.org, taui.example.org {\\)|\\1\\n\\ttls $dir/fullchain.pem $dir/privkey.pem|" \
            -e "s|reverse_proxy 127.0.0.1:8000|reverse_proxy 127.0.0.1:$echo_port|" \
            -e "s|operator \\\$2a.*|operator $(caddy hash-password --plaintext check-password)|" \
            "$root/deploy/proxy/caddy/Caddyfile"
    } > "$dir/Caddyfile"

    make_instance "$dir/ta" "$ta_port" || { fail "scratch instance did not start"; return; }
    start_inmor "$dir/ta"
    env HOME="$dir" XDG_DATA_HOME="$dir" XDG_CONFIG_HOME="$dir" \
        caddy run --adapter caddyfile --config "$dir/Caddyfile" > "$dir/caddy.log" 2>&1 &
    started_pids+=($!)
    wait_for_url "http://127.0.0.1:$ta_port/health" || { fail "inmor did not start"; return; }
    wait_for_url "http://127.0.0.1:$http_port/" ||
        { fail "caddy did not start: $(tail -5 "$dir/caddy.log")"; return; }
    run_proxy_requests "$dir" "$http_port" "$https_port" "$ta_port"
}

check_proxy_apache() {
    local apache=/usr/sbin/apache2
    if [[ ! -x "$apache" ]]; then
        skip "apache2 is not installed (Debian package apache2-bin)"
        return
    fi
    rerun_in_namespace proxy-apache && return
    need_binaries || return
    local dir="$work/apache" modules=/usr/lib/apache2/modules module
    local http_port https_port ta_port echo_port
    make_certificates "$dir"
    http_port="$(free_port)"
    https_port="$(free_port)"
    ta_port="$(free_port)"
    start_echo_server "$dir"
    {
        echo "ServerRoot $dir"
        echo "PidFile $dir/httpd.pid"
        echo "ErrorLog $dir/error.log"
        echo "User www-data"
        echo "Group www-data"
        echo "Listen 127.0.0.1:$http_port"
        echo "Listen 127.0.0.1:$https_port"
        echo "LoadModule mpm_event_module $modules/mod_mpm_event.so"
        for module in authn_core authz_core authz_host authz_user auth_basic authn_file \
            headers rewrite ssl proxy proxy_http http2 alias; do
            echo "LoadModule ${module}_module $modules/mod_${module}.so"
        done
        sed -e "s|/etc/ssl/inmor/|$dir/|" -e "s|/etc/apache2/inmor-admin.htpasswd|$dir/htpasswd|" \
            -e "s|<VirtualHost \\*:80>|<VirtualHost 127.0.0.1:$http_port>|" \
            -e "s|<VirtualHost \\*:443>|<VirtualHost 127.0.0.1:$https_port>|" \
            -e "s|http://127.0.0.1:8080/|http://127.0.0.1:$ta_port/|" \
            -e "s|http://127.0.0.1:8000/|http://127.0.0.1:$echo_port/|" \
            "$root/deploy/proxy/apache/inmor.conf"
    } > "$dir/httpd.conf"
    if "$apache" -t -f "$dir/httpd.conf" > "$dir/t.log" 2>&1; then
        ok "apache2 -t on deploy/proxy/apache/inmor.conf"
    else
        fail "apache2 -t: $(cat "$dir/t.log")"
        return
    fi

    make_instance "$dir/ta" "$ta_port" || { fail "scratch instance did not start"; return; }
    start_inmor "$dir/ta"
    "$apache" -f "$dir/httpd.conf" -DFOREGROUND > "$dir/apache.log" 2>&1 &
    started_pids+=($!)
    wait_for_url "http://127.0.0.1:$ta_port/health" || { fail "inmor did not start"; return; }
    wait_for_url "http://127.0.0.1:$http_port/" ||
        { fail "apache did not start: $(tail -5 "$dir/error.log")"; return; }
    run_proxy_requests "$dir" "$http_port" "$https_port" "$ta_port"
}

# --- prometheus ----------------------------------------------------------------

check_prometheus() {
    if ! command -v promtool >/dev/null; then
        skip "promtool is not installed (Debian package prometheus)"
        return
    fi
    local rules="$root/deploy/prometheus/inmor-alerts.yml" dir="$work/prometheus"
    mkdir -p "$dir"
    promtool check rules "$rules" > "$dir/check.log" 2>&1 &&
        ok "promtool check rules" || fail "promtool check rules: $(cat "$dir/check.log")"
    (cd "$root/deploy/prometheus" && promtool test rules inmor-alerts.test.yml) \
        > "$dir/test.log" 2>&1 &&
        ok "promtool test rules (alerts fire on bad series, stay silent on good ones)" ||
        fail "promtool test rules: $(cat "$dir/test.log")"
    sed "s|/etc/prometheus/inmor-alerts.yml|$rules|" \
        "$root/deploy/prometheus/prometheus.example.yml" > "$dir/prometheus.yml"
    promtool check config "$dir/prometheus.yml" > "$dir/config.log" 2>&1 &&
        ok "promtool check config on prometheus.example.yml" ||
        fail "promtool check config: $(cat "$dir/config.log")"

    need_binaries || return
    check_metric_names "$rules" "$dir"
}

# Every inmor_* name the rules use must be on a real server's /metrics, or be
# an admin metric listed in docs/monitoring.md.
check_metric_names() {
    local rules="$1" dir="$2" port metrics_port name
    port="$(free_port)"
    metrics_port="$(free_port)"
    make_instance "$dir/ta" "$port" "" "127.0.0.1:$metrics_port" ||
        { fail "scratch instance did not start"; return; }
    start_inmor "$dir/ta"
    wait_for_url "http://127.0.0.1:$port/health" || { fail "inmor did not start"; return; }
    curl -s -o /dev/null "http://127.0.0.1:$port/.well-known/openid-federation"
    curl -s -o /dev/null "http://127.0.0.1:$port/health"
    curl -s "http://127.0.0.1:$metrics_port/metrics" > "$dir/metrics.txt"
    while read -r name; do
        if [[ "$name" == inmor_admin_* ]]; then
            grep -q "\`$name\`" "$root/docs/monitoring.md" ||
                fail "$name is used by a rule but not listed in docs/monitoring.md"
        elif grep -q "^$name" "$dir/metrics.txt"; then
            ok "metric $name is exported by inmor"
        elif [[ "$name" == inmor_collection_age_seconds ]]; then
            grep -q "\"$name\"\|$name " "$root/src/app/server_app.cpp" &&
                echo "  note: $name appears only after a collection walk; found in src/app" ||
                fail "$name is not exported by inmor"
        else
            fail "metric $name is used by a rule but inmor does not export it"
        fi
    done < <(grep -o 'inmor_[a-z_]*' "$rules" | sed -E 's/_(bucket|sum|count)$//' | sort -u)
}

# --- shell ---------------------------------------------------------------------

check_shell() {
    if ! command -v shellcheck >/dev/null; then
        skip "shellcheck is not installed (Debian package shellcheck)"
        return
    fi
    if (cd "$root" && shellcheck -x scripts/check-deploy.sh scripts/backup.sh scripts/restore.sh \
        deploy/install.sh deploy/lib/taconfig.sh deploy/docker/*.sh \
        tests/integration/ops/*.sh) > "$work/shellcheck.log" 2>&1; then
        ok "shellcheck on the deployment scripts"
    else
        fail "shellcheck: $(cat "$work/shellcheck.log")"
    fi
}

# --- admin entrypoint ------------------------------------------------------------

# Runs the entrypoint's init twice: the first run must rebuild the empty
# store so a real inmor serves the entity configuration, the second must not.
entrypoint_round() {
    local dir="$1" port="$2"
    INMOR_CONFIG="$dir/taconfig.toml" INMOR_BIN_DIR="$bin_dir" \
        bash "$root/deploy/docker/admin-entrypoint.sh" init > "$dir/first.log" 2>&1 ||
        { fail "entrypoint init: $(cat "$dir/first.log")"; return 1; }
    grep -q 'federation store is empty; rebuilding' "$dir/first.log" ||
        { fail "entrypoint did not rebuild the empty store"; return 1; }
    grep 'skipped command=' "$dir/first.log" | sed 's/^/  note: /'
    start_inmor "$dir"
    wait_for_url "http://127.0.0.1:$port/health" || { fail "inmor did not start"; return 1; }
    local status
    status="$(curl -s -o /dev/null -w '%{http_code}' \
        "http://127.0.0.1:$port/.well-known/openid-federation")"
    [[ "$status" == 200 ]] || { fail "entity configuration after init: $status"; return 1; }
    ok "init migrated and rebuilt the empty store; inmor serves the entity configuration"
    INMOR_CONFIG="$dir/taconfig.toml" INMOR_BIN_DIR="$bin_dir" \
        bash "$root/deploy/docker/admin-entrypoint.sh" init > "$dir/second.log" 2>&1 ||
        { fail "second entrypoint init: $(cat "$dir/second.log")"; return 1; }
    grep -q 'contains an entity configuration; no rebuild' "$dir/second.log" &&
        ok "a second init leaves the filled store alone" ||
        fail "second init did not see the filled store: $(cat "$dir/second.log")"
}

write_entrypoint_config() {
    local dir="$1" port="$2" extra="$3"
    mkdir -p "$dir"
    cat > "$dir/taconfig.toml" <<TOML
domain = "http://127.0.0.1:$port"
allow_http = true
listen = "127.0.0.1:$port"
metrics_listen = ""
$extra
TOML
    "$bin_dir/inmor-keygeneration" --type=ES256 --output="$dir" >/dev/null
}

check_entrypoint() {
    need_binaries || return
    local dir="$work/entrypoint-sqlite" port
    port="$(free_port)"
    write_entrypoint_config "$dir" "$port" ""
    entrypoint_round "$dir" "$port"
}

check_entrypoint_postgres() {
    need_binaries || return
    local base_url="${INMOR_TEST_DATABASE_URL:-}"
    if [[ -z "$base_url" ]] || ! psql -X -q --dbname="$base_url" -c 'SELECT 1' >/dev/null 2>&1; then
        skip "no PostgreSQL at INMOR_TEST_DATABASE_URL"
        return
    fi
    if ! command -v redis-server >/dev/null; then
        skip "redis-server is not installed"
        return
    fi
    local dir="$work/entrypoint-postgres" port redis_port database="inmor_deploy_check_$$"
    port="$(free_port)"
    redis_port="$(free_port)"
    mkdir -p "$dir"
    redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
        --dir "$dir" --logfile "$dir/redis.log" &
    started_pids+=($!)
    psql -X -q -v ON_ERROR_STOP=1 --dbname="$base_url" -c "CREATE DATABASE $database" ||
        { fail "cannot create database $database"; return; }
    write_entrypoint_config "$dir" "$port" "redis_uri = \"redis://127.0.0.1:$redis_port\"
[admin]
database_url = \"${base_url%/*}/$database\""
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    entrypoint_round "$dir" "$port"
    psql -X -q --dbname="$base_url" -c "DROP DATABASE IF EXISTS $database"
}

check_entrypoint_serve() {
    need_binaries || return
    if ! admin_has_command serve; then
        skip "inmor-admin has no serve command in this build"
        return
    fi
    local dir="$work/entrypoint-serve" port admin_port
    port="$(free_port)"
    admin_port="$(free_port)"
    write_entrypoint_config "$dir" "$port" "[admin]
listen = \"127.0.0.1:$admin_port\"
metrics_listen = \"\"
secret_key = \"check-deploy-$(openssl rand -hex 16)\""
    INMOR_CONFIG="$dir/taconfig.toml" INMOR_BIN_DIR="$bin_dir" \
        bash "$root/deploy/docker/admin-entrypoint.sh" > "$dir/serve.log" 2>&1 &
    started_pids+=($!)
    if wait_for_url "http://127.0.0.1:$admin_port/api/v1/auth/csrf" &&
        [[ "$(curl -s -o /dev/null -w '%{http_code}' \
            "http://127.0.0.1:$admin_port/api/v1/auth/csrf")" == 200 ]]; then
        ok "entrypoint migrated, rebuilt and started serve; /api/v1/auth/csrf answers 200"
    else
        fail "admin did not answer after the entrypoint: $(tail -20 "$dir/serve.log")"
    fi
}

# --- docs ----------------------------------------------------------------------

check_docs() {
    need_binaries || return
    local mode="$1" status
    python3 "$root/deploy/check/run_docs.py" --bin-dir "$bin_dir" --docs "$root/docs" \
        --work "$work/docs-$mode" --mode "$mode" | sed 's/^/  /'
    status="${PIPESTATUS[0]}"
    case "$status" in
        0) ok "documented commands ran" ;;
        77) skip "some documented commands need inmor-admin commands this build lacks" ;;
        *) fail "a documented command failed" ;;
    esac
}

# --- main ----------------------------------------------------------------------

all_sections=(compose dockerfiles systemd systemd-collection proxy-nginx proxy-caddy
    proxy-apache prometheus shell entrypoint entrypoint-postgres entrypoint-serve docs
    docs-pending)
sections=("$@")
((${#sections[@]} > 0)) || sections=("${all_sections[@]}")

failed=0
skipped=0
for section in "${sections[@]}"; do
    section_status=PASS
    section_reason=""
    echo "== $section"
    case "$section" in
        compose) check_compose ;;
        dockerfiles) check_dockerfiles ;;
        systemd) check_systemd ;;
        systemd-collection) check_systemd_collection ;;
        proxy-nginx) check_proxy_nginx ;;
        proxy-caddy) check_proxy_caddy ;;
        proxy-apache) check_proxy_apache ;;
        prometheus) check_prometheus ;;
        shell) check_shell ;;
        entrypoint) check_entrypoint ;;
        entrypoint-postgres) check_entrypoint_postgres ;;
        entrypoint-serve) check_entrypoint_serve ;;
        docs) check_docs current ;;
        docs-pending) check_docs pending ;;
        *) echo "check-deploy: unknown section '$section' (${all_sections[*]})" >&2; exit 2 ;;
    esac
    case "$section_status" in
        PASS) echo "PASS $section" ;;
        FAIL) echo "FAIL $section"; failed=1 ;;
        SKIPPED) echo "SKIPPED $section: $section_reason"; skipped=1 ;;
    esac
done

((failed)) && exit 1
((skipped)) && exit 77
exit 0
