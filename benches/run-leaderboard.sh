#!/usr/bin/env bash
# Leaderboard reads of kairo-server (release build) from a second process on 127.0.0.1
# (benches/src/bin/leaderboard_load.rs), on SQLite and on a throwaway PostgreSQL cluster, each database holding
# USERS members ranked on all 25 boards (benches/leaderboard_populate.py / .sql). Writes benches/leaderboard.md.
#   USERS=100000 SECONDS_PER_TEST=10 RATE=1000 RUNS=3 ./benches/run-leaderboard.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
users="${USERS:-100000}"
seconds="${SECONDS_PER_TEST:-10}"
rate="${RATE:-1000}"
runs="${RUNS:-3}"
cargo build --quiet --release -p kairo-server -p kairo-benches
server="$CARGO_TARGET_DIR/release/kairo-server"
bench="$CARGO_TARGET_DIR/release/leaderboard_load"

# Migrates and fills the database named by --database-url, then measures.
measure() {
    local url="" a
    for a in "$@"; do
        [ "${prev:-}" = "--database-url" ] && url="$a"
        prev="$a"
    done
    DATABASE_URL="$url" KAIRO_SERVICE_TOKEN=populate-0123456789abcdef0123456789 \
        KAIRO_JWT_SECRET=populate-0123456789abcdef0123456789 "$server" migrate >/dev/null 2>&1
    case "$url" in
        sqlite://*) python3 benches/leaderboard_populate.py "${url#sqlite://}" "$users" || return 1 ;;
        *) psql "$url" -q -v ON_ERROR_STOP=1 -v users="$users" -f benches/leaderboard_populate.sql >/dev/null || return 1 ;;
    esac
    "$bench" --users "$users" "$@"
}
. benches/lib.sh
on_each_backend "$runs" kairo_leaderboard measure --server "$server" --seconds "$seconds" --rate "$rate"
table="$(printf '%s\n' "${rows[@]}" | python3 -c '
import statistics, sys
groups = {}
for line in sys.stdin:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 10:
        groups.setdefault((cells[0], cells[3]), []).append([float(c) for i, c in enumerate(cells[1:]) if i != 2])
for (backend, load), runs in groups.items():
    m = [statistics.median(col) for col in zip(*runs)]
    print(f"| {backend} | {m[0]:.0f} | {m[1]:.1f} | {load} | {m[2]:.0f} | {m[3]:.0f} | {m[4]:.0f} | {m[5]:.2f} | {m[6]:.2f} | {m[7]:.2f} | {len(runs)} |")
')"
{
    echo "## kairo-server: leaderboard pages"
    echo
    echo "Command: \`USERS=$users SECONDS_PER_TEST=$seconds RATE=$rate RUNS=$runs ./benches/run-leaderboard.sh\` (benches/src/bin/leaderboard_load.rs):"
    echo "the release server and the load generator are separate processes on 127.0.0.1 sharing the machine's 2 cores."
    echo "The database holds $users members ranked on all 25 boards (scores rounded to 0.001: ties are common);"
    echo "The server's ranking pass places every score at start-up (\`first ranking s\`: from the server's first answer until"
    echo "the last page of every board is listed; afterwards a pass sorts only the boards whose scores changed); then \`GET /leaderboards\` closed-loop, each request a random board and"
    echo "a random page of 50 anywhere in it (one range of the \`(period, metric, position)\` index), first open-loop at"
    echo "$rate pages a second (latency from each request's scheduled start), then closed-loop at 16 connections (as"
    echo "fast as the machine answers: there the latency is mostly the queue of requests waiting for the 2 cores)."
    echo
    echo "Each figure is the median over $runs runs (a fresh database each)."
    echo
    echo "| backend | ranked users | first ranking s | load | requests | errors | req/s | p50 ms | p95 ms | p99 ms | runs |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "$table"
    echo
    echo "Target (2 cores): p99 of a page < 10 ms with 100,000 ranked users."
    echo
    echo "Every run:"
    echo
    echo "| backend | ranked users | first ranking s | load | requests | errors | req/s | p50 ms | p95 ms | p99 ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}" | grep '^|' | sort -s -t'|' -k2,2
} > benches/leaderboard.md
python3 benches/write_readme.py --refresh-sections benches/README.md
cat benches/leaderboard.md
