# Shared by the Python benchmarks: the bench venv (created from PyPI on a fresh machine) with the packages given and
# the kairo wheel of this tree (release build) installed.
#   . benches/python-venv.sh; bench_venv <pip requirement>...   → the venv's path in `venv`
bench_venv() {
    venv="${KAIRO_BENCH_VENV:-$HOME/.cache/kairo/bench-venv}"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet "$@" "maturin>=1.8,<2"
    local wheels
    wheels="$(mktemp -d)"
    VIRTUAL_ENV="$venv" "$venv/bin/maturin" build --quiet --release -m kairo-py/Cargo.toml -o "$wheels"
    "$venv/bin/pip" install --quiet --force-reinstall --no-deps "$wheels"/kairo-*.whl
    rm -rf "$wheels"
}
