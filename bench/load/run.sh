#!/usr/bin/env bash
# Load benchmark of `plenty serve` (issue 4). Builds release, starts `plenty serve --demo` on a
# fresh database, runs the `load` example against it, stops the service, prints the figures.
#
#   bench/load/run.sh                      # SQLite, 2000 members, 256 connections
#   bench/load/run.sh --pg                 # PostgreSQL: a throw-away cluster in a temp dir
#   bench/load/run.sh -- --members 500     # anything after -- goes to the load example
#
# With --pg the cluster runs as the `postgres` user when run as root (PostgreSQL refuses root);
# it needs initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin.
set -euo pipefail
cd "$(dirname "$0")/../.."

backend=sqlite
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pg) backend=postgres; shift ;;
    --) shift; break ;;
    *) echo "unknown option $1 (load example options go after --)" >&2; exit 2 ;;
  esac
done

cargo build --release -q -p plenty-cli --bin plenty
cargo build --release -q -p plenty-server --example load

work=$(mktemp -d /tmp/plenty-load.XXXXXX)
chmod 755 "$work"
server_pid=
pg_data=
as_pg() { if [[ $(id -u) == 0 ]]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [[ -n "$pg_data" ]] && as_pg "$pg_bin/pg_ctl -D $pg_data -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [[ $backend == postgres ]]; then
  pg_bin=$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")
  pg_data=$work/pg
  pg_port=$((20000 + RANDOM % 20000))
  mkdir -p "$pg_data"
  [[ $(id -u) == 0 ]] && chown postgres "$pg_data"
  as_pg "$pg_bin/initdb -D $pg_data -U plenty --auth=trust" >/dev/null
  as_pg "$pg_bin/pg_ctl -D $pg_data -o '-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1' -l $pg_data/log -w start" >/dev/null
  db="postgres://plenty@127.0.0.1:$pg_port/postgres"
else
  db="$work/plenty.sqlite3"
fi

./target/release/plenty serve --db "$db" --demo --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" | head -1)
[[ -n "$url" ]] || { cat "$work/serve.out" "$work/serve.err" >&2; exit 1; }

echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores, backend $backend, commit $(git rev-parse --short HEAD)"
./target/release/examples/load "$url" "$@"
if [[ -s "$work/serve.err" ]]; then echo "--- service stderr:"; cat "$work/serve.err"; fi
