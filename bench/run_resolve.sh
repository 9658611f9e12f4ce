#!/usr/bin/env bash
# Benchmarks /resolve: cold resolve latency and precomputed resolve against
# /fetch. Builds inmor and resolve_store_tool (Release) into
# build/bench-resolve, then runs bench/resolve_bench.py, which writes
# bench/results/resolve.md. Needs wrk, taskset and at least two CPUs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${root}/build/bench-resolve"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINMOR_BUILD_TESTS=ON >/dev/null
cmake --build "$build" --target inmor resolve_store_tool -j "${INMOR_JOBS:-2}"
mkdir -p "${root}/bench/results"
python3 "${root}/bench/resolve_bench.py" "$build" "${root}/bench/results/resolve.md" "$@"
