#!/usr/bin/env bash
# Runs every kairo test on a fresh machine: formatting, lints, the license policy, and the test suites.
# Installs what the tests need (cargo-deny) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
# A clean build gains nothing from incremental compilation, which only fills the disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
step() { printf '\n==> %s\n' "$*"; }

step "formatting"
cargo fmt --all -- --check

step "README's speed figures are the ones benches/README.md records (benches/headline.py)"
python3 benches/headline.py --check README.md benches/README.md

step "no import loop between the files of the workspace (scripts/import_cycles.py)"
python3 scripts/import_cycles.py

step "license policy (no copyleft dependency)"
if ! command -v cargo-deny >/dev/null 2>&1; then
    cargo install --locked cargo-deny
fi
cargo deny --log-level error check licenses

step "clippy"
# kairo-node is a cdylib without Rust test targets: its exports are used by napi's load-time registration, which a
# test build compiles out, so it is linted as the library it is (and every dead function is reported).
cargo clippy --workspace --exclude kairo-node --all-targets -- -D warnings
cargo clippy -p kairo-node --lib -- -D warnings
cargo clippy -p kairo-core --features polars --all-targets -- -D warnings

step "documentation builds without warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
RUSTDOCFLAGS="-D warnings" cargo doc -p kairo-core --features polars --no-deps --quiet

step "examples and benchmarks compile and run"
cargo test -p kairo-examples -p kairo-benches --all-targets
cargo run --quiet --release -p kairo-examples --example analyze_trades > /dev/null
cargo run --quiet --release -p kairo-examples --example check_compliance > /dev/null
cargo run --quiet --release -p kairo-examples --example real_account > /dev/null

step "kairo-core tests (polars feature)"
cargo test -p kairo-core --features polars --lib --tests  # the doctests run below

step "kairo-core tests (default features)"
cargo test -p kairo-core

step "kairo-server tests (SQLite, and PostgreSQL on a throwaway cluster)"
./scripts/test-server.sh

step "kairo-server: schema-driven fuzzing of every endpoint (schemathesis; no 500s, statuses and bodies as documented)"
EXAMPLES=100 ./scripts/fuzz-server.sh

step "kairo-server's OpenAPI document types a TypeScript client (openapi-typescript, tsc)"
./scripts/test-openapi-ts.sh

step "the server walk-through (examples/server/walkthrough.sh, curl against a fresh server)"
./examples/server/walkthrough.sh >/dev/null

step "kairo-py: build the wheel and run the Python suite"
./scripts/test-python.sh

step "kairo-node: build the addon and run the Node suite"
./scripts/test-node.sh

step "the tear sheet and the dashboard in headless Chromium (scripts/test-browser.sh)"
./scripts/test-browser.sh
