# Federation server image: inmor (port 8080), inmor-collection and
# inmor-keygeneration. Build from the repository root:
#   docker build -f deploy/docker/inmor.Dockerfile -t inmor:0.1.0 .

# Build stage: the same scripts CI and scripts/run.sh use.
FROM debian:12 AS build
WORKDIR /src
COPY scripts/ scripts/
RUN INMOR_DEPS=runtime bash scripts/install-deps.sh
COPY . .
RUN bash scripts/build.sh release \
    && mkdir /out \
    && cp build/release/src/cli/inmor build/release/src/cli/inmor-collection \
          build/release/src/cli/inmor-keygeneration /out/ \
    && strip /out/*

FROM debian:12-slim
# Runtime libraries of the binaries (check-deploy.sh compares this list with
# the libraries they link), curl for the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates curl \
        libargon2-1 libboost-container1.81.0 libboost-json1.81.0 libboost-system1.81.0 \
        libboost-url1.81.0 libcurl4 libfmt9 libhiredis0.14 liboath0 libpq5 \
        libspdlog1.10 libsqlite3-0 libssl3 libtomlplusplus3 \
    && rm -rf /var/lib/apt/lists/*

# uid and gid 999: private.json is mode 0600, so the host file must be owned
# by 999 for the server to read it.
RUN groupadd --system --gid 999 app \
    && useradd --system --uid 999 --gid 999 --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app
COPY --from=build /out/ /app/
COPY deploy/docker/taconfig.compose.toml /app/taconfig.toml
COPY deploy/docker/ta-entrypoint.sh /app/ta-entrypoint.sh
COPY deploy/lib/taconfig.sh /app/lib/taconfig.sh
RUN mkdir -p /app/data /app/keys/publickeys /app/keys/historical_keys \
    && chown -R 999:999 /app/data /app/keys

USER 999:999
ENV INSIDE_CONTAINER=true
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=5s --retries=5 --start-period=10s \
    CMD curl --fail --silent --show-error --max-time 4 http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["/app/ta-entrypoint.sh"]
CMD ["/app/inmor", "-c", "/app/taconfig.toml"]
