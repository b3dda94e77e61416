"""The typed package: every stubbed name exists, mypy --strict accepts the examples, and an empyrical script
prints the same numbers with `import kairo as ep` as with `import empyrical as ep`."""
import ast
import importlib
import pathlib
import subprocess
import sys

import pytest

import kairo

PKG = pathlib.Path(kairo.__file__).parent
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python"


def stub_names(path):
    names = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            names += [a.asname or a.name for a in node.names]
    return [n for n in names if n != "__getattr__"]


@pytest.mark.parametrize("module", ["kairo", "kairo.compliance", "kairo.frame", "kairo._kairo"])
def test_every_stubbed_name_exists(module):
    mod = importlib.import_module(module)
    stub = PKG / ("__init__.pyi" if module == "kairo" else module.split(".")[1] + ".pyi")
    names = stub_names(stub)
    assert names
    # TypedDicts and type aliases exist only for type checkers
    type_only = {"Period", "Returns", "Scalar", "Trades", "Prices", "Number", "DrawdownPeriod", "ClosedLot",
                 "OpenLot", "Position", "LotReport", "CheckResult", "Decision", "WashSaleMatch", "LossSale",
                 "WashSaleReport", "DayTrade", "PdtStatus"}
    missing = [n for n in names if n not in type_only and not hasattr(mod, n)]
    assert not missing, missing


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
