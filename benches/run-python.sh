#!/usr/bin/env bash
# Regenerates benches/python.md: the kairo wheel (release build) against empyrical-reloaded and quantstats on the
# same 1e6 and 1e7 arrays, in one run. Takes a few minutes; run it on an otherwise idle machine.
#
#   ./benches/run-python.sh            # REPEATS=7 by default
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
repeats="${REPEATS:-7}"
. benches/python-venv.sh
bench_venv "empyrical-reloaded==0.7.1" quantstats numpy pandas
{
    echo "## Python (kairo wheel) vs empyrical-reloaded vs quantstats"
    echo
    echo "Command: \`REPEATS=$repeats ./benches/run-python.sh\` (benches/python_peers.py). The same float64 arrays go to"
    echo "every library; quantstats gets them as pandas Series (its input type). quantstats' own conventions differ"
    echo "for some metrics (CAGR over 365 days, parametric VaR, drawdown from prices), so its figures time the call a"
    echo "user would make for the metric, not an identical computation. kairo releases the GIL while computing."
    echo
    "$venv/bin/python" benches/python_peers.py --repeats "$repeats"
} > benches/python.md
echo "wrote benches/python.md"
