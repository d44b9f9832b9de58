#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a free loopback port and prints its URL (only that, on
# stdout; logs go to stderr). Usage: start-postgres.sh [STATE_DIR]  (default /tmp/tollgate-ci-pg).
# STATE_DIR holds the data dir (`data/`), the server log, the socket and a `port` file; stop the
# cluster with stop-postgres.sh [STATE_DIR]. Runs the server as the `postgres` user when started
# as root (creating that user if needed). Refuses to touch a STATE_DIR whose cluster is still
# running: two runs at once must use two STATE_DIRs.
set -euo pipefail
state="${1:-/tmp/tollgate-ci-pg}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }

as_owner() {
  # cd / so the server user never starts in a directory it cannot read (e.g. /root).
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pid_file="$state/data/postmaster.pid"
if [ -f "$pid_file" ] && kill -0 "$(head -1 "$pid_file")" 2>/dev/null; then
  echo "a cluster is already running in $state (pid $(head -1 "$pid_file")); stop it with stop-postgres.sh $state or pass another STATE_DIR" >&2
  exit 1
fi

rm -rf "$state"
mkdir -p "$state"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  chown postgres "$state"
fi
as_owner "$bindir/initdb" -D "$state/data" -U postgres --auth=trust --no-sync -E UTF8 >&2

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Take the first free port from a random start in 55432-56431 (TOLLGATE_PG_PORT forces the start):
# a port another cluster gives up (a test stopping its server to simulate an outage) is then
# unlikely to be taken over by a cluster started meanwhile, whose tollgate_test database would
# silently answer for it. If another process grabs the port between the probe and the bind, the
# start fails and the next port is tried.
port="${TOLLGATE_PG_PORT:-$((55432 + RANDOM % 1000))}"
started=
for _ in $(seq 1 20); do
  while port_busy "$port"; do port=$((port + 1)); done
  if as_owner "$bindir/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$state -c fsync=off -c max_connections=200" start >&2; then
    started=1
    break
  fi
  echo "could not start on port $port; trying the next one" >&2
  port=$((port + 1))
done
[ -n "$started" ] || { echo "PostgreSQL did not start; see $state/server.log" >&2; exit 1; }

as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres tollgate_test >&2
echo "$port" > "$state/port"
echo "postgres://postgres@127.0.0.1:$port/tollgate_test"
