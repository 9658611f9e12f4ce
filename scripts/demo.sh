#!/usr/bin/env bash
# A demo federation on 127.0.0.1: our trust anchor, an intermediate running our
# own software, and 60 leaves (OpenID providers and relying parties), all
# registered through the admin API, walked, and resolved through the anchor.
# Builds the release binaries first (run scripts/run.sh once before to install
# the packages). Starts afresh each time in ./var/demo (DEMO_HOME moves it) and
# keeps the federation up until Ctrl-C. See demo/run_federation.sh for the
# ports and the DEMO_* variables.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$INMOR_ROOT"

work="${DEMO_HOME:-${INMOR_ROOT}/var/demo}"

phase "build (release)"
bash scripts/build.sh release

phase_end
rm -rf "$work"
# exec, so that a signal to this script reaches the federation's own trap.
exec bash demo/run_federation.sh build/release/src/cli "$work" "$@"
