"""Writes a tear sheet (one HTML file, charts inline) of a strategy's daily returns against SPY's.

    python examples/python/tear_sheet.py [output.html]      (default: tear_sheet.html in the current folder)
"""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd

import kairo


def main() -> None:
    rng = np.random.default_rng(7)
    index = pd.bdate_range("2015-01-02", periods=2520)
    spy = pd.Series(0.0004 + 0.011 * rng.standard_normal(len(index)), index=index, name="SPY")
    strategy = pd.Series(0.0002 + 0.8 * spy.to_numpy() + 0.006 * rng.standard_normal(len(index)), index=index)
    output = sys.argv[1] if len(sys.argv) > 1 else "tear_sheet.html"
    page = kairo.report.html(strategy, benchmark=spy, title="Strategy against SPY", output=output)
    table = kairo.report.metrics(strategy, benchmark=spy)
    print(table.loc[["annual_return", "sharpe_ratio", "max_drawdown"]].to_string())
    print(f"wrote {output} ({len(page.encode()) / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
