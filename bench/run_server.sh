#!/usr/bin/env bash
# Benchmarks the federation server against nginx serving the same bytes.
# Builds inmor and inmor_seed (Release) into build/bench-server, then runs
# bench/server_bench.py, which writes bench/results/server.md. Needs wrk,
# nginx, curl and taskset, and at least two CPUs. Takes about 4 minutes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${root}/build/bench-server"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINMOR_BUILD_TESTS=ON >/dev/null
cmake --build "$build" --target inmor inmor_seed -j "${INMOR_JOBS:-2}"
mkdir -p "${root}/bench/results"
python3 "${root}/bench/server_bench.py" "$build" "${root}/bench/results/server.md" "$@"
