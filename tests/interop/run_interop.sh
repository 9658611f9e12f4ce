#!/usr/bin/env bash
# Runs one interop script with its runtime from tests/interop, failing (never
# skipping) when scripts/install-test-tools.sh has not installed the tools.
#   run_interop.sh python SCRIPT ARGS...   uses tests/interop/.venv
#   run_interop.sh node SCRIPT ARGS...     needs tests/interop/node_modules/jose
set -euo pipefail
interop_dir="$(cd "$(dirname "$0")" && pwd)"
runtime="$1"
shift

case "$runtime" in
    python)
        if [[ ! -x "$interop_dir/.venv/bin/python" ]]; then
            echo "interop: $interop_dir/.venv is missing; run scripts/install-test-tools.sh" >&2
            exit 1
        fi
        exec "$interop_dir/.venv/bin/python" "$@" ;;
    node)
        if [[ ! -d "$interop_dir/node_modules/jose" ]]; then
            echo "interop: $interop_dir/node_modules/jose is missing; run scripts/install-test-tools.sh" >&2
            exit 1
        fi
        exec node "$@" ;;
    *)
        echo "interop: unknown runtime '$runtime' (python, node)" >&2
        exit 2 ;;
esac
