"""A risk report written for empyrical, run unchanged on kairo: only the import differs.

    python examples/python/empyrical_report.py
"""
from __future__ import annotations

import numpy as np
import pandas as pd

import kairo as ep


def report(returns: pd.Series, benchmark: pd.Series) -> None:
    rows = {
        "cum_returns_final": ep.cum_returns_final(returns),
        "annual_return": ep.annual_return(returns),
        "annual_volatility": ep.annual_volatility(returns),
        "sharpe_ratio": ep.sharpe_ratio(returns, risk_free=0.0001),
        "sortino_ratio": ep.sortino_ratio(returns),
        "downside_risk": ep.downside_risk(returns),
        "max_drawdown": ep.max_drawdown(returns),
        "calmar_ratio": ep.calmar_ratio(returns),
        "omega_ratio": ep.omega_ratio(returns),
        "tail_ratio": ep.tail_ratio(returns),
        "stability_of_timeseries": ep.stability_of_timeseries(returns),
        "value_at_risk": ep.value_at_risk(returns),
        "conditional_value_at_risk": ep.conditional_value_at_risk(returns),
        "alpha": ep.alpha(returns, benchmark),
        "beta": ep.beta(returns, benchmark),
        "up_capture": ep.up_capture(returns, benchmark),
        "down_capture": ep.down_capture(returns, benchmark),
        "up_down_capture": ep.up_down_capture(returns, benchmark),
        "excess_sharpe": ep.excess_sharpe(returns, benchmark),
    }
    for name, value in rows.items():
        print(f"{name:28s} {float(value): .10g}")
    alpha, beta = ep.alpha_beta(returns, benchmark, period=ep.MONTHLY)
    print(f"{'alpha_beta (monthly)':28s} {alpha: .10g} {beta: .10g}")
    print(f"{'cum_returns[-1]':28s} {float(ep.cum_returns(returns, starting_value=100).iloc[-1]): .10g}")


if __name__ == "__main__":
    rng = np.random.default_rng(42)
    days = pd.bdate_range("2023-01-02", periods=500)
    spy = pd.Series(rng.normal(0.0004, 0.011, len(days)), index=days)
    strategy = pd.Series(0.0002 + 1.2 * spy.to_numpy() + rng.normal(0, 0.006, len(days)), index=days)
    report(strategy, spy)
