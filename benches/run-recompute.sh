#!/usr/bin/env bash
# The recomputation of a user with 100,000 trades who adds one, from a kept AccountTracker and by a full replay of
# the history, in the same run (benches/src/bin/recompute_timing.rs); writes benches/recompute.md and refreshes its
# section of benches/README.md.
#
#   ./benches/run-recompute.sh            # 100,000 trades, 9 runs
#   TRADES=1000000 RUNS=5 ./benches/run-recompute.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
trades="${TRADES:-100000}"
runs="${RUNS:-9}"
cargo build --quiet --release -p kairo-benches --bin recompute_timing
table=$("$CARGO_TARGET_DIR/release/recompute_timing" --trades "$trades" --repeats "$runs")
{
    echo "## incremental recomputation (a user with $trades trades adds one)"
    echo
    echo "What a job computes for the user: the new trade's compliance results, the tax lots, the wash sales, the"
    echo "daily time-weighted return and its risk metrics, the money-weighted return. The full replay runs every"
    echo "batch function over the whole history (what a job without a kept tracker does, from the trades in memory);"
    echo "the incremental path pushes the trade onto the user's kept \`AccountTracker\` (kairo-core) and takes its"
    echo "figures. Both in the same run, median of $runs runs each; database reads and writes are not included (the"
    echo "incremental job reads only the new trades). Command: \`./benches/run-recompute.sh\`"
    echo "(\`benches/src/bin/recompute_timing.rs\`)."
    echo
    printf '%s\n' "$table"
    echo
    echo "Target: < 50 ms for one new trade on 100,000."
} > benches/recompute.md
python3 benches/write_readme.py --refresh-sections benches/README.md
cat benches/recompute.md
