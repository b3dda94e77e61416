"""PyPortfolioOpt beside kairo.optimize on the same 500 stocks × 2,520 days of prices (a three-factor model, the
same recipe as kairo's criterion bench), one process, alternating runs; medians of `--repeats`. Prints a markdown
table. Each timing includes the estimates the objective needs (covariance, and expected returns for max Sharpe),
from prices, as a user calls them. PyPortfolioOpt is given Clarabel (through cvxpy): with its default for these
problems, OSQP, max Sharpe over 500 assets stops at OSQP's iteration limit ("user_limit") without an answer."""
from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

from pypfopt import EfficientFrontier, HRPOpt, expected_returns, risk_models  # noqa: E402

from kairo import optimize as ko  # noqa: E402


def prices(days: int = 2521, assets: int = 500, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(0, 1, size=(days, 3)) * np.array([0.01, 0.006, 0.004])
    beta = np.vstack([1 + 0.3 * rng.normal(size=assets), rng.normal(size=assets), rng.normal(size=assets)])
    r = 0.0003 + 0.0002 * rng.normal(size=assets) + f @ beta + 0.012 * rng.normal(size=(days, assets))
    return pd.DataFrame(100 * np.cumprod(1 + np.maximum(r, -0.5), axis=0), columns=[f"S{i:03d}" for i in range(assets)])


def theirs_min_vol(p):
    return EfficientFrontier(None, risk_models.sample_cov(p), solver="CLARABEL").min_volatility()


def ours_min_vol(p):
    return ko.EfficientFrontier(None, ko.sample_cov(p)).min_volatility()


def theirs_max_sharpe(p):
    return EfficientFrontier(expected_returns.mean_historical_return(p), risk_models.sample_cov(p), solver="CLARABEL").max_sharpe()


def ours_max_sharpe(p):
    return ko.EfficientFrontier(ko.mean_historical_return(p), ko.sample_cov(p)).max_sharpe()


def theirs_hrp(p):
    return HRPOpt(expected_returns.returns_from_prices(p)).optimize()


def ours_hrp(p):
    return ko.HRPOpt(p.pct_change().dropna()).optimize()


def theirs_lw(p):
    return risk_models.CovarianceShrinkage(p).ledoit_wolf()


def ours_lw(p):
    return ko.CovarianceShrinkage(p).ledoit_wolf()


CASES = [
    ("min volatility (with the covariance)", theirs_min_vol, ours_min_vol),
    ("max Sharpe (with covariance and expected returns)", theirs_max_sharpe, ours_max_sharpe),
    ("HRP (from returns)", theirs_hrp, ours_hrp),
    ("Ledoit–Wolf covariance", theirs_lw, ours_lw),
]


def timed(fn, p) -> float:
    start = time.perf_counter()
    fn(p)
    return (time.perf_counter() - start) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    p = prices()
    print("| task, 500 assets × 2,520 days | kairo.optimize (ms) | PyPortfolioOpt (ms) | PyPortfolioOpt / kairo |")
    print("|---|---:|---:|---:|")
    for name, theirs, ours in CASES:
        a, b = [], []
        for _ in range(args.repeats):
            b.append(timed(theirs, p))
            a.append(timed(ours, p))
        ka, pb = statistics.median(a), statistics.median(b)
        print(f"| {name} | {ka:.1f} | {pb:.1f} | {pb / ka:.1f}× |")


if __name__ == "__main__":
    main()
