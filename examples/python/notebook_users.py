"""Notebook-style analysis (cells marked `# %%`, as Jupyter, VS Code and Spyder read them): the risk metrics of one
returns series, then P&L, open positions and metrics of many users at once from a polars DataFrame of trades.

    python examples/python/notebook_users.py

The trades and closes are the bundled synthetic sample (examples/data), copied to 50 users who trade different
subsets of its symbols at different sizes, so the per-user figures differ.
"""
from __future__ import annotations

import pathlib
from typing import Dict

import numpy as np
import polars as pl

import kairo

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"

# %% [markdown]
# ## 1. One returns series
# Daily returns of a strategy and of its benchmark: every empyrical metric at once with `kairo.metrics`.

# %%
rng = np.random.default_rng(7)
benchmark = rng.normal(0.0004, 0.011, 756)
strategy = 0.0002 + 1.1 * benchmark + rng.normal(0.0, 0.006, 756)
report: Dict[str, float] = kairo.metrics(strategy, benchmark, risk_free=0.0001)
for name in ("annual_return", "annual_volatility", "sharpe_ratio", "sortino_ratio", "max_drawdown", "alpha", "beta"):
    print(f"{name:18s} {report[name]: .6f}")
print(f"{'rolling Sharpe':18s} last of 63-day window {float(kairo.rolling_sharpe(strategy, 63)[-1]): .4f}")

# %% [markdown]
# ## 2. Many users in one DataFrame
# One row per trade; `kairo.frame` groups by `user_id` and answers in DataFrames.

# %%
sample = pl.read_csv(DATA / "trades.csv", schema_overrides={"qty": pl.Utf8, "price": pl.Utf8, "fees": pl.Utf8})
symbols = sorted(sample["symbol"].unique().to_list())
users = []
for u in range(50):
    scale = 1 + u % 5
    skipped = symbols[u % (len(symbols) + 1)] if u % (len(symbols) + 1) < len(symbols) else None
    users.append(
        sample.filter(pl.col("symbol") != (skipped or ""))
        .with_columns(
            pl.lit(f"user-{u:02d}").alias("user_id"),
            (pl.col("id") + f"-{u}").alias("id"),
            (pl.col("qty").cast(pl.Int64) * scale).cast(pl.Utf8).alias("qty"),
        )
    )
trades = pl.concat(users)
prices = pl.read_csv(DATA / "prices.csv", schema_overrides={"close": pl.Utf8})
print(f"\n{trades.height} trades of {trades['user_id'].n_unique()} users, closes of {prices['symbol'].n_unique()} symbols")

# %%
pnl = kairo.frame.realized_pnl_by_user(trades).sort("user_id")
print("\nrealized P&L (FIFO), first users:")
print(pnl.head(5))

# %%
positions = kairo.frame.positions_by_user(trades)
print(f"\nopen positions: {positions.height} (user, symbol) pairs")

# %%
metrics = kairo.frame.metrics_by_user(trades, prices).sort("user_id")
print("\nrisk metrics of each user's daily time-weighted return, first users:")
print(metrics.select("user_id", "annual_return", "sharpe_ratio", "max_drawdown").head(5))
best = metrics.sort("sharpe_ratio", descending=True).row(0, named=True)
print(f"\nbest Sharpe: {best['user_id']} ({best['sharpe_ratio']:.3f})")
