#!/usr/bin/env bash
# Installs the built binaries, the systemd units and timers, the system user
# definition and example configuration at the paths the units name:
#   /usr/local/bin/inmor, inmor-admin, inmor-collection, inmor-keygeneration
#   /etc/systemd/system/inmor*.service, inmor*.timer
#   /usr/lib/sysusers.d/inmor.conf, /etc/inmor/{taconfig.toml,inmor.env}
#   /usr/local/share/doc/inmor/ (docs/), /usr/local/share/inmor/webui (webui/dist)
#   /usr/local/share/inmor/scripts/backup.sh, restore.sh
# Existing files in /etc/inmor are never overwritten.
#
#   bash deploy/install.sh [--bin-dir DIR]
# DIR defaults to build/release/src/cli. DESTDIR=/some/root installs into a
# staging tree instead (nothing else is touched then); as root without DESTDIR
# the script also creates the inmor user and reloads systemd.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${root}/build/release/src/cli"
destdir="${DESTDIR:-}"

while (($# > 0)); do
    case "$1" in
        --bin-dir) bin_dir="$2"; shift 2 ;;
        *) echo "install.sh: unknown option '$1' (use --bin-dir DIR)" >&2; exit 2 ;;
    esac
done

install -d "$destdir/usr/local/bin" "$destdir/etc/systemd/system" \
    "$destdir/usr/lib/sysusers.d" "$destdir/etc/inmor" "$destdir/usr/local/share/doc/inmor"

for binary in inmor inmor-admin inmor-collection inmor-keygeneration; do
    if [[ -x "$bin_dir/$binary" ]]; then
        install -m 0755 "$bin_dir/$binary" "$destdir/usr/local/bin/$binary"
        echo "install: /usr/local/bin/$binary"
    else
        echo "install: $binary not found in $bin_dir; its units will fail until it is built" >&2
    fi
done

for unit in "$root"/deploy/systemd/*.service "$root"/deploy/systemd/*.timer; do
    install -m 0644 "$unit" "$destdir/etc/systemd/system/$(basename "$unit")"
done
install -m 0644 "$root/deploy/systemd/inmor.sysusers" "$destdir/usr/lib/sysusers.d/inmor.conf"
install -m 0644 "$root"/docs/*.md "$destdir/usr/local/share/doc/inmor/"
echo "install: units in /etc/systemd/system, docs in /usr/local/share/doc/inmor"

# The admin serves the web UI from [admin] ui_dir; build it with npm first.
if [[ -f "$root/webui/dist/index.html" ]]; then
    install -d "$destdir/usr/local/share/inmor"
    rm -rf "$destdir/usr/local/share/inmor/webui"
    cp -R "$root/webui/dist" "$destdir/usr/local/share/inmor/webui"
    echo "install: /usr/local/share/inmor/webui"
else
    echo "install: webui/dist not built (cd webui && npm ci && npm run build); no web UI" >&2
fi

# The backup scripts, with the helper they load from ../deploy/lib.
install -d "$destdir/usr/local/share/inmor/scripts" "$destdir/usr/local/share/inmor/deploy/lib"
install -m 0755 "$root/scripts/backup.sh" "$root/scripts/restore.sh" \
    "$destdir/usr/local/share/inmor/scripts/"
install -m 0644 "$root/deploy/lib/taconfig.sh" "$destdir/usr/local/share/inmor/deploy/lib/"
echo "install: /usr/local/share/inmor/scripts/backup.sh, restore.sh"

install_example() {
    local source="$1" target="$2" mode="$3"
    if [[ -e "$destdir$target" ]]; then
        echo "install: kept existing $target"
    else
        install -m "$mode" "$source" "$destdir$target"
        echo "install: wrote $target (edit it before starting)"
    fi
}
install_example "$root/deploy/systemd/taconfig.example.toml" /etc/inmor/taconfig.toml 0640
install_example "$root/deploy/systemd/inmor.env.example" /etc/inmor/inmor.env 0640

if [[ -z "$destdir" && $(id -u) -eq 0 ]]; then
    systemd-sysusers /usr/lib/sysusers.d/inmor.conf
    chgrp inmor /etc/inmor/taconfig.toml /etc/inmor/inmor.env
    if [[ -d /run/systemd/system ]]; then
        systemctl daemon-reload
    fi
    echo "install: user inmor ready; next: docs/deployment.md, section systemd"
fi
