# Sourced by scripts/test-server.sh and benches/run-server.sh: starts a throwaway PostgreSQL cluster (initdb and
# pg_ctl in a temp dir, trust auth, a free port on 127.0.0.1; as the postgres user when run as root), exports
# KAIRO_TEST_PG_URL (an admin URL) and stops and removes the cluster on exit. Does nothing when PostgreSQL's
# binaries are not on the machine.
pg_start() {
    local dir
    pg_bin=""
    for dir in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")" /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then pg_bin="$dir"; break; fi
    done
    if [ -z "$pg_bin" ]; then
        return 1
    fi
    pgdir="$(mktemp -d /tmp/kairo-pg.XXXXXX)"
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_pg=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$pgdir"
        as_pg=(runuser -u postgres --)
    fi
    "${as_pg[@]}" "$pg_bin/initdb" -D "$pgdir/data" -A trust -U postgres --no-sync >/dev/null
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
        -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c max_connections=200 ${KAIRO_PG_OPTIONS:-}" start >/dev/null
    trap pg_stop EXIT
    export KAIRO_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
    echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $port"
}

pg_stop() {
    if [ -n "${pgdir:-}" ]; then
        "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$pgdir"
        pgdir=""
    fi
}

# A new database on the cluster; prints its URL.
pg_create_db() {
    local name="$1"
    local psql="$pg_bin/psql"
    [ -x "$psql" ] || psql="$(command -v psql)"
    "$psql" "$KAIRO_TEST_PG_URL" -qc "CREATE DATABASE $name" >/dev/null
    echo "${KAIRO_TEST_PG_URL%/*}/$name"
}
