#!/usr/bin/env bash
# kairo's main job on the bundled synthetic sample: lots and P&L, risk metrics of the time-weighted return, the
# comparison with SPY including the same-dollar shadow benchmark, then every compliance check with the example
# configuration (examples/compliance.toml) and a pre-trade check.
#   ./scripts/run.sh [TRADES.csv PRICES.csv BENCHMARK]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
cargo run --quiet --release -p kairo-examples --example analyze_trades -- "$@"
echo
cargo run --quiet --release -p kairo-examples --example check_compliance -- ${1:+"$1"}
