#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: DATABASE_URL points at an empty
# database while the command runs; the cluster and its files are gone afterwards.
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]   (the command's exit code is kept)
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: no PostgreSQL server found (apt-get install postgresql)" >&2
  exit 2
fi
PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/polku-pg.XXXXXX")

# initdb refuses to run as root, so the cluster belongs to the postgres user then.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$PGTMP"

stop() {
  as_owner "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap stop EXIT

as_owner timeout 60 "$PGBIN/initdb" -D "$PGTMP/data" -U polku -A trust -E UTF8 \
  --locale=C.UTF-8 --no-sync >"$PGTMP/initdb.log"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Durability is pointless for a cluster that is deleted in a minute; speed is not.
as_owner "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 30 -o \
  "-h 127.0.0.1 -p $PORT -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
as_owner timeout 30 "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U polku polku_test

export DATABASE_URL="postgresql+psycopg://polku@127.0.0.1:$PORT/polku_test"
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
"$@"
