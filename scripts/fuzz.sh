#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, replays each committed corpus, then
# fuzzes each target for a short fixed time (FUZZ_SECONDS, default 20).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$INMOR_ROOT"

if ! compgen -G "fuzz/corpus/*/" >/dev/null; then
    echo "fuzz: no fuzz targets yet"
    exit 0
fi

bash scripts/build.sh fuzz
seconds="${FUZZ_SECONDS:-20}"

for corpus in fuzz/corpus/*/; do
    target="$(basename "$corpus")"
    binary="build/fuzz/fuzz/${target}_fuzzer"
    scratch="build/fuzz/scratch/${target}"
    mkdir -p "$scratch"

    echo "fuzz: replaying corpus target=${target} inputs=$(ls "$corpus" | wc -l)"
    "$binary" -runs=0 "$corpus" 2>&1 | tail -2

    echo "fuzz: running target=${target} seconds=${seconds}"
    "$binary" -max_total_time="$seconds" -max_len=65536 "$scratch" "$corpus" 2>&1 | tail -2
done
