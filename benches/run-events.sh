#!/usr/bin/env bash
# Trade-to-event latency of kairo-server (release build) from a second process on 127.0.0.1
# (benches/src/bin/event_latency.rs), on SQLite and on a throwaway PostgreSQL cluster with its default durability
# settings. Writes benches/events.md.
#   SECONDS_PER_TEST=10 RATE=1000 RUNS=3 ./benches/run-events.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
seconds="${SECONDS_PER_TEST:-10}"
rate="${RATE:-1000}"
runs="${RUNS:-3}"
cargo build --quiet --release -p kairo-server -p kairo-benches
server="$CARGO_TARGET_DIR/release/kairo-server"
bench="$CARGO_TARGET_DIR/release/event_latency"
. benches/lib.sh
on_each_backend "$runs" kairo_events "$bench" --server "$server" --rate "$rate" --seconds "$seconds"
# The median of each column over the runs, per backend.
table="$(printf '%s\n' "${rows[@]}" | python3 -c '
import statistics, sys
groups = {}
for line in sys.stdin:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 10:
        groups.setdefault(cells[0], []).append([float(c) for c in cells[1:]])
for backend, runs in groups.items():
    m = [statistics.median(col) for col in zip(*runs)]
    print(f"| {backend} | {m[0]:.0f} | {m[1]:.0f} | {m[2]:.0f} | {m[3]:.0f} | {m[4]:.0f} | {m[5]:.1f} | {m[6]:.1f} | {m[7]:.1f} | {m[8]:.1f} | {len(runs)} |")
')"
{
    echo "## kairo-server: from a posted trade to its event"
    echo
    echo "Command: \`SECONDS_PER_TEST=$seconds RATE=$rate RUNS=$runs ./benches/run-events.sh\` (benches/src/bin/event_latency.rs): the"
    echo "release server and the load generator are separate processes on 127.0.0.1 sharing the machine's 2 cores."
    echo "\`POST /trades\` open-loop at the rate over 50 cash accounts, every other trade of an account a sale of a share it"
    echo "does not hold (\`short_sale_cash_account\` fails it), one \`GET /events\` stream open; the latency of a failing"
    echo "trade is from its 2xx answer to its \`compliance.fail\` event on the stream (the live check; the recomputation"
    echo "after its debounce reports the same outcome, which the log does not repeat). A fail that never arrives would"
    echo "count as an infinite latency (\`missed\`)."
    echo
    echo "Each figure is the median over $runs runs (a fresh database each)."
    echo
    echo "| backend | trades / s | trades answered | errors | failing trades | missed | p50 ms | p95 ms | p99 ms | max ms | runs |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "$table"
    echo
    echo "Target (2 cores): p99 < 1,000 ms at 1,000 trades/s."
    echo
    echo "Every run:"
    echo
    echo "| backend | trades / s | trades answered | errors | failing trades | missed | p50 ms | p95 ms | p99 ms | max ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}" | grep '^|' | sort -s -t'|' -k2,2
} > benches/events.md
python3 benches/write_readme.py --refresh-sections benches/README.md
cat benches/events.md
