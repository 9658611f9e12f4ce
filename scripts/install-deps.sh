#!/usr/bin/env bash
# Installs every system package the build, the server and the tests need, from
# Debian 12's archive. Idempotent; run as root. INMOR_DEPS=runtime installs only
# what building and running the trust anchor needs (no test services).
set -euo pipefail

build_packages=(
    build-essential cmake ninja-build ccache pkg-config git ca-certificates curl
    libssl-dev libcurl4-openssl-dev
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
    libhiredis-dev libsqlite3-dev libpq-dev
    libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
    libargon2-dev liboath-dev
)

test_packages=(
    libgtest-dev libgmock-dev libbenchmark-dev
    clang-14 libclang-rt-14-dev
    redis-server postgresql sqlite3
    python3 python3-pip python3-venv
    iproute2 openssl
    chromium
)

bench_packages=(wrk nginx-light util-linux)

# The deployment checks (scripts/check-deploy.sh): compose files, reverse-proxy
# examples, alert rules, shell scripts. systemd provides systemd-analyze.
deploy_packages=(docker-compose caddy apache2-bin prometheus shellcheck systemd gettext-base)

packages=("${build_packages[@]}")
if [[ "${INMOR_DEPS:-all}" != runtime ]]; then
    packages+=("${test_packages[@]}" "${bench_packages[@]}" "${deploy_packages[@]}")
fi

# Node.js may come from elsewhere (this image ships one with npm); Debian's npm
# conflicts with such a build, so it is installed only when npm is absent.
if [[ "${INMOR_DEPS:-all}" != runtime ]] && ! command -v npm >/dev/null; then
    packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
