#!/usr/bin/env bash
# Regenerates benches/README.md, every table in one command: kairo against empyrical-reloaded and numpy on the
# same arrays in one run, the compliance engine rule by rule, the criterion benchmarks of kairo-core, the
# incremental recomputation beside the full replay (benches/run-recompute.sh), then the
# Python wheel against empyrical-reloaded and quantstats (benches/run-python.sh), the Node addon's checkOrder
# throughput (kairo-node `npm run bench`) and the server load test (benches/run-server.sh). Takes about half an
# hour; run it on an otherwise idle machine.
#
#   ./benches/run.sh             # everything
#   ./benches/run.sh --core-only # kairo-core only (the binding and server sections are kept from their last run)
#   REPEATS=15 ./benches/run.sh  # more repeats for the side-by-side table
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
venv="${KAIRO_BENCH_VENV:-$HOME/.cache/kairo/bench-venv}"
repeats="${REPEATS:-11}"
core_only=0
[ "${1:-}" = "--core-only" ] && core_only=1

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet "empyrical-reloaded==0.7.1" numpy

cargo build --quiet --release -p kairo-benches --bin metrics_timing
peer_table=$("$venv/bin/python" -W ignore benches/peer_comparison.py \
    --kairo-bin "$CARGO_TARGET_DIR/release/metrics_timing" --repeats "$repeats")

cargo build --quiet --profile measure -p kairo-benches --bin compliance_timing
compliance_retail=$("$CARGO_TARGET_DIR/measure/compliance_timing" --per-day 4 --repeats 5)
compliance_day_trader=$("$CARGO_TARGET_DIR/measure/compliance_timing" --per-day 10 --repeats 5)

cargo bench --quiet -p kairo-benches --bench metrics --bench lots --bench compliance >/dev/null
./benches/run-recompute.sh >/dev/null
if [ "$core_only" = 0 ]; then
    REPEATS=7 ./benches/run-python.sh >/dev/null
    (cd kairo-node && { [ -d node_modules ] || npm ci --silent; } && npm run --silent build >/dev/null && npm run --silent bench >/dev/null)
    SECONDS_PER_TEST=10 RATE=1000 RUNS=3 ./benches/run-server.sh >/dev/null
fi
tables=$(mktemp -d)
printf '%s\n' "$compliance_retail" > "$tables/retail.md"
printf '%s\n' "$compliance_day_trader" > "$tables/day_trader.md"
python3 benches/write_readme.py "$CARGO_TARGET_DIR/criterion" "$repeats" "$tables" <<<"$peer_table" > benches/README.md
echo "wrote benches/README.md"
python3 benches/headline.py --write README.md benches/README.md
