"""pyfolio-reloaded's tear-sheet statistics (``pyfolio.timeseries.perf_stats``) with kairo in empyrical's place.

pyfolio computes its performance table through empyrical. Here the table is computed twice on the same returns
and benchmark: once as pyfolio ships, once with every public empyrical name replaced by kairo's before pyfolio
is loaded again; the two tables are printed side by side with the time each took (median of several runs).

    python examples/python/pyfolio_perf_stats.py          (needs pyfolio-reloaded: pip install pyfolio-reloaded)
"""
from __future__ import annotations

import importlib
import statistics
import sys
import time
import warnings
from typing import Any, Callable, Tuple

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")


def sample(years: int = 10) -> Tuple[pd.Series, pd.Series]:
    """Daily strategy and benchmark returns over ``years`` years (deterministic)."""
    rng = np.random.default_rng(2024)
    index = pd.bdate_range("2014-01-02", periods=252 * years, tz="UTC")
    bench = pd.Series(0.0003 + 0.011 * rng.standard_normal(len(index)), index=index, name="SPY")
    strategy = pd.Series(0.0002 + 0.6 * bench.to_numpy() + 0.007 * rng.standard_normal(len(index)), index=index)
    return strategy, bench


def timed(fn: Callable[[], Any], runs: int = 7) -> Tuple[Any, float]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def substitute_kairo() -> None:
    """Every public name of the ``empyrical`` namespace (and of ``empyrical.stats``) becomes kairo's."""
    import empyrical
    import empyrical.stats

    import kairo

    for name in dir(empyrical):
        if name.startswith("_") or not hasattr(kairo, name) or not callable(getattr(empyrical, name)):
            continue
        for module in (empyrical, empyrical.stats):
            if hasattr(module, name):
                setattr(module, name, getattr(kairo, name))


def main() -> int:
    import pyfolio.timeseries as ts

    returns, bench = sample()
    theirs, their_time = timed(lambda: ts.perf_stats(returns, factor_returns=bench))
    substitute_kairo()
    ts = importlib.reload(ts)
    ours, our_time = timed(lambda: ts.perf_stats(returns, factor_returns=bench))
    table = pd.DataFrame({"empyrical": theirs, "kairo": ours})
    table["difference"] = (table["kairo"] - table["empyrical"]).abs()
    print(table.to_string(float_format=lambda x: f"{x:.12g}"))
    print(f"\nperf_stats over {len(returns):,} days: empyrical {their_time * 1e3:.1f} ms, kairo {our_time * 1e3:.1f} ms "
          f"({their_time / our_time:.1f}x)")
    worst = float(np.nanmax(table["difference"] / np.maximum(table["empyrical"].abs(), 1e-300)))
    same_nan = bool((table["kairo"].isna() == table["empyrical"].isna()).all())
    print(f"largest relative difference: {worst:.1e}")
    return 0 if worst < 1e-9 and same_nan else 1


if __name__ == "__main__":
    sys.exit(main())
