#!/usr/bin/env bash
# kairo's main job, on an embedded default: the analysis of the bundled synthetic sample (lots and P&L, risk
# metrics, comparison with a 60/40 SPY/AGG blend, every compliance check and a pre-trade check), then the kairo service on an
# embedded SQLite database (kairo.db here, seeded with a demo user on first run) in dev mode, which prints its
# service token. Ctrl-C stops the server gracefully.
#   ./scripts/run.sh                          # analysis, then the server on http://127.0.0.1:8000 (docs at /docs)
#   ./scripts/run.sh --no-serve [TRADES.csv PRICES.csv BENCHMARK]   # the analysis only
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
serve=1
if [ "${1:-}" = "--no-serve" ]; then serve=0; shift; fi
cargo run --quiet --release -p kairo-examples --example analyze_trades -- "$@"
echo
cargo run --quiet --release -p kairo-examples --example check_compliance -- ${1:+"$1"}
[ "$serve" = 1 ] || exit 0

echo
cargo build --quiet --release -p kairo-server
server="$CARGO_TARGET_DIR/release/kairo-server"
export DATABASE_URL="${DATABASE_URL:-sqlite://kairo.db}"
if [ "$DATABASE_URL" = "sqlite://kairo.db" ] && [ ! -e kairo.db ]; then
    "$server" demo
fi
exec "$server" --dev serve
