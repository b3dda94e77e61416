"""A pytest plugin that runs empyrical's own test suite on kairo: before any test module is imported, every public
name of the ``empyrical`` namespace (and the same names in ``empyrical.stats`` and ``empyrical.perf_attrib``, which
the tests also import from) is replaced by kairo's function of that name.

A name kairo does not have is reported and fails the session, so "every name substituted" is checked, not assumed.
``empyrical.utils`` (data loading, the rolling helpers the suite tests on their own) is not part of the namespace
and stays empyrical's.

    pytest -p kairo_as_empyrical <empyrical's tests>
"""
from __future__ import annotations

import empyrical
import empyrical.perf_attrib
import empyrical.stats
import pytest

import kairo

#: empyrical's public names: what its ``__init__`` exports, less the version attributes and submodules.
PUBLIC = sorted(
    name
    for name in dir(empyrical)
    if not name.startswith("_")
    and name not in ("version_tuple", "stats", "utils", "perf_attrib", "periods", "deprecate")
)

MISSING = [name for name in PUBLIC if not hasattr(kairo, name)]

for _name in PUBLIC:
    if _name in MISSING:
        continue
    _ours = getattr(kairo, _name)
    for _module in (empyrical, empyrical.stats, empyrical.perf_attrib):
        if hasattr(_module, _name):
            setattr(_module, _name, _ours)


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        f"kairo {kairo.__version__} substituted for {len(PUBLIC) - len(MISSING)} of {len(PUBLIC)} "
        f"public names of empyrical {empyrical.__version__}"
    )
    terminalreporter.write_line("missing: " + (", ".join(MISSING) if MISSING else "none"))


def pytest_sessionfinish(session, exitstatus):
    if MISSING and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
