#!/usr/bin/env bash
# Builds the kairo wheel (maturin) and runs the kairo-py test suite against it, in a venv cached under
# ~/.cache/kairo (created and filled from PyPI on a fresh machine).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
VENV="${KAIRO_PY_VENV:-$HOME/.cache/kairo/py-venv}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha"
want="$(sha256sum kairo-py/requirements-test.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet -r kairo-py/requirements-test.txt
    echo "$want" > "$stamp"
fi

wheels="$(mktemp -d)"
trap 'rm -rf "$wheels"' EXIT
# A release build: it shares the dependencies already built for the release examples and benchmarks.
VIRTUAL_ENV="$VENV" "$VENV/bin/maturin" build --quiet --release -m kairo-py/Cargo.toml -o "$wheels"
"$VENV/bin/pip" install --quiet --force-reinstall --no-deps "$wheels"/kairo-*.whl
cd kairo-py
"$VENV/bin/python" -m pytest -q tests
cd ..
# The tear sheet example writes its page.
sheet="$(mktemp -d)"
"$VENV/bin/python" examples/python/tear_sheet.py "$sheet/tear_sheet.html"
rm -rf "$sheet"
# The optimization example: weights, whole shares and a tax-aware rebalance of the sample account.
"$VENV/bin/python" examples/python/optimize.py > /dev/null
# empyrical-reloaded's own test suite with kairo substituted for every public empyrical name.
./scripts/test-empyrical-suite.sh
