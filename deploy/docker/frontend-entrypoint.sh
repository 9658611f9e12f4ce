#!/bin/sh
# Fills the site template with INMOR_FRONTEND_LISTEN, INMOR_UI_ROOT and
# INMOR_ADMIN_UPSTREAM, then runs nginx in the foreground. Only these three
# variables are replaced, so nginx's own $host, $scheme... stay as written.
set -eu
mkdir -p /tmp/nginx/conf.d
# shellcheck disable=SC2016  # the single quotes keep the names for envsubst
envsubst '${INMOR_FRONTEND_LISTEN} ${INMOR_UI_ROOT} ${INMOR_ADMIN_UPSTREAM}' \
    < /etc/inmor-frontend/default.conf.template > /tmp/nginx/conf.d/default.conf
exec nginx -c /etc/inmor-frontend/nginx.conf -g 'daemon off;'
