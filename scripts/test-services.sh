#!/usr/bin/env bash
# Starts the services the tests talk to, on loopback only, and prints the
# environment that points the tests at them:
#   eval "$(scripts/test-services.sh start)"
# Redis runs as its own throwaway instance under build/services; PostgreSQL is
# Debian's cluster, started as the postgres user with pg_ctlcluster.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

state_dir="${INMOR_ROOT}/build/services"
redis_port="${INMOR_TEST_REDIS_PORT:-6390}"
pg_version="$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)"
pg_cluster=main

start_redis() {
    mkdir -p "$state_dir/redis"
    if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
        return
    fi
    redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes \
        --dir "$state_dir/redis" --save "" --appendonly no \
        --pidfile "$state_dir/redis/redis.pid" --logfile "$state_dir/redis/redis.log" >&2
    for _ in $(seq 50); do
        redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "test-services: redis did not start, see $state_dir/redis/redis.log" >&2
    exit 1
}

start_postgres() {
    if [[ -z "$pg_version" ]]; then
        echo "test-services: no PostgreSQL cluster found under /etc/postgresql" >&2
        exit 1
    fi
    if ! pg_lsclusters -h | awk -v v="$pg_version" '$1==v && $2=="main" {print $4}' | grep -q online; then
        pg_ctlcluster "$pg_version" "$pg_cluster" start >&2
    fi
    # A role and database of our own; the password only guards loopback access.
    su postgres -c "psql -q -v ON_ERROR_STOP=1" >&2 <<'SQL'
SELECT 'CREATE ROLE inmor LOGIN SUPERUSER PASSWORD ''inmor'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'inmor') \gexec
SELECT 'CREATE DATABASE inmor_test OWNER inmor'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'inmor_test') \gexec
SQL
}

stop_all() {
    if [[ -f "$state_dir/redis/redis.pid" ]]; then
        kill "$(cat "$state_dir/redis/redis.pid")" 2>/dev/null || true
        rm -f "$state_dir/redis/redis.pid"
    fi
    if [[ -n "$pg_version" ]]; then
        pg_ctlcluster "$pg_version" "$pg_cluster" stop >&2 2>/dev/null || true
    fi
}

case "${1:-start}" in
    start)
        start_redis
        start_postgres
        echo "export INMOR_TEST_REDIS_URL=redis://127.0.0.1:${redis_port}"
        echo "export INMOR_TEST_DATABASE_URL=postgresql://inmor:inmor@127.0.0.1:5432/inmor_test"
        ;;
    stop)
        stop_all ;;
    *)
        echo "test-services.sh: use start or stop" >&2
        exit 2 ;;
esac
