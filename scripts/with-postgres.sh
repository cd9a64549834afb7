#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster, then remove the cluster.
#
#   scripts/with-postgres.sh .venv/bin/pytest -q
#
# The cluster lives in a temporary directory, listens on 127.0.0.1 on a free port
# (its unix socket stays inside the temporary directory), runs as an unprivileged
# user (the "postgres" system user, or one this script creates, when started as
# root), and is stopped and deleted on exit, whatever the command's outcome.
# The command sees the database URI in DANKHEO_TEST_DATABASE_URI (what
# tests/conftest.py reads) and in WITH_POSTGRES_URI; its exit status is ours.
#
# PostgreSQL comes from the Debian packages; as root the script installs them when
# absent. PG_BINDIR overrides where initdb and pg_ctl are looked for.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  # Debian keeps the server binaries out of PATH, one directory per major version.
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
}

BINDIR=$(find_bindir)
if [ -z "$BINDIR" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "with-postgres: installing PostgreSQL from the Debian packages" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      postgresql postgresql-contrib >/dev/null
    BINDIR=$(find_bindir)
  fi
fi
if [ -z "$BINDIR" ]; then
  echo "with-postgres: PostgreSQL not found; run: sudo apt-get install postgresql" >&2
  exit 1
fi

# The server refuses to run as root: run it as an unprivileged user.
if [ "$(id -u)" = 0 ]; then
  PG_USER=${PG_USER:-postgres}
  if ! id "$PG_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
  fi
  as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
  PG_USER=$(id -un)
  as_pg() { "$@"; }
fi

WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/dankheo-pg.XXXXXX")
chmod 700 "$WORKDIR"
if [ "$(id -u)" = 0 ]; then chown "$PG_USER" "$WORKDIR"; fi
DATADIR="$WORKDIR/data"
LOGFILE="$WORKDIR/server.log"
STARTED=0

cleanup() {
  local status=$?
  if [ "$STARTED" = 1 ]; then
    as_pg "$BINDIR/pg_ctl" -D "$DATADIR" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ "$status" != 0 ] && [ -f "$LOGFILE" ] && [ "${WITH_POSTGRES_SHOW_LOG:-1}" = 1 ]; then
    echo "with-postgres: exit status $status; last lines of the server log:" >&2
    tail -n 20 "$LOGFILE" >&2 || true
  fi
  rm -rf "$WORKDIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# C.UTF-8 gives UTF-8 case mapping with byte-order collation; our Vietnamese sort
# keys carry their own order (collation "C"), so no vi_VN locale is needed.
LOCALE=C.UTF-8
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || LOCALE=C
as_pg "$BINDIR/initdb" -D "$DATADIR" -U dankheo --auth=trust -E UTF8 --locale="$LOCALE" \
  >"$WORKDIR/initdb.log" 2>&1 || { cat "$WORKDIR/initdb.log" >&2; exit 1; }

PORT=${PG_PORT:-$(free_port)}
# A throw-away cluster: durability settings off, for speed.
as_pg "$BINDIR/pg_ctl" -D "$DATADIR" -l "$LOGFILE" -w -t 60 \
  -o "-p $PORT -k $WORKDIR -c listen_addresses=127.0.0.1 -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
STARTED=1

DBNAME=${PG_DBNAME:-dankheo_test}
as_pg "$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U dankheo "$DBNAME"

URI="postgresql+psycopg://dankheo@127.0.0.1:$PORT/$DBNAME"
export DANKHEO_TEST_DATABASE_URI="$URI" WITH_POSTGRES_URI="$URI"
echo "with-postgres: PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') at $URI" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
