#!/usr/bin/env bash
# End-to-end test of the guarded fetcher inside a network namespace of its
# own: an https server with a test CA listens on 127.0.0.1 and 127.0.0.2 in
# the namespace, and fetch_probe (run there with `ip netns exec`) must be
# refused or succeed as the guard's rules require. Needs root for `ip netns`.
#
#   netns_test.sh FETCH_PROBE PYTHON3 TEST_SERVER_SCRIPT
set -uo pipefail

probe="$1"
python="$2"
server_script="$3"

namespace="inmor-fetch-$$"
work="$(mktemp -d)"
server_pids=()
failures=0
checks=0

cleanup() {
    for pid in "${server_pids[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    ip netns del "$namespace" 2>/dev/null
    rm -rf "/etc/netns/$namespace" "$work"
    # Only removed when empty: other namespaces may keep files there.
    rmdir /etc/netns 2>/dev/null
}
trap cleanup EXIT
# A signal (ctest's timeout) exits through the EXIT trap as well.
trap 'exit 143' INT TERM

fail_setup() {
    echo "FAIL: $1" >&2
    exit 1
}

# --- namespace: loopback only, with its own hosts file ----------------------
# `ip netns exec` bind-mounts /etc/netns/NAME/hosts over /etc/hosts.
ip netns add "$namespace" || fail_setup "ip netns add $namespace is not permitted (run as root)"
ip -n "$namespace" link set lo up || fail_setup "cannot bring lo up in $namespace"
mkdir -p "/etc/netns/$namespace"
cat > "/etc/netns/$namespace/hosts" <<HOSTS
127.0.0.1 localhost
127.0.0.1 fed.inmor-netns
127.0.0.1 wrong-name.inmor-netns
127.0.0.2 other.inmor-netns
::1 v6.inmor-netns
127.0.0.1 mixed.inmor-netns
127.0.0.2 mixed.inmor-netns
HOSTS

in_namespace() {
    ip netns exec "$namespace" "$@"
}

# --- test CA and a server certificate for fed.inmor-netns, 127.0.0.1, 127.0.0.2 ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=inmor fetch test CA" -keyout "$work/ca.key" -out "$work/ca.pem" \
    2>"$work/openssl.log" || fail_setup "openssl: cannot create the test CA"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=unrelated CA" -keyout "$work/other-ca.key" -out "$work/other-ca.pem" \
    2>>"$work/openssl.log" || fail_setup "openssl: cannot create the unrelated CA"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=fed.inmor-netns" -keyout "$work/server.key" -out "$work/server.csr" \
    2>>"$work/openssl.log" || fail_setup "openssl: cannot create the server key"
names="DNS:fed.inmor-netns,DNS:other.inmor-netns,DNS:v6.inmor-netns,DNS:mixed.inmor-netns"
printf 'subjectAltName=%s,IP:127.0.0.1,IP:127.0.0.2,IP:::1\n' "$names" > "$work/server.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
    -CAcreateserial -days 2 -extfile "$work/server.ext" -out "$work/server.pem" \
    2>>"$work/openssl.log" || fail_setup "openssl: cannot sign the server certificate"

# --- https servers on 127.0.0.1 and 127.0.0.2 inside the namespace ----------
# start_server ADDRESS: starts a server in the namespace and sets
# server_port. Runs in this shell (not in a $(...) subshell) so that the PID
# lands in server_pids and cleanup can stop the server.
server_port=""
start_server() {
    local address="$1" output="$work/server-$1.out"
    # Called directly, not through in_namespace: `ip netns exec` then execs
    # the server, so $! is the server's own PID.
    ip netns exec "$namespace" "$python" "$server_script" --host "$address" --port 0 \
        --cert "$work/server.pem" --key "$work/server.key" \
        > "$output" 2> "$work/server-$address.log" &
    server_pids+=("$!")
    for _ in $(seq 1 100); do
        server_port="$(sed -n 's/^listening port=//p' "$output" 2>/dev/null)"
        if [[ -n "$server_port" ]]; then
            return 0
        fi
        sleep 0.1
    done
    fail_setup "test server on $address did not start: $(cat "$work/server-$address.log")"
}
start_server 127.0.0.1
port1="$server_port"
start_server 127.0.0.2
port2="$server_port"
start_server ::1
port6="$server_port"
# A listener that never accepts: TCP connects, the TLS handshake never ends.
ip netns exec "$namespace" "$python" -c '
import socket, time
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(8)
print("listening port=%d" % listener.getsockname()[1], flush=True)
time.sleep(3600)
' > "$work/silent.out" 2> "$work/silent.log" &
server_pids+=("$!")
silent_port=""
for _ in $(seq 1 100); do
    silent_port="$(sed -n 's/^listening port=//p' "$work/silent.out" 2>/dev/null)"
    [[ -n "$silent_port" ]] && break
    sleep 0.1
done
[[ -n "$silent_port" ]] || fail_setup "silent listener did not start: $(cat "$work/silent.log")"
base1="https://127.0.0.1:$port1"
base2="https://127.0.0.2:$port2"
echo "servers: $base1 $base2 namespace=$namespace"

# --- checks -------------------------------------------------------------------
probe_output=""
run_probe() {
    probe_output="$(in_namespace "$probe" --ca-file "$work/ca.pem" --initial-backoff-ms 100 \
        "$@" 2>&1)"
}

# expect DESCRIPTION PATTERN PROBE_ARGS...: the probe's output must match
# the extended regular expression PATTERN.
expect() {
    local description="$1" pattern="$2"
    shift 2
    checks=$((checks + 1))
    run_probe "$@"
    if grep -Eq -- "$pattern" <<< "$probe_output"; then
        echo "ok   $description"
    else
        echo "FAIL $description: expected /$pattern/, got: $probe_output"
        failures=$((failures + 1))
    fi
}

elapsed_ms() {
    sed -n 's/.*elapsed_ms=\([0-9]*\).*/\1/p' <<< "$probe_output" | head -n 1
}

# expect_elapsed DESCRIPTION MIN_MS MAX_MS: bounds the last probe's time.
expect_elapsed() {
    local description="$1" min="$2" max="$3" elapsed
    elapsed="$(elapsed_ms)"
    checks=$((checks + 1))
    if [[ -n "$elapsed" && "$elapsed" -ge "$min" && "$elapsed" -le "$max" ]]; then
        echo "ok   $description (${elapsed} ms)"
    else
        echo "FAIL $description: elapsed ${elapsed:-?} ms, expected $min..$max"
        failures=$((failures + 1))
    fi
}

# expect_attempts DESCRIPTION KEY COUNT: requests the server counted for KEY.
expect_attempts() {
    local description="$1" key="$2" count="$3"
    checks=$((checks + 1))
    run_probe --allow-network 127.0.0.1/32 --print-body "$base1/attempts?key=$key"
    local seen
    seen="$(sed -n '2p' <<< "$probe_output")"
    if [[ "$seen" == "$count" ]]; then
        echo "ok   $description ($count attempts)"
    else
        echo "FAIL $description: server counted '${seen}' attempts, expected $count"
        failures=$((failures + 1))
    fi
}

allow1=(--allow-network 127.0.0.1/32)

# The guard refuses loopback, whatever spelling, unless allowed.
expect "loopback refused by the guard" '^error kind=refused_by_guard ' "$base1/text"
expect "decimal loopback refused" '^error kind=refused_by_guard ' \
    "https://2130706433:$port1/text"
expect "hex short loopback refused" '^error kind=refused_by_guard ' \
    "https://0x7f.1:$port1/text"
expect "mapped IPv6 loopback refused" '^error kind=refused_by_guard ' \
    "https://[::ffff:127.0.0.1]:$port1/text"
expect "IPv6 loopback refused" '^error kind=refused_by_guard ' "https://[::1]:$port1/text"
expect "allowed network succeeds" '^ok status=200 bytes=11 ' "${allow1[@]}" "$base1/text"
expect "hex short form fetched as 127.0.0.1" "^ok status=200 .*final_url=$base1/text" \
    "${allow1[@]}" "https://0x7f.1:$port1/text"
expect "other loopback address outside the allowed network refused" \
    '^error kind=refused_by_guard ' "${allow1[@]}" "$base2/text"

for host in 127.1 017700000001 0 0.0.0.0 "[0:0:0:0:0:ffff:127.0.0.1]" "[::ffff:7f00:1]" \
    "[::127.0.0.1]" "[64:ff9b::7f00:1]" "[2002:7f00:1::1]" "LOCALHOST."; do
    expect "loopback spelled $host refused" '^error kind=refused_by_guard ' \
        "https://$host:$port1/text"
done
expect "userinfo before an allowed address rejected" '^error kind=invalid_url ' \
    "${allow1[@]}" "https://fed.inmor-netns@127.0.0.1:$port1/text"

# Names are resolved once (here from the namespace's hosts file) and checked.
expect "name mapped to loopback refused" '^error kind=refused_by_guard ' \
    "https://fed.inmor-netns:$port1/text"
expect "name mapped to an allowed address succeeds with TLS by name" \
    "^ok status=200 .*final_url=https://fed.inmor-netns:$port1/text" \
    "${allow1[@]}" "https://FED.inmor-netns.:$port1/text"
expect "name refused when one of its addresses is refused" \
    '^error kind=refused_by_guard .*127\.0\.0\.2' "${allow1[@]}" "https://mixed.inmor-netns:$port1/text"
expect "same name succeeds when all its addresses are allowed" '^ok status=200 ' \
    --allow-network 127.0.0.0/8 "https://mixed.inmor-netns:$port1/text"
expect "name mapped to IPv6 loopback refused" '^error kind=refused_by_guard ' \
    "https://v6.inmor-netns:$port6/text"
expect "name pinned to an allowed IPv6 address succeeds" \
    "^ok status=200 .*final_url=https://v6.inmor-netns:$port6/text" \
    --allow-network ::1/128 "https://v6.inmor-netns:$port6/text"
expect "IPv6 literal in an allowed network succeeds" \
    "^ok status=200 .*final_url=https://\[::1\]:$port6/" \
    --allow-network ::1/128 "https://[0:0::1]:$port6/text"
expect "certificate not valid for the name fails TLS" '^error kind=tls ' \
    "${allow1[@]}" "https://wrong-name.inmor-netns:$port1/text"
expect "unknown CA fails TLS" '^error kind=tls ' \
    "${allow1[@]}" --ca-file "$work/other-ca.pem" "$base1/text"
expect "http refused without allow_http" '^error kind=invalid_url ' \
    "${allow1[@]}" "http://127.0.0.1:$port1/text"

# Redirects are checked hop by hop.
expect "redirect to a refused address refused" '^error kind=refused_by_guard ' \
    "${allow1[@]}" "$base1/redirect?to=$base2/text"
expect "redirect to a refused name refused" '^error kind=refused_by_guard ' \
    "${allow1[@]}" "$base1/redirect?to=https://other.inmor-netns:$port2/text"
expect "same redirect succeeds when both are allowed" "^ok status=200 .*final_url=$base2/text" \
    --allow-network 127.0.0.0/8 "$base1/redirect?to=$base2/text"
expect "scheme-relative redirect to a refused address refused" '^error kind=refused_by_guard ' \
    "${allow1[@]}" "$base1/redirect?to=//127.0.0.2:$port2/text"
expect "redirect from https to http refused" '^error kind=invalid_url ' \
    "${allow1[@]}" "$base1/redirect?to=http://127.0.0.1:$port1/text"
expect "redirect loop stops at max_redirects" '^error kind=too_many_redirects ' \
    "${allow1[@]}" --max-redirects 2 "$base1/loop"

# Body cap: by Content-Length and while a chunked body trickles in.
expect "Content-Length above the cap" '^error kind=body_too_large ' \
    "${allow1[@]}" "$base1/big?n=2097153"
expect "body of exactly the cap accepted" '^ok status=200 bytes=2097152 ' \
    "${allow1[@]}" "$base1/big?n=2097152"
expect "chunked body growing above the cap" '^error kind=body_too_large ' \
    "${allow1[@]}" "$base1/trickle?chunks=64&size=65536&delay=0.01"
expect "invalid UTF-8 rejected when text is expected" '^error kind=invalid_utf8 ' \
    "${allow1[@]}" --expect-text "$base1/latin1"

# Timeouts.
expect "slow server hits the total timeout" '^error kind=timeout .*transient=true' \
    "${allow1[@]}" --total-timeout-ms 1000 --retries 0 "$base1/slow?delay=5"
expect_elapsed "total timeout bounds the wait" 900 3500
expect "TLS handshake never answered hits the connect timeout" '^error kind=timeout ' \
    "${allow1[@]}" --connect-timeout-ms 1000 --total-timeout-ms 8000 --retries 0 \
    "https://127.0.0.1:$silent_port/text"
expect_elapsed "connect timeout bounds the handshake" 900 3500
expect "trickling body hits the total timeout" '^error kind=timeout ' \
    "${allow1[@]}" --total-timeout-ms 1000 --retries 0 "$base1/trickle?chunks=100&size=1&delay=0.2"
expect_elapsed "trickle stopped by the total timeout" 900 3500

# Retries: transient statuses retried (Retry-After honoured), permanent not.
expect "503 retried until it recovers" '^ok status=200 ' \
    "${allow1[@]}" "$base1/flaky?key=flaky&fail=2&code=503&retry_after=1"
expect_elapsed "two Retry-After waits of 1 s" 1900 6000
expect_attempts "503 retried twice" flaky 3
expect "429 fails after the retries" '^error kind=http_status http_status=429 transient=true' \
    "${allow1[@]}" "$base1/status?key=busy&code=429&retry_after=0"
expect_attempts "429 tried three times" busy 3
expect "404 not retried" '^error kind=http_status http_status=404 transient=false' \
    "${allow1[@]}" "$base1/status?key=gone&code=404"
expect_attempts "404 tried once" gone 1
expect "long Retry-After not waited for" '^error kind=http_status http_status=503 ' \
    "${allow1[@]}" "$base1/status?key=later&code=503&retry_after=60"
expect_elapsed "long Retry-After returns without waiting" 0 4000
expect_attempts "long Retry-After tried once" later 1
expect "garbage Retry-After falls back to backoff" '^error kind=http_status http_status=503 ' \
    "${allow1[@]}" "$base1/status?key=garbage&code=503&retry_after=soon"
expect_attempts "garbage Retry-After still retried" garbage 3
expect "negative Retry-After falls back to backoff" '^error kind=http_status http_status=503 ' \
    "${allow1[@]}" "$base1/status?key=negative&code=503&retry_after=-30"
expect_elapsed "negative Retry-After does not stall" 0 4000
expect_attempts "negative Retry-After still retried" negative 3
expect "huge Retry-After not waited for" '^error kind=http_status http_status=503 ' \
    "${allow1[@]}" "$base1/status?key=huge&code=503&retry_after=99999999999999999999"
expect_elapsed "huge Retry-After returns without waiting" 0 4000
expect_attempts "huge Retry-After tried once" huge 1
expect "oversized response headers rejected, not retried" '^error kind=invalid_response ' \
    "${allow1[@]}" "$base1/headers?key=flood&n=2000&size=1000"
expect_attempts "oversized headers tried once" flood 1
expect "guard refusal not retried" '^error kind=refused_by_guard .*transient=false' \
    "$base1/status?key=refused"
expect_attempts "refused request never reached the server" refused 0

echo "$((checks - failures))/$checks checks passed"
[[ "$failures" -eq 0 ]]
