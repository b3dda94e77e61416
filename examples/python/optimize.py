"""Portfolio optimization and a tax-aware rebalance from Python, on the sample account (examples/data).

    python examples/python/optimize.py

Estimates expected returns and a shrunk covariance from the sample closes, finds the maximum-Sharpe and the
hierarchical-risk-parity portfolios, turns the first into whole shares, then plans the rebalance of the demo user's
lots to it: the lots that cost the least tax are sold first and no purchase opens a wash sale.
"""
from __future__ import annotations

import csv
import pathlib
from decimal import Decimal

import pandas as pd

from kairo import optimize as ko

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"


def main() -> None:
    rows = list(csv.DictReader(open(DATA / "prices.csv")))
    closes = pd.DataFrame(rows).astype({"close": float}).pivot(index="date", columns="symbol", values="close").dropna()
    mu = ko.mean_historical_return(closes)
    cov = ko.CovarianceShrinkage(closes).ledoit_wolf()
    ef = ko.EfficientFrontier(mu, cov, weight_bounds=(0, 0.5))
    ef.max_sharpe(risk_free_rate=0.04)
    weights = ef.clean_weights()
    ret, vol, sharpe = ef.portfolio_performance()
    print("max Sharpe weights:", {s: round(w, 4) for s, w in weights.items() if w > 1e-6})
    print(f"expected return {ret:.2%}, volatility {vol:.2%}, Sharpe {sharpe:.2f}")
    assert abs(weights.sum() - 1) < 1e-4 and weights.max() <= 0.5 + 1e-9

    hrp = ko.HRPOpt(closes.pct_change().dropna()).optimize()
    print("HRP weights:", hrp.round(4).to_dict())

    latest = {s: Decimal(str(closes[s].iloc[-1])) for s in closes.columns}
    shares, leftover = ko.DiscreteAllocation(weights.to_dict(), latest, total_portfolio_value=Decimal("25000")).greedy_portfolio()
    print("shares for 25,000:", {s: str(q) for s, q in shares.items()}, "leftover", leftover)
    assert leftover < max(latest.values())

    trades = list(csv.DictReader(open(DATA / "trades.csv")))
    plan = ko.rebalance(trades, latest, weights.to_dict(), as_of=closes.index[-1], cash="2000")
    for order in plan["orders"]:
        lots = ", ".join(f"{lot['qty']} from {lot['trade_id']} ({lot['term']}, gain {lot['gain']:.2f})" for lot in order["lots"])
        print(f"{order['side']} {order['qty']} {order['symbol']} at {order['price']}" + (f": {lots}" if lots else ""))
    print("realized:", {k: f"{v:.2f}" for k, v in plan["realized"].items()}, "turnover", round(plan["turnover"], 4))
    for s in plan["skipped"]:
        print(f"skipped {s['side']} {s['symbol']} ({s['reason']}, until {s['until']})")


if __name__ == "__main__":
    main()
