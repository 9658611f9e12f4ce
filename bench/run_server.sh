#!/usr/bin/env bash
# Benchmarks the federation server against nginx serving the same bytes.
# Builds inmor and inmor_seed (Release) into build/bench-server, then runs
# bench/server_bench.py, which rewrites the tables at the top of
# bench/results/server.md and keeps its notes (from the first "## " heading
# on). Needs wrk, nginx, curl and taskset, and at least two CPUs. Takes about
# 4 minutes, or about 6 with a baseline.
#
#   bench/run_server.sh [--baseline-rev REV | --baseline-build DIR] [--runs N] [--seconds S]
#
# --baseline-rev REV builds git revision REV (for example main or a commit) into
# build/bench-baseline and runs it beside this tree's build, so an old and a
# new server are compared in the same run. --baseline-build DIR uses a build
# directory made earlier the same way. Other options go to server_bench.py.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${root}/build/bench-server"
jobs="${INMOR_JOBS:-2}"
# Let ccache reuse objects across worktrees and the baseline's source copy.
export CCACHE_BASEDIR="$root"
export CCACHE_NOHASHDIR=true

baseline=""
passed=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --baseline-rev)
            rev="$2"
            shift 2
            source_dir="${root}/build/bench-baseline-src"
            baseline="${root}/build/bench-baseline"
            rm -rf "$source_dir"
            mkdir -p "$source_dir"
            git -C "$root" archive "$rev" | tar -x -C "$source_dir"
            # The copy lives under this tree, so ccache's base directory covers it.
            cmake -S "$source_dir" -B "$baseline" -G Ninja -DCMAKE_BUILD_TYPE=Release \
                -DINMOR_BUILD_TESTS=ON >/dev/null
            cmake --build "$baseline" --target inmor inmor_seed -j "$jobs"
            ;;
        --baseline-build)
            baseline="$(cd "$2" && pwd)"
            shift 2
            ;;
        *)
            passed+=("$1")
            shift
            ;;
    esac
done

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINMOR_BUILD_TESTS=ON >/dev/null
cmake --build "$build" --target inmor inmor_seed -j "$jobs"
mkdir -p "${root}/bench/results"
if [[ -n "$baseline" ]]; then
    passed+=(--baseline "$baseline")
fi
python3 "${root}/bench/server_bench.py" "$build" "${root}/bench/results/server.md" \
    ${passed[@]+"${passed[@]}"}
