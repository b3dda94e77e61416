"""A real client of empyrical: pyfolio-reloaded's performance table (``timeseries.perf_stats``) gives the same
numbers with kairo in empyrical's place (examples/python/pyfolio_perf_stats.py, run in its own process because it
replaces empyrical's names)."""
import pathlib
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python" / "pyfolio_perf_stats.py"


def test_pyfolio_perf_stats_are_the_same_with_kairo():
    run = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    rows = [line for line in lines if line.startswith(("Sharpe ratio", "Alpha", "Beta", "Max drawdown"))]
    assert len(rows) == 4, run.stdout
    worst = float(next(line for line in lines if line.startswith("largest relative difference")).split(":")[1])
    assert worst < 1e-9
