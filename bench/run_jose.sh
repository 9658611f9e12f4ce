#!/usr/bin/env bash
# Runs jose_bench beside `openssl speed` for the same algorithms, both pinned
# to one CPU with taskset, and writes bench/results/jose.md with both numbers
# and our overhead. Build first with `bash scripts/build.sh bench`.
#   BENCH_CPU       CPU to pin to (default 1)
#   BENCH_SECONDS   seconds per `openssl speed` measurement (default 1)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cpu="${BENCH_CPU:-1}"
seconds="${BENCH_SECONDS:-1}"
bench="$root/build/bench/bench/jose_bench"

if [[ ! -x "$bench" ]]; then
    echo "run_jose: $bench is missing; run bash scripts/build.sh bench" >&2
    exit 1
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

echo "run_jose: all algorithms cpu=${cpu} seconds=${seconds}"
taskset -c "$cpu" openssl speed -seconds "$seconds" \
    rsa2048 ecdsap256 ecdsap384 ecdsap521 ed25519 ed448 >"$scratch/openssl-all.txt" 2>/dev/null
taskset -c "$cpu" "$bench" --benchmark_min_time=0.3 --benchmark_format=json \
    >"$scratch/bench-all.json"

# Other work on a shared machine only ever slows a run down, so the RS256 and
# ES256 rows, which carry the overhead goal, take the best of three more
# rounds in which openssl and jose_bench alternate.
for round in 1 2 3; do
    echo "run_jose: RS256 and ES256 round=${round}"
    taskset -c "$cpu" openssl speed -seconds "$seconds" rsa2048 ecdsap256 \
        >"$scratch/openssl-round${round}.txt" 2>/dev/null
    taskset -c "$cpu" "$bench" --benchmark_min_time=0.3 --benchmark_format=json \
        --benchmark_filter='_signature/(RS256|ES256)$' >"$scratch/bench-round${round}.json"
done

python3 "$root/bench/jose_report.py" "$scratch" "$cpu" "$seconds" \
    >"$root/bench/results/jose.md"
echo "run_jose: wrote bench/results/jose.md"
