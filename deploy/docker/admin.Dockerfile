# Admin image: inmor-admin (admin API, web UI, management commands, port 8000)
# with the built web UI. Build from the repository root:
#   docker build -f deploy/docker/admin.Dockerfile -t inmor-admin:0.1.0 .

# Build stage: the same scripts CI and scripts/run.sh use.
FROM debian:12 AS build
WORKDIR /src
COPY scripts/ scripts/
RUN INMOR_DEPS=runtime bash scripts/install-deps.sh
COPY . .
RUN bash scripts/build.sh release \
    && mkdir /out \
    && cp build/release/src/cli/inmor-admin /out/ \
    && strip /out/*

# The web UI needs Node.js 20 or newer (Vite 7); Debian 12 packages Node.js 18,
# so this stage uses the Node.js image built on Debian 12.
FROM node:20-bookworm-slim AS webui
WORKDIR /webui
COPY webui/package.json webui/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY webui/ ./
RUN npm run build

FROM debian:12-slim
# Runtime libraries of inmor-admin (check-deploy.sh compares this list with
# the libraries it links); curl for the health check; redis-tools and sqlite3
# let the entrypoint see whether the federation store is empty.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates curl redis-tools sqlite3 \
        libargon2-1 libboost-container1.81.0 libboost-json1.81.0 libboost-system1.81.0 \
        libboost-url1.81.0 libcurl4 libfmt9 libhiredis0.14 liboath0 libpq5 \
        libspdlog1.10 libsqlite3-0 libssl3 libtomlplusplus3 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 999 app \
    && useradd --system --uid 999 --gid 999 --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app
COPY --from=build /out/inmor-admin /app/inmor-admin
COPY --from=webui /webui/dist/ /app/webui/
COPY deploy/docker/taconfig.compose.toml /app/taconfig.toml
COPY deploy/docker/admin-entrypoint.sh /app/docker-entrypoint.sh
COPY deploy/lib/taconfig.sh /app/lib/taconfig.sh
RUN mkdir -p /app/data /app/keys/publickeys /app/keys/historical_keys \
    && chown -R 999:999 /app/data /app/keys

USER 999:999
ENV INSIDE_CONTAINER=true
EXPOSE 8000
# /api/v1/auth/csrf is the one admin route that needs no login.
HEALTHCHECK --interval=5s --timeout=5s --retries=5 --start-period=20s \
    CMD curl --fail --silent --show-error --max-time 4 \
        http://127.0.0.1:8000/api/v1/auth/csrf >/dev/null || exit 1
ENTRYPOINT ["/app/docker-entrypoint.sh"]
CMD ["serve"]
