#!/usr/bin/env bash
# Runs a command against a real PostgreSQL server: a throw-away cluster in a temporary folder,
# reachable only through a unix socket in that folder (no TCP port, nothing on the network),
# trust authentication for that socket. The command gets its URL in SIGIL_TEST_POSTGRES_URL; the
# cluster is stopped and removed afterwards, also when the command fails or is interrupted.
# Installs nothing (scripts/install-deps.sh test installs Debian's `postgresql`). As root (CI) the
# server runs as the `postgres` user, since PostgreSQL refuses to run as root.
# Usage: scripts/with-postgres.sh COMMAND [ARG...]
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

# The server binaries: PG_BINDIR, else the newest Debian install, else PATH.
bindir="${PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
  bindir="$(dirname "$(command -v initdb)")"
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "PostgreSQL server binaries (initdb, pg_ctl) are missing: run scripts/install-deps.sh test" >&2
  exit 1
fi

# Who runs the server: ourselves, or `postgres` when we are root.
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "running as root, but there is no 'postgres' user to run the server as" >&2
    exit 1
  fi
  as_server() { runuser -u postgres -- "$@"; }
else
  as_server() { "$@"; }
fi

# /tmp rather than TMPDIR: the socket path must stay short (about 100 bytes) and, as root, the
# `postgres` user must be able to reach the folder.
scratch="$(mktemp -d /tmp/sigil-pg.XXXXXX)"
cleanup() {
  if [ -f "$scratch/data/postmaster.pid" ]; then
    as_server "$bindir/pg_ctl" -D "$scratch/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT
chmod 700 "$scratch"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$scratch"; fi

# A disposable cluster: no fsync (nothing here must survive a power cut), trust on the socket.
as_server "$bindir/initdb" --pgdata="$scratch/data" --username=postgres --auth=trust \
  --encoding=UTF8 --locale=C --no-sync >"$scratch/initdb.log" 2>&1 || {
  cat "$scratch/initdb.log" >&2
  exit 1
}
as_server "$bindir/pg_ctl" -D "$scratch/data" -l "$scratch/server.log" -w -t 30 \
  -o "-c listen_addresses='' -k $scratch -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null || {
  echo "PostgreSQL did not start:" >&2
  cat "$scratch/server.log" >&2 || true
  exit 1
}

export SIGIL_TEST_POSTGRES_URL="postgres://postgres@localhost/postgres?host=$scratch"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'): throw-away cluster on the unix socket in $scratch"
# The command runs in the background so that an interrupt reaches this script at once (bash
# waits for a foreground command before it runs traps); the script passes it on, then cleans up.
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true; wait "$child" || true; exit 130' INT
trap 'kill -TERM "$child" 2>/dev/null || true; wait "$child" || true; exit 143' TERM
status=0
wait "$child" || status=$?
exit "$status"
