#!/usr/bin/env python3
"""Time kairo and empyrical-reloaded on 10 years of daily returns (2,520 rows) × 500 columns, in one run: the
rolling family (window 252) and the per-column metrics of a DataFrame, and print a markdown table (medians of
REPEATS runs; the ratio compares figures of this same run).

empyrical's rolling functions take one series (a DataFrame is not rolled per column), so its figure is the loop
over the 500 columns a user writes; kairo takes the 2-D array in one call. Each row also gives the largest
difference between the two libraries' numbers. Run through benches/run-python-frames.sh.
"""
import argparse
import platform
import warnings

import empyrical as ep
import numpy as np
import pandas as pd

import kairo
from peer_comparison import median_time

warnings.simplefilter("ignore")

ROWS, COLUMNS, WINDOW = 2520, 500, 252


def largest_difference(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    both = np.isfinite(a) & np.isfinite(b)
    if a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
        return "shapes or NaN differ"
    return f"{np.max(np.abs(a[both] - b[both]), initial=0.0):.1e}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(11)
    index = pd.bdate_range("2015-01-01", periods=ROWS)
    values = 0.0004 + 0.012 * rng.standard_normal((ROWS, COLUMNS))
    factor = 0.0003 + 0.01 * rng.standard_normal(ROWS)
    frame = pd.DataFrame(values, index=index, columns=[f"s{j}" for j in range(COLUMNS)])
    bench = pd.Series(factor, index=index)
    out = np.empty((ROWS - WINDOW + 1, COLUMNS))
    columns = [values[:, j] for j in range(COLUMNS)]

    def each(fn):
        return lambda: np.column_stack([fn(c) for c in columns])

    rolling = [
        ("roll_sharpe_ratio", lambda: kairo.roll_sharpe_ratio(values, WINDOW),
         each(lambda c: ep.roll_sharpe_ratio(c, WINDOW))),
        ("roll_sharpe_ratio (out=)", lambda: kairo.roll_sharpe_ratio(values, WINDOW, out=out),
         each(lambda c: ep.roll_sharpe_ratio(c, WINDOW))),
        ("roll_annual_volatility", lambda: kairo.roll_annual_volatility(values, WINDOW),
         each(lambda c: ep.roll_annual_volatility(c, WINDOW))),
        ("roll_annual_volatility (out=)", lambda: kairo.roll_annual_volatility(values, WINDOW, out=out),
         each(lambda c: ep.roll_annual_volatility(c, WINDOW))),
        ("roll_beta", lambda: kairo.roll_beta(values, factor, WINDOW),
         each(lambda c: ep.roll_beta(c, factor, WINDOW))),
        ("roll_beta (out=)", lambda: kairo.roll_beta(values, factor, WINDOW, out=out),
         each(lambda c: ep.roll_beta(c, factor, WINDOW))),
        ("roll_max_drawdown", lambda: kairo.roll_max_drawdown(values, WINDOW),
         each(lambda c: ep.roll_max_drawdown(c, WINDOW))),
    ]
    frames = [
        ("sharpe_ratio", lambda: kairo.sharpe_ratio(frame), lambda: ep.sharpe_ratio(frame)),
        ("annual_volatility", lambda: kairo.annual_volatility(frame), lambda: ep.annual_volatility(frame)),
        ("sortino_ratio", lambda: kairo.sortino_ratio(frame), lambda: ep.sortino_ratio(frame)),
        ("max_drawdown", lambda: kairo.max_drawdown(frame), lambda: ep.max_drawdown(frame)),
        ("annual_return", lambda: kairo.annual_return(frame), lambda: ep.annual_return(frame)),
        ("cum_returns", lambda: kairo.cum_returns(frame), lambda: ep.cum_returns(frame)),
        # empyrical aligns a DataFrame with a Series by concatenating them, which fails for more than one column:
        # its figure is the loop over the columns.
        ("beta (each column against the benchmark)", lambda: kairo.beta(frame, bench),
         lambda: np.array([ep.beta(frame[c], bench) for c in frame.columns])),
        ("alpha_beta (each column)", lambda: kairo.alpha_beta(frame, bench),
         lambda: np.array([ep.alpha_beta(frame[c], bench) for c in frame.columns])),
    ]
    print(f"Machine: {platform.machine()}, {platform.system()}, Python {platform.python_version()}; "
          f"kairo {kairo.__version__}, empyrical-reloaded {ep.__version__}, numpy {np.__version__}, "
          f"pandas {pd.__version__}. {ROWS:,} daily returns × {COLUMNS} columns, window {WINDOW}; medians of "
          f"{args.repeats} runs, seconds.\n")
    for title, rows in [("Rolling, 2-D array of 500 columns in one call", rolling),
                        ("Per-column metrics of a DataFrame of 500 columns", frames)]:
        print(f"### {title}\n")
        print("| function | kairo | empyrical | empyrical / kairo | largest difference |")
        print("|---|---:|---:|---:|---|")
        for name, ours, theirs in rows:
            k, e = median_time(ours, args.repeats), median_time(theirs, args.repeats)
            diff = largest_difference(ours(), theirs())
            print(f"| {name} | {k:.4f} | {e:.4f} | {e / k:.1f}× | {diff} |")
        print()


if __name__ == "__main__":
    main()
