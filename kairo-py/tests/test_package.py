"""The typed package: the stubs match the modules (mypy's stubtest), mypy --strict accepts the examples, and an
empyrical script prints the same numbers with `import kairo as ep` as with `import empyrical as ep`."""
import pathlib
import subprocess
import sys

import pytest

import kairo

PKG = pathlib.Path(kairo.__file__).parent
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python"


def test_the_stubs_match_the_modules():
    # mypy's stubtest imports every module of the package and compares each stubbed name, signature and class with
    # what is there at run time: a function, parameter or default added to one and not the other fails here.
    allowlist = pathlib.Path(__file__).with_name("stubtest-allowlist.txt")
    out = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "kairo", "--allowlist", str(allowlist)],
        capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_result_types_exist_at_run_time():
    from kairo.compliance import CheckResult
    from kairo.types import LotReport

    assert CheckResult.__annotations__.keys() == {"trade_id", "check_name", "status", "reason", "metadata"}
    assert {"open_lots", "closed_lots", "positions", "realized_pnl"} <= LotReport.__annotations__.keys()


def test_py_typed_is_shipped():
    assert (PKG / "py.typed").exists()


def test_mypy_strict_on_the_examples():
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports", str(EXAMPLES)],
        capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_an_empyrical_script_prints_the_same_numbers():
    script = (EXAMPLES / "empyrical_report.py").read_text()
    assert "import kairo as ep" in script
    ours = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    theirs = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script.replace("import kairo as ep", "import empyrical as ep")],
        capture_output=True, text=True, check=True,
    ).stdout
    assert len(ours.splitlines()) == 21
    assert ours == theirs


def test_pre_trade_example_runs():
    out = subprocess.run([sys.executable, str(EXAMPLES / "pre_trade_check.py")], capture_output=True, text=True, check=True).stdout
    assert "allowed: False" in out and "pattern_day_trading: fail" in out


def test_notebook_example_runs():
    out = subprocess.run([sys.executable, str(EXAMPLES / "notebook_users.py")], capture_output=True, text=True, check=True).stdout
    assert "sharpe_ratio" in out and "50 users" in out and "best Sharpe: user-" in out
