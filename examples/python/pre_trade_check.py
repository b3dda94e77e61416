"""Pre-trade compliance from Python: keep one engine per account live, ask it before sending an order.

    python examples/python/pre_trade_check.py
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import List

import kairo
from kairo import compliance


def main() -> None:
    ctx = compliance.AccountContext.from_dict(
        {"account_type": "margin", "equity": "24000", "limits": {"max_notional": {"max": "50000", "action": "fail"}}}
    )
    engine = compliance.Engine(ctx)
    start = dt.datetime(2024, 6, 13, 14, 0, tzinfo=dt.timezone.utc)
    days: List[dt.datetime] = [start + dt.timedelta(days=d) for d in (0, 1, 4)]
    for i, day in enumerate(days):  # three round trips: three day trades
        for side, minutes in (("BUY", 0), ("SELL", 5)):
            t = kairo.Trade("u1", "ABC", side, 10, Decimal("101.25"), day + dt.timedelta(minutes=minutes), id=f"{i}{side}")
            for row in engine.push(t):
                if row["status"] != "pass":
                    print(row["trade_id"], row["check_name"], row["status"], row["reason"])
    buy = kairo.Trade("u1", "ABC", "BUY", 10, 101, start + dt.timedelta(days=5), id="o1")
    engine.push(buy)
    sell = kairo.Trade("u1", "ABC", "SELL", 10, 102, start + dt.timedelta(days=5, minutes=10), id="o2")
    decision = engine.check_order(sell)
    print("allowed:", decision["allowed"])
    for row in decision["results"]:
        if row["status"] != "pass":
            print(f"  {row['check_name']}: {row['status']} - {row['reason']}")


if __name__ == "__main__":
    main()
