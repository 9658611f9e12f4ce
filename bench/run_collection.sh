#!/usr/bin/env bash
# Walks a generated federation of ENTITIES entities served on loopback with
# inmor-collection under /usr/bin/time -v. Each walk writes into the embedded
# store, and also into Redis when INMOR_BENCH_REDIS_URL is set. The script
# prints one result line per walk. Build first:
#   cmake --build build/bench --target collection_federation_server inmor-collection
#   ENTITIES        entities in the federation (default 10000)
#   INTERMEDIATES   intermediates between the anchor and the leaves (default 10)
#   PARALLEL        inmor-collection --parallel (default 16)
#   RUNS            walks per store engine (default 3)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/bench"
entities="${ENTITIES:-10000}"
intermediates="${INTERMEDIATES:-10}"
parallel="${PARALLEL:-16}"
runs="${RUNS:-3}"
server_bin="$build/bench/collection_federation_server"
walker_bin="$build/src/cli/inmor-collection"

for binary in "$server_bin" "$walker_bin"; do
    if [[ ! -x "$binary" ]]; then
        echo "run_collection: $binary is missing; build the bench flavour first" >&2
        exit 1
    fi
done

scratch="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" || true
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT

started=$(date +%s.%N)
"$server_bin" --entities "$entities" --intermediates "$intermediates" >"$scratch/server.out" &
server_pid=$!
until grep -q '^anchor ' "$scratch/server.out" 2>/dev/null; do
    kill -0 "$server_pid" || { echo "run_collection: the federation server exited" >&2; exit 1; }
    sleep 0.2
done
anchor="$(awk '/^anchor /{print $2}' "$scratch/server.out")"
echo "run_collection: federation of $entities entities signed in" \
    "$(echo "$(date +%s.%N) - $started" | bc) s, anchor $anchor"

walk() {
    local engine="$1" store_line="$2" run="$3"
    local config="$scratch/$engine.toml"
    cat >"$config" <<TOML
domain = "https://ta.test"
allow_http = true
data_dir = "$scratch/data-$engine"
log_level = "error"
$store_line
[fetch]
retries = 0
TOML
    /usr/bin/time -v "$walker_bin" -c "$config" "$anchor" --parallel "$parallel" \
        >"$scratch/walk.out" 2>"$scratch/walk.err"
    local seconds rss walked errors
    seconds=$(awk '/published in/{print $(NF-1)}' "$scratch/walk.out")
    walked=$(awk '/^entities:/{print $2}' "$scratch/walk.out")
    errors=$(awk '/^errors:/{print $2}' "$scratch/walk.out")
    rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$scratch/walk.err")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$scratch/walk.err")
    cpu=$(awk -F': ' '/Percent of CPU/{print $2}' "$scratch/walk.err")
    echo "result engine=$engine run=$run entities=$walked errors=$errors walk_s=$seconds" \
        "process_wall=$wall peak_rss_kb=$rss cpu=$cpu"
}

for run in $(seq 1 "$runs"); do
    walk sqlite "" "$run"
done
if [[ -n "${INMOR_BENCH_REDIS_URL:-}" ]]; then
    for run in $(seq 1 "$runs"); do
        walk redis "redis_uri = \"$INMOR_BENCH_REDIS_URL\"" "$run"
    done
fi
