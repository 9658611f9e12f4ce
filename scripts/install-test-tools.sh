#!/usr/bin/env bash
# Installs the test-only tools that Debian does not package in the versions we
# need: npm's jose (independent JWS verifier) and Python's jwcrypto, each into
# a folder of its own under tests/interop, pinned by its lock file.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

interop_dir="${INMOR_ROOT}/tests/interop"

if [[ -f "$interop_dir/package.json" ]]; then
    (cd "$interop_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [[ -f "$interop_dir/requirements.txt" ]]; then
    if [[ ! -x "$interop_dir/.venv/bin/python" ]]; then
        python3 -m venv "$interop_dir/.venv"
    fi
    "$interop_dir/.venv/bin/pip" install -q --disable-pip-version-check \
        -r "$interop_dir/requirements.txt"
fi

# The web UI's own unit tests (vitest) run from ctest, and its browser tests
# (integration.webui_browser) need the built UI in webui/dist.
if [[ -f "${INMOR_ROOT}/webui/package-lock.json" ]]; then
    (cd "${INMOR_ROOT}/webui" && npm ci --no-audit --no-fund --loglevel=error &&
        npm run build --silent)
fi
