# Shared by the service benchmarks: runs a load program against kairo-server on SQLite, then on a throwaway
# PostgreSQL cluster (when one starts), `runs` times each on a fresh database, collecting the table rows it prints.
#   . benches/lib.sh; on_each_backend <runs> <db-name-prefix> <program> [args...]   → rows in the array `rows`
. scripts/lib/pg.sh

on_each_backend() {
    local runs="$1" prefix="$2"
    shift 2
    local work run url
    work="$(mktemp -d)"
    rows=()
    for run in $(seq "$runs"); do
        rm -f "$work"/kairo.db*
        rows+=("$("$@" --database-url "sqlite://$work/kairo.db" --label SQLite)")
    done
    if pg_start >/dev/null; then
        for run in $(seq "$runs"); do
            url="$(pg_create_db "${prefix}_$run")"
            rows+=("$("$@" --database-url "$url" --label PostgreSQL)")
        done
    fi
    rm -rf "$work"
}
