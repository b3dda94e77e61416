#!/usr/bin/env bash
# Load test of kairo-server (release build) from a second process on 127.0.0.1 (benches/src/bin/server_load.rs),
# on SQLite and on a throwaway PostgreSQL cluster with its default durability settings. Writes benches/server.md.
#   SECONDS_PER_TEST=10 RATE=1000 RUNS=3 ./benches/run-server.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
seconds="${SECONDS_PER_TEST:-10}"
rate="${RATE:-1000}"
cargo build --quiet --release -p kairo-server -p kairo-benches
server="$CARGO_TARGET_DIR/release/kairo-server"
load="$CARGO_TARGET_DIR/release/server_load"
runs="${RUNS:-3}"
. benches/lib.sh
on_each_backend "$runs" kairo_load "$load" --server "$server" --rate "$rate" --seconds "$seconds"
# The median of each column over the runs, per backend and test.
table="$(printf '%s\n' "${rows[@]}" | python3 -c '
import statistics, sys
groups = {}
for line in sys.stdin:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 8:
        groups.setdefault((cells[0], cells[1]), []).append([float(c) for c in cells[2:]])
for (backend, test), runs in groups.items():
    med = [statistics.median(col) for col in zip(*runs)]
    print(f"| {backend} | {test} | {med[0]:.0f} | {med[1]:.0f} | {med[2]:.0f} | {med[3]:.2f} | {med[4]:.2f} | {med[5]:.2f} | {len(runs)} |")
')"
{
    echo "## kairo-server under load"
    echo
    echo "Command: \`SECONDS_PER_TEST=$seconds RATE=$rate RUNS=$runs ./benches/run-server.sh\` (benches/src/bin/server_load.rs): the release"
    echo "server and the load generator are separate processes on 127.0.0.1 sharing the machine's 2 cores. Ingestion is"
    echo "open-loop at a fixed rate over 50 users, latency measured from each request's scheduled start; the cached read"
    echo "is closed-loop. SQLite runs with WAL and synchronous=FULL, PostgreSQL with its defaults (fsync on)."
    echo
    echo "Each figure is the median over $runs runs (a fresh database each)."
    echo
    echo "| backend | test | requests | errors | req/s | p50 ms | p95 ms | p99 ms | runs |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "$table"
    echo
    echo "Targets (2 cores): ingestion p99 < 10 ms at 1,000 req/s; cached reads ≥ 5,000 req/s."
    echo
    echo "Every run (grouped by backend and test; the spread is this shared machine's):"
    echo
    echo "| backend | test | requests | errors | req/s | p50 ms | p95 ms | p99 ms |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}" | grep '^|' | sort -s -t'|' -k2,3
} > benches/server.md
cat benches/server.md
