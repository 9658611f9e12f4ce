# Shared helpers for the scripts in this folder; source it, do not run it.

INMOR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export INMOR_ROOT

phase_started_at=0
phase_name=""

# phase NAME: ends the previous phase (printing its duration) and starts NAME.
phase() {
    phase_end
    phase_name="$1"
    phase_started_at=$(date +%s)
    echo "=== phase start: ${phase_name}"
}

phase_end() {
    if [[ -n "$phase_name" ]]; then
        echo "=== phase done: ${phase_name} seconds=$(( $(date +%s) - phase_started_at ))"
        phase_name=""
    fi
}

require_root() {
    if [[ $(id -u) -ne 0 ]]; then
        echo "$(basename "$0"): run as root (it installs Debian packages)" >&2
        exit 1
    fi
}

# Background processes a script started. stop_children sends each one TERM and
# waits for all of them, and is meant to be the INT, TERM and EXIT trap.
children=()
stop_children() {
    trap - INT TERM EXIT
    for pid in "${children[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${children[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
