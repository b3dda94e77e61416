#!/usr/bin/env bash
# Runs the kairo-server test suite on SQLite and, when PostgreSQL's binaries are on the machine, on a throwaway
# PostgreSQL cluster (initdb/pg_ctl in a temp dir, trust auth, a free port on 127.0.0.1), stopped afterwards.
# Without PostgreSQL the PostgreSQL tests report themselves as skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"

pg_bin=""
for dir in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent)")" /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then pg_bin="$dir"; break; fi
done

cleanup() { :; }
if [ -n "$pg_bin" ]; then
    pgdir="$(mktemp -d /tmp/kairo-pg.XXXXXX)"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_pg=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$pgdir"
        as_pg=(runuser -u postgres --)
    fi
    "${as_pg[@]}" "$pg_bin/initdb" -D "$pgdir/data" -A trust -U postgres --no-sync >/dev/null
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
        -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    cleanup() {
        "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$pgdir"
    }
    export KAIRO_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
    echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $port for the server tests"
else
    echo "*** PostgreSQL binaries not found: the PostgreSQL server tests will be SKIPPED ***"
fi
trap cleanup EXIT
cargo test -p kairo-server -- "$@"
