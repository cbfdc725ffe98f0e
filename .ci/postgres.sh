#!/usr/bin/env bash
# A throwaway PostgreSQL server for the storage tests: a fresh cluster in a temporary folder,
# owned by the postgres user, listening on a Unix socket in that folder and 127.0.0.1:$PORT only.
#   source .ci/postgres.sh        → exports NIANBAO_TEST_POSTGRES; stop with: pg_stop_throwaway
# (sourced from .ci/run, whose set -euo pipefail applies here)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
# A port nothing else listens on (a fixed one may be taken by another server on the machine).
PG_PORT=${PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
PG_DIR=$(mktemp -d /tmp/nianbao-pg.XXXXXX)
chown postgres: "$PG_DIR"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
runuser -u postgres -- "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" nianbao_test
export NIANBAO_TEST_POSTGRES="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/nianbao_test"
pg_stop_throwaway() {
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null || true
    rm -rf "$PG_DIR"
}
