#!/usr/bin/env bash
# Stops the cluster start-postgres.sh started and removes its STATE_DIR.
# Usage: stop-postgres.sh [STATE_DIR]  (default /tmp/tollgate-ci-pg)
set -euo pipefail
state="${1:-/tmp/tollgate-ci-pg}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -d "$state/data" ] || exit 0
if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$bindir/pg_ctl" -D "$state/data" -m fast -w stop >&2) || true
else "$bindir/pg_ctl" -D "$state/data" -m fast -w stop >&2 || true; fi
rm -rf "$state"
