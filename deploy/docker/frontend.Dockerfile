# Web UI image: nginx serves the built UI on port 5173 and proxies /api/ to
# the admin, so the UI and the API share one origin. Build from the
# repository root:
#   docker build -f deploy/docker/frontend.Dockerfile -t inmor-frontend:0.1.0 .

# The web UI needs Node.js 20 or newer (Vite 7); Debian 12 packages Node.js 18,
# so this stage uses the Node.js image built on Debian 12.
FROM node:20-bookworm-slim AS webui
WORKDIR /webui
COPY webui/package.json webui/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY webui/ ./
RUN npm run build

FROM debian:12-slim
# gettext-base provides envsubst, which fills the site template at start.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx-light gettext-base curl \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 999 app \
    && useradd --system --uid 999 --gid 999 --home-dir /app --shell /usr/sbin/nologin app

COPY --from=webui /webui/dist/ /usr/share/inmor/webui/
COPY webui/nginx/default.conf.template /etc/inmor-frontend/default.conf.template
COPY deploy/docker/frontend-nginx.conf /etc/inmor-frontend/nginx.conf
COPY deploy/docker/frontend-entrypoint.sh /usr/local/bin/frontend-entrypoint.sh

USER 999:999
ENV INMOR_FRONTEND_LISTEN=5173 \
    INMOR_UI_ROOT=/usr/share/inmor/webui \
    INMOR_ADMIN_UPSTREAM=admin:8000
EXPOSE 5173
HEALTHCHECK --interval=10s --timeout=5s --retries=5 --start-period=5s \
    CMD curl --fail --silent --show-error --max-time 4 http://127.0.0.1:5173/ >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/frontend-entrypoint.sh"]
