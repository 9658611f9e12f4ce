#!/usr/bin/env bash
# Configures and builds one flavour of the tree into build/FLAVOUR.
#   release  optimized binaries (default)
#   asan     Debug with AddressSanitizer and UndefinedBehaviorSanitizer, tests on
#   fuzz     clang with libFuzzer and sanitizers, fuzz targets only
#   bench    optimized, with the Google Benchmark programs
set -euo pipefail
source "$(dirname "$0")/lib.sh"

flavour="${1:-release}"
build_dir="${INMOR_ROOT}/build/${flavour}"
jobs="${INMOR_JOBS:-$(nproc)}"

case "$flavour" in
    release)
        options=(-DCMAKE_BUILD_TYPE=Release -DINMOR_BUILD_TESTS=OFF) ;;
    asan)
        options=(-DCMAKE_BUILD_TYPE=Debug -DINMOR_SANITIZE=ON -DINMOR_WERROR=ON) ;;
    fuzz)
        # Libraries get coverage instrumentation; each target links libFuzzer.
        options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14
                 "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address,undefined"
                 -DINMOR_BUILD_TESTS=OFF -DINMOR_BUILD_FUZZERS=ON) ;;
    bench)
        options=(-DCMAKE_BUILD_TYPE=Release -DINMOR_BUILD_TESTS=OFF -DINMOR_BUILD_BENCH=ON) ;;
    *)
        echo "build.sh: unknown flavour '$flavour' (release, asan, fuzz, bench)" >&2
        exit 2 ;;
esac

# Let ccache reuse objects across clones and worktrees of the repository: CI
# builds a fresh clone in another folder every time.
export CCACHE_BASEDIR="$INMOR_ROOT"
export CCACHE_NOHASHDIR=true

targets=()
if [[ "$flavour" == fuzz ]]; then
    targets=(--target inmor_fuzzers)
fi

cmake -S "$INMOR_ROOT" -B "$build_dir" -G Ninja "${options[@]}" >/dev/null
cmake --build "$build_dir" -j "$jobs" "${targets[@]}"
