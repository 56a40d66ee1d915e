#!/usr/bin/env bash
# Set up (scripts/setup.sh), start PostgreSQL, then run the whole suite on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
TARJAMA_SETUP_TEST=1 scripts/setup.sh

# A throwaway PostgreSQL cluster owned by the postgres user, on its own port.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
pg_dir=$(mktemp -d /tmp/tarjama-pg.XXXXXX)
pg_port=${TARJAMA_TEST_PG_PORT:-54329}
[[ $(id -u) -eq 0 ]] && chown postgres "$pg_dir"
run_pg() { if [[ $(id -u) -eq 0 ]]; then su postgres -c "$*"; else bash -c "$*"; fi; }
run_pg "$pg_bin/initdb -D $pg_dir/data -A trust -U postgres >/dev/null"
run_pg "$pg_bin/pg_ctl -D $pg_dir/data -o '-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200' -l $pg_dir/log -w start >/dev/null"
trap 'run_pg "$pg_bin/pg_ctl -D $pg_dir/data -m fast stop >/dev/null" || true; rm -rf "$pg_dir"' EXIT
run_pg "$pg_bin/createdb -h 127.0.0.1 -p $pg_port -U postgres tarjama_test"
# Both runs reach this server: the SQLite run for the SQLite -> PostgreSQL export/import test.
export TARJAMA_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$pg_port/tarjama_test"

echo "== style (ruff) =="
.venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== tests on SQLite =="
.venv/bin/python -m pytest "$@"
echo "== tests on PostgreSQL =="
TARJAMA_TEST_DATABASE_URL="$TARJAMA_TEST_PG_URL" .venv/bin/python -m pytest "$@"
