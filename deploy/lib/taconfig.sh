# shellcheck shell=bash
# Reads the few taconfig.toml values the operations scripts need (the
# federation store and the admin database), with the same environment
# overrides and path rules as the binaries. Source it; it defines functions only.
#
# NOTE: this is a line-based reader, not a TOML parser. It understands
# `key = "string"` on one line, at top level or under a plain `[table]`
# header, which is how every example configuration is written. Multi-line
# strings, inline tables and dotted keys are not understood; a value written
# that way reads as absent and the binaries' default applies here too.

# taconfig_value FILE TABLE KEY: prints the string value of KEY in TABLE
# ("" for the top level), or nothing when it is absent.
taconfig_value() {
    local file="$1" table="$2" key="$3"
    awk -v want_table="$table" -v want_key="$key" '
        /^[[:space:]]*\[/ {
            header = $0
            sub(/^[[:space:]]*\[+[[:space:]]*/, "", header)
            sub(/[[:space:]]*\]+.*$/, "", header)
            current = header
            next
        }
        current == want_table {
            line = $0
            if (match(line, "^[[:space:]]*" want_key "[[:space:]]*=[[:space:]]*\"")) {
                rest = substr(line, RLENGTH + 1)
                end = index(rest, "\"")
                if (end > 0) { print substr(rest, 1, end - 1); exit }
            }
        }
    ' "$file"
}

# taconfig_resolve_path CONFIG PATH: PATH made absolute against the folder of
# CONFIG, as the binaries resolve relative paths.
taconfig_resolve_path() {
    local config="$1" path="$2"
    if [[ "$path" == /* ]]; then
        printf '%s\n' "$path"
    else
        printf '%s/%s\n' "$(cd "$(dirname "$config")" && pwd)" "$path"
    fi
}

# taconfig_data_dir CONFIG: the absolute data_dir (default "data").
taconfig_data_dir() {
    local config="$1" dir
    dir="$(taconfig_value "$config" "" data_dir)"
    taconfig_resolve_path "$config" "${dir:-data}"
}

# taconfig_redis_uri CONFIG: REDIS_LOCATION, else redis_uri; empty means the
# embedded federation store.
taconfig_redis_uri() {
    local config="$1"
    if [[ -n "${REDIS_LOCATION:-}" ]]; then
        printf '%s\n' "$REDIS_LOCATION"
    else
        taconfig_value "$config" "" redis_uri
    fi
}

# taconfig_database_url CONFIG: [admin] database_url with DB_HOST/DB_PORT
# applied to a PostgreSQL URL and a SQLite path made absolute
# (default: sqlite:DATA_DIR/admin.db).
taconfig_database_url() {
    local config="$1" url
    url="$(taconfig_value "$config" admin database_url)"
    if [[ -z "$url" ]]; then
        printf 'sqlite:%s/admin.db\n' "$(taconfig_data_dir "$config")"
        return
    fi
    if [[ "$url" == sqlite:* ]]; then
        printf 'sqlite:%s\n' "$(taconfig_resolve_path "$config" "${url#sqlite:}")"
        return
    fi
    printf '%s\n' "$(taconfig_override_database_host "$url")"
}

# taconfig_override_database_host URL: replaces host and port of a
# postgresql:// URL with DB_HOST and DB_PORT when they are set.
taconfig_override_database_host() {
    local url="$1"
    if [[ -z "${DB_HOST:-}" && -z "${DB_PORT:-}" ]]; then
        printf '%s\n' "$url"
        return
    fi
    local scheme="${url%%://*}://" rest="${url#*://}"
    local authority="${rest%%/*}" tail=""
    [[ "$rest" == */* ]] && tail="/${rest#*/}"
    local userinfo="" hostport="$authority"
    if [[ "$authority" == *@* ]]; then
        userinfo="${authority%@*}@"
        hostport="${authority##*@}"
    fi
    local host="$hostport" port=""
    if [[ "$hostport" =~ ^(.*):([0-9]+)$ ]]; then
        host="${BASH_REMATCH[1]}"
        port="${BASH_REMATCH[2]}"
    fi
    host="${DB_HOST:-$host}"
    port="${DB_PORT:-$port}"
    printf '%s%s%s%s%s\n' "$scheme" "$userinfo" "$host" "${port:+:$port}" "$tail"
}

# taconfig_store_has_entity_configuration CONFIG: succeeds when the federation
# store contains a published entity configuration (inmor:entity_id).
# NOTE: for the embedded store this reads the SQLite file directly: table
# `strings` in DATA_DIR/federation.db, the layout of
# src/storage/sqlite/sqlite_store.cpp. A change of that schema must be
# mirrored here.
taconfig_store_has_entity_configuration() {
    local config="$1" redis_uri
    redis_uri="$(taconfig_redis_uri "$config")"
    if [[ -n "$redis_uri" ]]; then
        [[ "$(redis-cli -u "$redis_uri" --no-auth-warning EXISTS inmor:entity_id)" == 1 ]]
        return
    fi
    local store
    store="$(taconfig_data_dir "$config")/federation.db"
    [[ -f "$store" ]] || return 1
    [[ "$(sqlite3 "file:${store}?mode=ro" \
        "SELECT count(*) FROM strings WHERE key = 'inmor:entity_id'" 2>/dev/null)" == 1 ]]
}
