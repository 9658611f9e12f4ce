#!/bin/sh
# Runs a command in a fresh network namespace with only loopback up, so that
# nothing the servers under test do (a DNS lookup of a subordinate's host
# name, say) can leave the machine. Needs root; exit 77 marks the test skipped.
if [ "$(id -u)" != 0 ]; then
    echo "in_netns.sh: needs root to create a network namespace, skipped" >&2
    exit 77
fi
exec unshare -n sh -c 'ip link set lo up && exec "$@"' in_netns "$@"
