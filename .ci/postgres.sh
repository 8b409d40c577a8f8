#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1:55432 for the storage conformance suite,
# installing Debian's PostgreSQL if it is missing, and prints the URL to use. Idempotent.
#
# `postgres.sh stop` stops that server at once (`pg_ctl -m immediate`: what a crash looks like
# to its clients); `postgres.sh start` starts it again on the same data. The fault tests of
# issue #14 use them on a server of their own (PLENTY_PG_PORT), never on the shared one.
set -euo pipefail
PORT="${PLENTY_PG_PORT:-55432}"
ACTION="${1:-ensure}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "installing PostgreSQL from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
# The server refuses to run as root: run it as the postgres user (created if missing).
id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
DATA=/tmp/plenty-pg-$PORT
PGCTL="$PGBIN/pg_ctl -D $DATA -l $DATA/server.log -w -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200'"
case "$ACTION" in
  stop) su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $DATA -m immediate -w stop >/dev/null"; exit 0 ;;
  start) su postgres -s /bin/sh -c "$PGCTL start >/dev/null"; exit 0 ;;
esac
if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  rm -rf "$DATA"
  mkdir -p "$DATA"
  chown postgres "$DATA"
  su postgres -s /bin/sh -c "$PGBIN/initdb -D $DATA -A trust -U plenty >/dev/null"
  su postgres -s /bin/sh -c "$PGCTL start >/dev/null"
fi
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U plenty -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='plenty_test'" | grep -q 1 \
  || "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U plenty plenty_test
echo "postgres://plenty@127.0.0.1:$PORT/plenty_test"
