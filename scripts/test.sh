#!/usr/bin/env bash
# Installs everything, builds with sanitizers, starts Redis and PostgreSQL on
# loopback, and runs every test suite: unit, black-box, interop and the fuzz
# corpus replay. Run as root on Debian 12. Prints each phase's duration.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
cd "$INMOR_ROOT"

phase "install system packages"
bash scripts/install-deps.sh

phase "install test tools (npm, PyPI)"
bash scripts/install-test-tools.sh

phase "build (asan)"
bash scripts/build.sh asan

# Black-box tests run the sanitizer build's binaries too, so a crash or a leak
# on network input fails them.
export INMOR_BIN_DIR="${INMOR_ROOT}/build/asan/src/cli"

phase "start services"
eval "$(bash scripts/test-services.sh start)"

phase "ctest"
ctest --test-dir build/asan --output-on-failure -j "$(nproc)" --timeout 600 \
    ${INMOR_CTEST_ARGS:-}

phase "fuzz"
bash scripts/fuzz.sh

phase_end
