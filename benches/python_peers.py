#!/usr/bin/env python3
"""Time the kairo wheel, empyrical-reloaded and quantstats on the same 1e6 and 1e7 arrays, in one run, and print a
markdown table (medians of REPEATS runs; ratios compare figures of this same run).

Run through benches/run-python.sh, which builds the release wheel and a venv with the peers. quantstats takes
pandas Series and uses its own conventions for some metrics (noted in the table); the timing compares the call a
user would make for the same metric.
"""
import argparse
import platform
import warnings

import empyrical as ep
import numpy as np
import pandas as pd
import quantstats as qs

import kairo
from peer_comparison import median_time  # the same timing as the numpy/empyrical table

warnings.simplefilter("ignore")


def cases(r, f, rs, fs):
    """(metric, kairo call, empyrical call, quantstats call or None)."""
    return [
        ("sharpe_ratio", lambda: kairo.sharpe_ratio(r), lambda: ep.sharpe_ratio(r), lambda: qs.stats.sharpe(rs)),
        ("sortino_ratio", lambda: kairo.sortino_ratio(r), lambda: ep.sortino_ratio(r), lambda: qs.stats.sortino(rs)),
        ("annual_volatility", lambda: kairo.annual_volatility(r), lambda: ep.annual_volatility(r), lambda: qs.stats.volatility(rs)),
        ("annual_return", lambda: kairo.annual_return(r), lambda: ep.annual_return(r), lambda: qs.stats.cagr(rs)),
        ("max_drawdown", lambda: kairo.max_drawdown(r), lambda: ep.max_drawdown(r), lambda: qs.stats.max_drawdown(rs)),
        ("calmar_ratio", lambda: kairo.calmar_ratio(r), lambda: ep.calmar_ratio(r), lambda: qs.stats.calmar(rs)),
        ("omega_ratio", lambda: kairo.omega_ratio(r), lambda: ep.omega_ratio(r), lambda: qs.stats.omega(rs)),
        ("tail_ratio", lambda: kairo.tail_ratio(r), lambda: ep.tail_ratio(r), lambda: qs.stats.tail_ratio(rs)),
        ("value_at_risk", lambda: kairo.value_at_risk(r), lambda: ep.value_at_risk(r), lambda: qs.stats.value_at_risk(rs)),
        ("conditional_value_at_risk", lambda: kairo.conditional_value_at_risk(r), lambda: ep.conditional_value_at_risk(r), lambda: qs.stats.cvar(rs)),
        ("stability_of_timeseries", lambda: kairo.stability_of_timeseries(r), lambda: ep.stability_of_timeseries(r), None),
        ("alpha_beta", lambda: kairo.alpha_beta(r, f), lambda: ep.alpha_beta(r, f), lambda: qs.stats.greeks(rs, fs)),
        ("up_down_capture", lambda: kairo.up_down_capture(r, f), lambda: ep.up_down_capture(r, f), None),
        ("cum_returns", lambda: kairo.cum_returns(r), lambda: ep.cum_returns(r), lambda: qs.stats.compsum(rs)),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--sizes", default="1000000,10000000")
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, {platform.system()}, Python {platform.python_version()}; "
          f"kairo {kairo.__version__}, empyrical-reloaded {ep.__version__}, quantstats {qs.__version__}, "
          f"numpy {np.__version__}, pandas {pd.__version__}. Medians of {args.repeats} runs, seconds.\n")
    for n in [int(s) for s in args.sizes.split(",")]:
        rng = np.random.default_rng(42)
        r = 0.00005 + 0.01 * rng.standard_normal(n)
        f = 0.00004 + 0.009 * rng.standard_normal(n)
        idx = pd.date_range("1900-01-01", periods=n, freq="min")
        rs, fs = pd.Series(r, index=idx), pd.Series(f, index=idx)
        print(f"### {n:,} returns (Python)\n")
        print("| metric | kairo | empyrical | quantstats | empyrical / kairo | quantstats / kairo |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, k, e, q in cases(r, f, rs, fs):
            tk = median_time(k, args.repeats)
            te = median_time(e, args.repeats)
            tq = median_time(q, args.repeats) if q is not None else None
            qcol = f"{tq:.4f}" if tq is not None else "—"
            qratio = f"{tq / tk:.1f}×" if tq is not None else "—"
            print(f"| {name} | {tk:.4f} | {te:.4f} | {qcol} | {te / tk:.1f}× | {qratio} |")
        tk = median_time(lambda: kairo.metrics(r, f), args.repeats)
        print(f"| kairo.metrics (all 29 at once) | {tk:.4f} | — | — | — | — |\n")


if __name__ == "__main__":
    main()
