#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a free loopback port and prints its URL (only that, on
# stdout). Usage: start-postgres.sh [STATE_DIR]  (default /tmp/tollgate-ci-pg). Stop it with
# stop-postgres.sh [STATE_DIR]. Runs the server as the `postgres` user when started as root.
set -euo pipefail
state="${1:-/tmp/tollgate-ci-pg}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port=55432
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

rm -rf "$state"
mkdir -p "$state"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$state" --shell /usr/sbin/nologin postgres
  chown postgres "$state"
fi
as_owner "$bindir/initdb" -D "$state/data" -U postgres --auth=trust --no-sync -E UTF8 >&2
as_owner "$bindir/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$state -c fsync=off -c max_connections=200" start >&2
as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres tollgate_test >&2
echo "$port" > "$state/port"
echo "postgres://postgres@127.0.0.1:$port/tollgate_test"
