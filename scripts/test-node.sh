#!/usr/bin/env bash
# Builds the kairo Node addon (napi-rs) from source and runs its test suite and type check. Installs the npm dev
# dependencies (@napi-rs/cli, typescript, @types/node) from the npm registry when they are missing or changed.
set -euo pipefail
cd "$(dirname "$0")/../kairo-node"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
stamp="node_modules/.kairo-lock.sha"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
fi
npm run --silent build
npm run --silent typecheck
# The byte-for-byte comparison with the Python package runs when its venv is there (scripts/test-python.sh).
venv_python="${KAIRO_PY_VENV:-$HOME/.cache/kairo/py-venv}/bin/python"
if [ -z "${KAIRO_PYTHON:-}" ] && [ -x "$venv_python" ]; then
    export KAIRO_PYTHON="$venv_python"
fi
node --test __test__/
