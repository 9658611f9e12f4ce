#!/usr/bin/env bash
# The main job end to end: demo/run_federation.sh starts the anchor, an
# intermediate and 60 leaves on 127.0.0.1 with the given binaries, registers
# everything through the admin APIs, walks and resolves it; then jwcrypto and
# npm's jose check every published artifact and @openid-federation/core
# resolves a sample of chains through the anchor.
#   main_job_test.sh BIN_DIR SETUP      SETUP: embedded | redis-postgres
# redis-postgres needs INMOR_TEST_REDIS_URL (dbs 6 and 7 are this test's, flushed
# before and after) and INMOR_TEST_DATABASE_URL (a database of its own when the
# role may create one, else a schema of its own; dropped at the end).
set -euo pipefail

bin="$1"
setup="$2"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
interop="${root}/tests/interop"
work="$(mktemp -d /tmp/inmor-main-job.XXXXXX)"

for tool in "${interop}/.venv/bin/python" "${interop}/node_modules/jose" \
        "${interop}/node_modules/@openid-federation/core"; do
    if [[ ! -e "$tool" ]]; then
        echo "main_job: ${tool} is missing; run scripts/install-test-tools.sh" >&2
        exit 1
    fi
done

cleanups=()
cleanup() {
    for command in "${cleanups[@]}"; do
        eval "$command" || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# postgres_url NAME: a URL for a fresh database (or schema) NAME, dropped at exit.
postgres_url() {
    local name=$1 base="${INMOR_TEST_DATABASE_URL%%\?*}"
    if psql "$base" -qAtc "CREATE DATABASE ${name}" >/dev/null 2>&1; then
        cleanups+=("psql '$base' -qAtc 'DROP DATABASE IF EXISTS ${name} WITH (FORCE)' >/dev/null")
        echo "${base%/*}/${name}"
    else
        psql "$base" -qAtc "DROP SCHEMA IF EXISTS ${name} CASCADE; CREATE SCHEMA ${name}" \
            >/dev/null
        cleanups+=("psql '$base' -qAtc 'DROP SCHEMA IF EXISTS ${name} CASCADE' >/dev/null")
        echo "${base}?options=-csearch_path%3D${name}"
    fi
}

case "$setup" in
    embedded)
        export DEMO_PORT_BASE=18180
        ;;
    redis-postgres)
        : "${INMOR_TEST_REDIS_URL:?set INMOR_TEST_REDIS_URL}"
        : "${INMOR_TEST_DATABASE_URL:?set INMOR_TEST_DATABASE_URL}"
        redis_base="${INMOR_TEST_REDIS_URL%/}"
        [[ "$redis_base" =~ ^redis://[^/]+/[0-9]+$ ]] && redis_base="${redis_base%/*}"
        for db in 6 7; do
            redis-cli -u "${redis_base}/${db}" FLUSHDB >/dev/null
            cleanups+=("redis-cli -u '${redis_base}/${db}' FLUSHDB >/dev/null")
        done
        export DEMO_PORT_BASE=18280 DEMO_REDIS_URL="$redis_base" DEMO_REDIS_DB=6
        DEMO_DATABASE_URL_ANCHOR="$(postgres_url "inmor_mainjob_anchor_$$")"
        DEMO_DATABASE_URL_INTERMEDIATE="$(postgres_url "inmor_mainjob_intermediate_$$")"
        export DEMO_DATABASE_URL_ANCHOR DEMO_DATABASE_URL_INTERMEDIATE
        ;;
    *)
        echo "main_job: unknown set-up ${setup}" >&2
        exit 2
        ;;
esac

# Both verifiers on the summary, then on a copy whose first resolve response
# has a changed signature, which both must reject.
verify() {
    local status=0
    "${interop}/.venv/bin/python" "${root}/tests/integration/main_job/verify_jwcrypto.py" \
        || status=1
    node "${interop}/main_job_verify.mjs" || status=1

    python3 - "$DEMO_SUMMARY" "$DEMO_WORK/tampered.json" <<'PYTHON'
import json, sys
summary = json.load(open(sys.argv[1]))
response = summary["resolved"][0]["response"]
last = "A" if response[-2] != "A" else "B"
summary["resolved"][0]["response"] = response[:-2] + last + response[-1]
json.dump(summary, open(sys.argv[2], "w"))
PYTHON
    if DEMO_SUMMARY="$DEMO_WORK/tampered.json" "${interop}/.venv/bin/python" \
            "${root}/tests/integration/main_job/verify_jwcrypto.py" >/dev/null; then
        echo "main_job: jwcrypto accepted a changed signature" >&2
        status=1
    fi
    if DEMO_SUMMARY="$DEMO_WORK/tampered.json" node "${interop}/main_job_verify.mjs" \
            >/dev/null; then
        echo "main_job: jose accepted a changed signature" >&2
        status=1
    fi
    return $status
}
export -f verify
export root interop

started=$(date +%s)
status=0
bash "${root}/demo/run_federation.sh" "$bin" "$work" -- bash -c verify || status=$?

# The sanitizer build reports memory errors and leaks in the services' logs,
# written when they stop.
if grep -l "AddressSanitizer\|LeakSanitizer\|runtime error:" "$work"/*/*.log; then
    grep -h -A 30 "AddressSanitizer\|LeakSanitizer\|runtime error:" "$work"/*/*.log | head -80
    status=1
fi
if ((status != 0)); then
    echo "main_job: ${setup} failed" >&2
    exit "$status"
fi
echo "main_job: ${setup} passed in $(( $(date +%s) - started )) s"
