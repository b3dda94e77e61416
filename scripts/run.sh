#!/usr/bin/env bash
# kairo's main job on the bundled synthetic sample: lots and P&L, risk metrics of the time-weighted return, and the
# comparison with SPY including the same-dollar shadow benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
exec cargo run --quiet --release -p kairo-examples --example analyze_trades -- "$@"
