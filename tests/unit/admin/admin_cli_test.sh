#!/usr/bin/env bash
# Black-box test of inmor-admin's management commands on a SQLite database:
# migrate, setup_admin (environment and prompt), apikey create/list/revoke.
# Usage: admin_cli_test.sh PATH_TO_INMOR_ADMIN
set -uo pipefail

admin="$1"
work="$(mktemp -d /tmp/inmor_admin_cli_XXXXXX)"
trap 'rm -rf "$work"' EXIT
config="$work/taconfig.toml"
printf 'domain = "https://ta.test"\n[admin]\ndatabase_url = "sqlite:data/admin.db"\n' >"$config"
failures=0

check() {  # check DESCRIPTION COMMAND...: the command must succeed
    local description="$1"
    shift
    if "$@"; then
        echo "ok: $description"
    else
        echo "FAILED: $description"
        failures=$((failures + 1))
    fi
}

run() {  # run ARGS...: inmor-admin with the test config; output in $out, status in $status
    out="$("$admin" -c "$config" "$@" 2>"$work/stderr")"
    status=$?
}

unset INMOR_ADMIN_PASSWORD DJANGO_SUPERUSER_PASSWORD

run migrate
check "migrate succeeds" test "$status" -eq 0
check "migrate applies every version" grep -q "schema at version 2 (2 applied)" <<<"$out"
check "migrate creates the database under the config folder" test -f "$work/data/admin.db"
run migrate
check "second migrate applies nothing" grep -q "schema at version 2 (0 applied)" <<<"$out"

run setup_admin --username admin --noinput
check "setup_admin --noinput without a password fails" test "$status" -ne 0
check "the failure names the variable" grep -q "INMOR_ADMIN_PASSWORD" "$work/stderr"

out="$(INMOR_ADMIN_PASSWORD=correct-horse "$admin" -c "$config" setup_admin --username admin \
    --email admin@example.test --noinput)"
check "setup_admin creates the superuser" grep -q "created superuser admin" <<<"$out"
out="$(INMOR_ADMIN_PASSWORD=other-pass "$admin" -c "$config" setup_admin --username admin --noinput)"
check "setup_admin again leaves the user alone" grep -q "already exists" <<<"$out"
out="$(DJANGO_SUPERUSER_PASSWORD=django-pass "$admin" -c "$config" setup_admin --username ops \
    --noinput)"
check "setup_admin reads DJANGO_SUPERUSER_PASSWORD" grep -q "created superuser ops" <<<"$out"
out="$(INMOR_ADMIN_PASSWORD=short "$admin" -c "$config" setup_admin --username weak --noinput \
    2>"$work/stderr")"
check "setup_admin rejects a short password" grep -q "password: must be at least 8" "$work/stderr"
out="$(printf 'typed-pass-1\ntyped-pass-1\n' | "$admin" -c "$config" setup_admin --username typed)"
check "setup_admin reads the password twice from standard input" \
    grep -q "created superuser typed" <<<"$out"
printf 'typed-pass-1\ntyped-pass-2\n' | "$admin" -c "$config" setup_admin --username typo \
    >/dev/null 2>"$work/stderr"
check "setup_admin rejects passwords that differ" grep -q "do not match" "$work/stderr"

run apikey create --username admin --key-name ci
key="$out"
check "apikey create succeeds" test "$status" -eq 0
check "apikey create prints the key alone" \
    grep -Eqx 'inmor_[0-9a-f]{8}_[A-Za-z0-9_-]{43}' <<<"$key"
prefix="$(cut -d_ -f2 <<<"$key")"
stored="$(sqlite3 "$work/data/admin.db" "SELECT key_hash FROM api_keys WHERE prefix = '$prefix'")"
expected="$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)"
check "the key is stored as its SHA-256 only" test "$stored" = "$expected"
check "the key text is not in the database file" bash -c "! grep -qF '$key' '$work/data/admin.db'"

run apikey create --username nobody
check "apikey create for an unknown user fails" test "$status" -ne 0
check "the failure names the user" grep -q "user not found: nobody" "$work/stderr"
run apikey create --username admin --expires-days 0
check "apikey create rejects zero expiry days" test "$status" -ne 0

run apikey list
check "apikey list succeeds" test "$status" -eq 0
check "apikey list shows the key" grep -q "$prefix name=ci user=admin status=active" <<<"$out"
check "apikey list ends with a summary" grep -q "^1 API keys, 1 active$" <<<"$out"

run apikey revoke "$prefix"
check "apikey revoke by prefix succeeds" test "$status" -eq 0
run apikey list
check "the revoked key is listed as revoked" grep -q "$prefix .*status=revoked" <<<"$out"
check "the summary counts no active key" grep -q "^1 API keys, 0 active$" <<<"$out"
run apikey revoke "$prefix"
check "revoking a revoked key fails" test "$status" -ne 0
run apikey revoke ffffffff
check "apikey revoke of an unknown key fails" test "$status" -ne 0

audit="$(sqlite3 "$work/data/admin.db" "SELECT action || ':' || resource_type FROM audit_log")"
check "changes are in the audit log" \
    test "$(grep -c . <<<"$audit")" -eq 5 -a "$(grep -c 'revoke:api_key' <<<"$audit")" -eq 1

"$admin" -c "$work/absent.toml" migrate >/dev/null 2>&1
check "a missing config file fails" test $? -ne 0

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
