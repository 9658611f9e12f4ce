#!/usr/bin/env bash
# Resolve with allow_http off inside a network namespace of its own (only
# loopback, its own hosts file): netns_resolve.py runs the real inmor there.
# Exit 77 (reported as skipped by ctest) when not root.
#
#   netns_test.sh PYTHON3 TEST_DIR
set -uo pipefail

python="$1"
test_dir="$2"

if [[ "$(id -u)" != 0 ]]; then
    echo "SKIP: creating a network namespace needs root"
    exit 77
fi

namespace="inmor-resolve-$$"
cleanup() {
    ip netns del "$namespace" 2>/dev/null
    rm -rf "/etc/netns/$namespace"
    rmdir /etc/netns 2>/dev/null
}
trap cleanup EXIT
trap 'exit 143' INT TERM

if ! ip netns add "$namespace"; then
    echo "SKIP: ip netns add is not permitted here"
    exit 77
fi
ip -n "$namespace" link set lo up || { echo "FAIL: cannot bring lo up"; exit 1; }
mkdir -p "/etc/netns/$namespace"
cat > "/etc/netns/$namespace/hosts" <<HOSTS
127.0.0.1 localhost
127.0.0.1 refused.inmor-netns
HOSTS

cd "$test_dir" || exit 1
ip netns exec "$namespace" env INMOR_BIN="$INMOR_BIN" RESOLVE_STORE_TOOL="$RESOLVE_STORE_TOOL" \
    "$python" netns_resolve.py
