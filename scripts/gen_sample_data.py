#!/usr/bin/env python3
"""Generate kairo's bundled SYNTHETIC sample data (examples/data): daily closes of a few symbols and one user's
trades. The prices are a seeded random walk, not market data.

    python3 scripts/gen_sample_data.py examples/data
"""
import datetime as dt
import math
import random
import sys
from pathlib import Path

HOLIDAYS_2024 = {dt.date(2024, 1, 1), dt.date(2024, 1, 15), dt.date(2024, 2, 19), dt.date(2024, 3, 29),
                 dt.date(2024, 5, 27), dt.date(2024, 6, 19), dt.date(2024, 7, 4)}


def trading_days(start, end):
    d = start
    while d <= end:
        if d.weekday() < 5 and d not in HOLIDAYS_2024:
            yield d
        d += dt.timedelta(days=1)


def main(out):
    rng = random.Random(2024)
    days = list(trading_days(dt.date(2024, 1, 2), dt.date(2024, 7, 31)))
    spec = {"SPY": (475.0, 0.0006, 0.008), "AGG": (98.0, 0.0001, 0.003), "AAPL": (185.0, 0.0004, 0.015),
            "MSFT": (370.0, 0.0008, 0.013), "NVDA": (48.0, 0.004, 0.03)}
    closes = {}
    market = [rng.gauss(0, 1) for _ in days]
    for sym, (p0, mu, sigma) in spec.items():
        p, series = p0, []
        for z in market:
            shock = 0.7 * z + math.sqrt(1 - 0.49) * rng.gauss(0, 1)
            p *= math.exp(mu + sigma * shock)
            series.append(round(p, 2))
        closes[sym] = series
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "prices.csv", "w") as fh:
        fh.write("symbol,date,close\n")
        for sym, series in closes.items():
            for d, c in zip(days, series):
                fh.write(f"{sym},{d.isoformat()},{c:.2f}\n")
    trades, holdings, n = [], {"AAPL": 0, "MSFT": 0, "NVDA": 0}, 0
    for i, d in enumerate(days):
        if rng.random() > 0.3:
            continue
        sym = rng.choice(list(holdings))
        price = closes[sym][i] * (1 + rng.uniform(-0.004, 0.004))
        if holdings[sym] > 0 and rng.random() < 0.4:
            side, qty = "SELL", rng.randint(1, holdings[sym])
        else:
            side, qty = "BUY", rng.randint(1, 20)
        holdings[sym] += qty if side == "BUY" else -qty
        minute = rng.randint(0, 389)
        t = dt.datetime.combine(d, dt.time(14, 30)) + dt.timedelta(minutes=minute)
        n += 1
        trades.append(f"demo-{n:04d},demo-user,{sym},{side},{qty},{price:.2f},{t.isoformat()}Z,0.00")
    with open(out / "trades.csv", "w") as fh:
        fh.write("id,user_id,symbol,side,qty,price,executed_at,fees\n")
        fh.write("\n".join(trades) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "examples/data"))
