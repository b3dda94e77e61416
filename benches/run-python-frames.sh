#!/usr/bin/env bash
# Regenerates benches/python-frames.md: kairo (release wheel) against empyrical-reloaded on 10 years × 500 columns,
# the rolling family and the per-column metrics of a DataFrame, in one run; then the record of empyrical's own test
# suite on kairo and of pyfolio's perf_stats with kairo.
#
#   ./benches/run-python-frames.sh            # REPEATS=5 by default
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
repeats="${REPEATS:-5}"
. benches/python-venv.sh
bench_venv "empyrical-reloaded==0.7.1" "pyfolio-reloaded==0.10.1" numpy pandas pytest
{
    echo "## Python: rolling and DataFrame metrics over 500 columns, kairo vs empyrical-reloaded"
    echo
    echo "Command: \`REPEATS=$repeats ./benches/run-python-frames.sh\` (benches/python_frames.py). empyrical's rolling"
    echo "functions take one series, so its figure is the loop over the columns; kairo rolls the 2-D array in one call"
    echo "(the rolling Sharpe ratio, volatility and beta slide their sums in one pass; see kairo-core's"
    echo "\`metrics/sliding.rs\`). \"largest difference\" is the largest absolute difference between the two results."
    echo
    "$venv/bin/python" benches/python_frames.py --repeats "$repeats"
    echo "### empyrical-reloaded's own test suite on kairo"
    echo
    echo "Command: \`./scripts/test-empyrical-suite.sh\` (the sdist's tests, every public empyrical name replaced by kairo's)."
    echo
    echo '```'
    KAIRO_PY_VENV="$venv" ./scripts/test-empyrical-suite.sh
    echo '```'
    echo
    echo "### pyfolio-reloaded's perf_stats with kairo in empyrical's place"
    echo
    echo "Command: \`python examples/python/pyfolio_perf_stats.py\` (10 years of daily returns and a benchmark; pyfolio's"
    echo "table computed as shipped, then with every empyrical name replaced by kairo's)."
    echo
    echo '```'
    "$venv/bin/python" examples/python/pyfolio_perf_stats.py 2>/dev/null
    echo '```'
} > benches/python-frames.md
echo "wrote benches/python-frames.md"
