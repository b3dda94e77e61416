"""Tear sheets: ``html`` gives a self-contained HTML page (inline SVG charts, no script, no external request) of a
return series against an optional benchmark, drawn by kairo-core; ``metrics`` gives the key-metrics table as a
DataFrame (the layout of quantstats' ``reports.metrics``); ``series`` the chart-ready data."""
from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from . import _kairo
from ._convert import as_array, is_pandas, is_polars


def _dated(returns: Any, dates: Any) -> Tuple[List[_dt.date], np.ndarray]:
    """The dates and values of a series: a pandas index of dates, a polars frame's date column, ``dates`` given,
    or else business days ending today."""
    if dates is not None:
        import pandas as pd

        days = [d.date() if hasattr(d, "date") else d for d in pd.to_datetime(list(dates))]
        return days, as_array(returns)
    if is_pandas(returns):
        import pandas as pd

        index = pd.DatetimeIndex(returns.index)
        if index.tz is not None:
            index = index.tz_convert(None)
        return [d.date() for d in index], as_array(returns)
    if is_polars(returns):
        import polars as pl

        if isinstance(returns, pl.DataFrame):
            date_col = next(c for c, t in returns.schema.items() if t in (pl.Date, pl.Datetime))
            value_col = next(c for c in returns.columns if c != date_col)
            days = [d if isinstance(d, _dt.date) and not isinstance(d, _dt.datetime) else d.date()
                    for d in returns[date_col].to_list()]
            return days, as_array(returns[value_col])
    values = as_array(returns)
    import pandas as pd

    end = pd.Timestamp(_dt.date.today())
    return [d.date() for d in pd.bdate_range(end=end, periods=len(values))], values


def _benchmark(benchmark: Any, dates: List[_dt.date], values: np.ndarray) -> Tuple[Optional[np.ndarray], str]:
    """The benchmark's returns on the returns' dates (a Series is matched by date; a missing date is NaN) and its
    name."""
    if benchmark is None:
        return None, "Benchmark"
    if is_pandas(benchmark):
        import pandas as pd

        index = pd.DatetimeIndex(benchmark.index)
        if index.tz is not None:
            index = index.tz_convert(None)
        by_date = pd.Series(benchmark.to_numpy(dtype=np.float64), index=index.normalize())
        aligned = by_date.reindex(pd.DatetimeIndex(dates)).to_numpy(dtype=np.float64)
        return aligned, str(benchmark.name) if benchmark.name is not None else "Benchmark"
    b = as_array(benchmark, "benchmark")
    return b, getattr(benchmark, "name", None) or "Benchmark"


def html(
    returns: Any,
    benchmark: Any = None,
    title: str = "Tear sheet",
    output: Optional[str] = None,
    period: str = "daily",
    dates: Any = None,
) -> str:
    """The tear sheet of ``returns`` (and ``benchmark``) as an HTML document; written to ``output`` when given.

    ``returns``: a pandas Series with dates in its index, a polars DataFrame with a date column and a value
    column, or numbers with ``dates`` (without dates, business days ending today)."""
    days, values = _dated(returns, dates)
    bench, name = _benchmark(benchmark, days, values)
    page: str = _kairo.tear_sheet(days, values, bench, name, title, period)
    if output is not None:
        with open(output, "w", encoding="utf-8") as f:
            f.write(page)
    return page


def series(returns: Any, benchmark: Any = None, period: str = "daily", dates: Any = None) -> Dict[str, Any]:
    """The chart-ready series of the tear sheet (cumulative returns, underwater curve, deepest drawdowns, monthly
    and yearly returns, rolling ratios, distribution) as plain data."""
    days, values = _dated(returns, dates)
    bench, name = _benchmark(benchmark, days, values)
    out: Dict[str, Any] = json.loads(_kairo.tear_sheet(days, values, bench, name, "", period, True))
    return out


def metrics(returns: Any, benchmark: Any = None, period: str = "daily", dates: Any = None) -> Any:
    """The key metrics as a pandas DataFrame, a row per metric and a column per series (``Strategy`` and the
    benchmark's name), the layout of quantstats' ``reports.metrics``; kairo's metrics (empyrical's definitions)."""
    import pandas as pd

    from . import metrics as all_metrics

    days, values = _dated(returns, dates)
    bench, name = _benchmark(benchmark, days, values)
    table = {"Strategy": all_metrics(values, bench, period=period) if bench is not None else all_metrics(values, period=period)}
    if bench is not None:
        table[name] = all_metrics(bench, period=period)
    return pd.DataFrame(table)
