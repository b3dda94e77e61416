#!/usr/bin/env bash
# Runs empyrical-reloaded's own test suite (its sdist's tests/, version pinned below, downloaded from PyPI once
# into ~/.cache/kairo) with every public name of the `empyrical` namespace replaced by kairo's
# (kairo-py/tests/empyrical_suite/kairo_as_empyrical.py). Needs the venv and the installed wheel of
# scripts/test-python.sh, which calls this script.
#
#   ./scripts/test-empyrical-suite.sh [pytest arguments]
#
# The tests that do not pass yet are listed, one id per line, in kairo-py/tests/empyrical_suite/known-failures.txt:
# the run fails when a test outside that list fails, or when a listed test passes (so the list only shrinks).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=0.7.1
VENV="${KAIRO_PY_VENV:-$HOME/.cache/kairo/py-venv}"
suite="$HOME/.cache/kairo/empyrical-suite/empyrical_reloaded-$VERSION"
if [ ! -d "$suite/tests" ]; then
    mkdir -p "$(dirname "$suite")"
    tmp=$(mktemp -d)
    "$VENV/bin/pip" download --quiet --no-deps --no-binary :all: "empyrical-reloaded==$VERSION" -d "$tmp"
    tar -xzf "$tmp/empyrical_reloaded-$VERSION.tar.gz" -C "$(dirname "$suite")"
    rm -rf "$tmp"
fi
if ! "$VENV/bin/python" -c "import empyrical, sys; sys.exit(empyrical.__version__ != '$VERSION')"; then
    "$VENV/bin/pip" install --quiet "empyrical-reloaded==$VERSION"
fi

here="$PWD/kairo-py/tests/empyrical_suite"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
cd "$suite"
# The suite's own settings put its src/ first on the path; `-o pythonpath=` keeps the installed package.
set +e
PYTHONPATH="$here" "$VENV/bin/python" -m pytest -o pythonpath= -o addopts= -p kairo_as_empyrical -q -rfE \
    -p no:cacheprovider "$@" tests > "$report" 2>&1
status=$?
set -e

"$VENV/bin/python" "$here/check_known.py" "$report" "$here/known-failures.txt" "$status"
