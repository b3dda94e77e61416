#!/usr/bin/env bash
# Load test of kairo-server (release build) from a second process on 127.0.0.1 (benches/src/bin/server_load.rs),
# on SQLite and on a throwaway PostgreSQL cluster with its default durability settings. Writes benches/server.md.
#   SECONDS_PER_TEST=10 RATE=1000 ./benches/run-server.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
seconds="${SECONDS_PER_TEST:-10}"
rate="${RATE:-1000}"
cargo build --quiet --release -p kairo-server -p kairo-benches
server="$CARGO_TARGET_DIR/release/kairo-server"
load="$CARGO_TARGET_DIR/release/server_load"
. scripts/lib/pg.sh
work="$(mktemp -d)"
rows=()
rows+=("$("$load" --server "$server" --database-url "sqlite://$work/kairo.db" --label SQLite --rate "$rate" --seconds "$seconds")")
if pg_start >/dev/null; then
    url="$(pg_create_db kairo_load)"
    rows+=("$("$load" --server "$server" --database-url "$url" --label PostgreSQL --rate "$rate" --seconds "$seconds")")
fi
rm -rf "$work"
{
    echo "## kairo-server under load"
    echo
    echo "Command: \`SECONDS_PER_TEST=$seconds RATE=$rate ./benches/run-server.sh\` (benches/src/bin/server_load.rs): the release"
    echo "server and the load generator are separate processes on 127.0.0.1 sharing the machine's 2 cores. Ingestion is"
    echo "open-loop at a fixed rate over 50 users, latency measured from each request's scheduled start; the cached read"
    echo "is closed-loop. SQLite runs with WAL and synchronous=FULL, PostgreSQL with its defaults (fsync on)."
    echo
    echo "| backend | test | requests | errors | req/s | p50 ms | p95 ms | p99 ms |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Targets (2 cores): ingestion p99 < 10 ms at 1,000 req/s; cached reads ≥ 5,000 req/s."
} > benches/server.md
cat benches/server.md
