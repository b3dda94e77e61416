#!/usr/bin/env bash
# Runs the kairo-server test suite on SQLite and, when PostgreSQL's binaries are on the machine, on a throwaway
# PostgreSQL cluster (scripts/lib/pg.sh), stopped afterwards. Without PostgreSQL the PostgreSQL tests report
# themselves as skipped. Extra arguments go to the test binaries (a name filter, --nocapture).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
. scripts/lib/pg.sh
# fsync off: a test cluster needs no durability across power loss
KAIRO_PG_OPTIONS="-c fsync=off" pg_start || echo "*** PostgreSQL binaries not found: the PostgreSQL server tests will be SKIPPED ***"
cargo test -p kairo-server -- "$@"
