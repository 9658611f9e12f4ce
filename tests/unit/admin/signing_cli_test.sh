#!/usr/bin/env bash
# Black-box test of inmor-admin's signing commands (renew_subordinates,
# reload_issued_tms, reissue_alltms) on SQLite with the embedded federation
# store: one line per item, a summary, and the exit status.
# Usage: signing_cli_test.sh PATH_TO_INMOR_ADMIN PATH_TO_INMOR_KEYGENERATION
set -uo pipefail

admin="$1"
keygeneration="$2"
work="$(mktemp -d /tmp/inmor_signing_cli_XXXXXX)"
trap 'rm -rf "$work"' EXIT
config="$work/taconfig.toml"
cat >"$config" <<'TOML'
domain = "https://ta.test"
data_dir = "data"
private_key = "private.json"
public_keys_dir = "publickeys"
historical_keys_dir = "historical_keys"
[admin]
database_url = "sqlite:data/admin.db"
TOML
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

"$keygeneration" --type=ES256 --output="$work" >/dev/null
run migrate
check "migrate succeeds" test "$status" -eq 0

run renew_subordinates
check "renew_subordinates with none succeeds" test "$status" -eq 0
check "renew_subordinates prints a summary" \
    grep -q "renew_subordinates: 0 done, 0 failed" <<<"$out"

# One trust mark type and one mark that was never signed, written as the
# admin API would leave them after a crash before signing.
sqlite3 "$work/data/admin.db" \
    "INSERT INTO trust_mark_types (tmtype, valid_for, renewal_time) VALUES ('https://ta.test/tm', 24, 2);
     INSERT INTO trust_marks (tmt_id, domain, valid_for, renewal_time) VALUES (1, 'https://rp.test', 24, 2);"

run reload_issued_tms
check "reload_issued_tms succeeds" test "$status" -eq 0
check "reload_issued_tms skips a mark never signed" \
    grep -q "reload_issued_tms: 0 done, 0 failed" <<<"$out"

run reissue_alltms
check "reissue_alltms succeeds" test "$status" -eq 0
check "reissue_alltms reports the mark" grep -q "trust mark 1 https://rp.test: renewed" <<<"$out"
check "reissue_alltms prints a summary" grep -q "reissue_alltms: 1 done, 0 failed" <<<"$out"
mark="$(sqlite3 "$work/data/admin.db" "SELECT mark FROM trust_marks WHERE id = 1")"
check "the signed mark is stored" test -n "$mark"

run reload_issued_tms
check "reload_issued_tms publishes the signed mark" \
    grep -q "trust mark 1 https://rp.test: published" <<<"$out"

# A revoked mark is published as revoked and never signed again.
sqlite3 "$work/data/admin.db" "UPDATE trust_marks SET active = 0, revoked_at = 1, mark = NULL"
run reissue_alltms
check "reissue_alltms leaves a revoked mark alone" \
    grep -q "reissue_alltms: 0 done, 0 failed" <<<"$out"
run reload_issued_tms
check "reload_issued_tms publishes the revocation" \
    grep -q "trust mark 1 https://rp.test: revoked" <<<"$out"

# Without the signing key the signing commands fail with a message.
mv "$work/private.json" "$work/private.json.away"
run reissue_alltms
check "reissue_alltms without a key fails" test "$status" -ne 0
check "the failure names the key file" grep -q "private.json" "$work/stderr"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
