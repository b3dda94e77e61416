"""The worked real account of kairo-core's shared vectors (``kairo-core/tests/vectors/real_account.json``) through
``kairo.account`` and ``kairo.lots``: the figures derived by hand in ``kairo-core/tests/real_account.rs``."""

import datetime as dt
import json
import pathlib
from decimal import Decimal

import pytest

import kairo

VECTORS = json.loads(
    (pathlib.Path(__file__).parents[2] / "kairo-core" / "tests" / "vectors" / "real_account.json").read_text()
)


def _inputs():
    v = VECTORS
    prices = [(c["symbol"], c["date"], c["close"]) for c in v["prices"]["closes"]]
    splits = [(s["symbol"], s["ex_date"], s["ratio"]) for s in v["prices"]["splits"]]
    return v["trades"], v["activities"], prices, splits


def test_the_worked_account_matches_on_python():
    trades, activities, prices, splits = _inputs()
    got = kairo.account(trades, activities, prices, splits=splits)
    for key, want in VECTORS["expected"]["account"].items():
        if isinstance(want, str) and len(want) == 10 and want.count("-") == 2:
            assert got[key] == dt.date.fromisoformat(want), key
        elif isinstance(want, str):
            assert got[key] == Decimal(want), key
        else:
            assert got[key] == pytest.approx(want, abs=1e-9), key
    assert got["total_pnl"] == got["price_pnl"] + got["income"] - got["fees"] - got["taxes"]


def test_daily_valuations_and_lots_through_the_activities():
    trades, activities, prices, splits = _inputs()
    got = kairo.account(trades, activities, prices, splits=splits, daily=True)
    day = next(d for d in got["days"] if d["date"] == dt.date(2024, 6, 10))
    assert day["value"] == Decimal("65524.55")
    report = kairo.lots(trades, "fifo", splits=splits, activities=activities)
    want = VECTORS["expected"]["lots"]
    assert report["realized_pnl"] == Decimal(want["realized_pnl"])
    open_lots = [(lot["symbol"], lot["qty"], lot["basis"]) for lot in report["open_lots"]]
    assert open_lots == [(o["symbol"], Decimal(o["qty"]), Decimal(o["basis"])) for o in want["open"]]


def test_a_bad_activity_names_its_record_and_field():
    with pytest.raises(kairo.InputError) as e:
        kairo.account(
            [],
            [
                {"user_id": "u", "type": "DEPOSIT", "date": dt.date(2024, 1, 2), "amount": 100},
                {"id": "w", "user_id": "u", "type": "WITHDRAWAL", "date": "2024-01-03", "amount": "-5"},
            ],
            [],
        )
    assert (e.value.field, e.value.kind) == ("amount", "not_positive")
    assert "row 1" in str(e.value)
    with pytest.raises(kairo.InputError) as e:
        kairo.account([], [{"user_id": "u", "type": "BONUS", "date": "2024-01-02", "amount": 1}], [])
    assert (e.value.field, e.value.kind) == ("type", "unknown_type")


def test_compliance_sees_the_deposit():
    trades = [
        {"user_id": "u", "symbol": "ABC", "side": "BUY", "qty": 10, "price": "100", "executed_at": "2024-07-01T14:00:00Z", "id": "b"},
        {"user_id": "u", "symbol": "ABC", "side": "SELL", "qty": 10, "price": "101", "executed_at": "2024-07-01T19:00:00Z", "id": "s"},
    ]
    ctx = {"account_type": "cash", "settled_cash": "0"}

    def freeriding(rows):
        return next(r["status"] for r in rows if r["trade_id"] == "s" and r["check_name"] == "freeriding")

    assert freeriding(kairo.compliance.check_history(trades, ctx)) == "fail"
    deposit = [{"user_id": "u", "type": "DEPOSIT", "date": "2024-07-01", "amount": "1000"}]
    assert freeriding(kairo.compliance.check_history(trades, ctx, activities=deposit)) == "pass"


def test_nvda_across_its_split_on_raw_closes():
    # 2 NVDA at $481.00 before the 10-for-1 of 2024-06-10; raw closes: no phantom day, +2,127.20 at $154.46
    trades = [{"id": "b", "user_id": "u", "symbol": "NVDA", "side": "BUY", "qty": "2", "price": "481.00",
               "executed_at": "2024-06-06T15:00:00Z"}]
    closes = {"2024-06-06": "1209.98", "2024-06-07": "1208.88", "2024-06-10": "121.79", "2024-06-11": "120.91",
              "2024-11-29": "154.46"}
    prices = [("NVDA", d, c) for d, c in closes.items()] + [("SPY", d, "500") for d in closes]
    splits = [("NVDA", "2024-06-10", "10")]
    series = kairo.twr(trades, prices, splits=splits)
    returns = list(series) if not isinstance(series, dict) else series["returns"]
    assert min(returns) > -0.5
    c = kairo.compare(trades, prices, "SPY", splits=splits)
    assert c.portfolio_pnl["unrealized"] == Decimal("2127.20")
