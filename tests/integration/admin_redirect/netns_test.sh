#!/usr/bin/env bash
# Runs admin_redirect_test.py inside a network namespace of its own that has
# only loopback, so that a redirect the address guard lets through by mistake
# cannot send a packet to a private, link-local or metadata address outside.
# The namespace gives lo the private addresses the redirects point at, so a
# connection that the guard should have rejected reaches the test's trap
# listener and packet counter, not a timeout. Exit 77 (ctest: skipped) when
# not root or when namespaces are not permitted.
#
#   netns_test.sh PYTHON3 TEST_DIR
#
# Environment: ADMIN_CRASH_BACKEND (sqlite or postgres), INMOR_ADMIN_BIN,
# INMOR_BIN, INMOR_KEYGEN_BIN, and for postgres INMOR_TEST_DATABASE_URL.
set -uo pipefail

python="$1"
test_dir="$2"

if [[ "$(id -u)" != 0 ]]; then
    echo "SKIP: creating a network namespace needs root"
    exit 77
fi

namespace="inmor-adminredirect-$$"
work="$(mktemp -d)"
bridge_pids=()
cleanup() {
    for pid in "${bridge_pids[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    ip netns del "$namespace" 2>/dev/null
    rm -rf "/etc/netns/$namespace" "$work"
    # rmdir removes /etc/netns only when empty, because other namespaces may
    # keep files there.
    rmdir /etc/netns 2>/dev/null
}
trap cleanup EXIT
# A signal (ctest's timeout) exits through the EXIT trap as well.
trap 'exit 143' INT TERM

if ! ip netns add "$namespace"; then
    echo "SKIP: ip netns add is not permitted here"
    exit 77
fi
ip -n "$namespace" link set lo up || { echo "FAIL: cannot bring lo up"; exit 1; }
# Add the redirect targets to lo inside the namespace. 127.0.0.2 and ::1 are
# on lo already.
for address in 10.0.0.1/32 192.168.1.1/32 169.254.169.254/32; do
    ip -n "$namespace" address add "$address" dev lo ||
        { echo "FAIL: cannot add $address to lo"; exit 1; }
done

# `ip netns exec` bind-mounts /etc/netns/NAME/hosts over /etc/hosts.
mkdir -p "/etc/netns/$namespace"
cat > "/etc/netns/$namespace/hosts" <<HOSTS
127.0.0.1 localhost
169.254.169.254 metadata.inmor-netns
10.0.0.1 intranet.inmor-netns
HOSTS

# PostgreSQL listens on the host's loopback, which the namespace cannot
# reach. pg_bridge.py carries those connections over a Unix socket with one
# end in each namespace, and the test gets a URL of the namespace's end.
database_url="${INMOR_TEST_DATABASE_URL:-}"
if [[ "${ADMIN_CRASH_BACKEND:-sqlite}" == postgres && -n "$database_url" ]]; then
    socket="$work/postgres.sock"
    "$python" "$test_dir/pg_bridge.py" outer "$socket" "$database_url" \
        > "$work/outer.out" 2> "$work/outer.log" &
    bridge_pids+=("$!")
    for _ in $(seq 1 100); do
        [[ -S "$socket" ]] && break
        sleep 0.1
    done
    ip netns exec "$namespace" "$python" "$test_dir/pg_bridge.py" inner "$socket" \
        > "$work/inner.out" 2> "$work/inner.log" &
    bridge_pids+=("$!")
    port=""
    for _ in $(seq 1 100); do
        port="$(sed -n 's/^listening port=//p' "$work/inner.out" 2>/dev/null)"
        [[ -n "$port" ]] && break
        sleep 0.1
    done
    if [[ -z "$port" ]]; then
        echo "FAIL: PostgreSQL bridge did not start: $(cat "$work/outer.log" "$work/inner.log")"
        exit 1
    fi
    database_url="$("$python" "$test_dir/pg_bridge.py" url "$database_url" "$port")" ||
        { echo "FAIL: cannot rewrite INMOR_TEST_DATABASE_URL"; exit 1; }
fi

cd "$test_dir" || exit 1
ip netns exec "$namespace" env INMOR_TEST_DATABASE_URL="$database_url" \
    INMOR_ADMIN_REDIRECT_NETNS="$namespace" \
    "$python" -m unittest -v admin_redirect_test
