"""kairo.Trade, lots, realized P&L, the time-weighted return, the comparison and the polars frame functions."""
import datetime as dt
from decimal import Decimal

import pandas as pd
import polars as pl
import pytest

import kairo
import kairo.frame

UTC = dt.timezone.utc
BUY = {"id": "1", "user_id": "u", "symbol": "AAPL", "side": "BUY", "qty": "10", "price": "100", "executed_at": "2024-01-02T20:55:00Z"}
SELL = {"id": "2", "user_id": "u", "symbol": "AAPL", "side": "SELL", "qty": "4", "price": "110.50", "executed_at": "2024-01-03T15:00:00Z"}
PRICES = {"AAPL": {"2024-01-02": "100", "2024-01-03": "120"}, "SPY": {"2024-01-02": "400", "2024-01-03": "404"}}


def test_trade_accepts_decimal_str_int_float():
    for qty in [Decimal("10"), "10", 10, 10.0]:
        t = kairo.Trade("u", "AAPL", "BUY", qty, 0.1, dt.datetime(2024, 1, 2, 15, tzinfo=UTC), id="t")
        assert t.qty == Decimal(10) and isinstance(t.qty, Decimal)
        assert t.price == Decimal("0.1")  # the float 0.1 reads as the decimal 0.1
    t = kairo.Trade(**{k: v for k, v in BUY.items()})
    assert t.notional == Decimal("1000") and t.executed_at == dt.datetime(2024, 1, 2, 20, 55, tzinfo=UTC)
    assert t.trade_date == dt.date(2024, 1, 2)
    assert t.to_dict()["qty"] == Decimal(10)
    assert kairo.Trade(**BUY) == kairo.Trade(**BUY)
    assert kairo.Trade("u", "brk.b", "buy", 1, 1, "2024-01-02T15:00:00Z").symbol == "BRK.B"  # any letter case
    naive = kairo.Trade("u", "AAPL", "BUY", 1, 1, dt.datetime(2024, 1, 2, 15))
    assert naive.executed_at.tzinfo is not None and naive.id == "u:AAPL:1704207600000000000"


@pytest.mark.parametrize(
    "field,value,fragment",
    [("qty", "0", "qty must be greater than zero"), ("price", "abc", "price must be a finite decimal"),
     ("symbol", "a apl", "not a valid ticker"), ("side", "HOLD", "side must be"), ("executed_at", "yesterday", "RFC 3339"),
     ("qty", True, "qty must be a finite decimal"), ("fees", "-1", "fees must not be negative"), ("price", float("nan"), "price")],
)
def test_invalid_trades_name_the_field(field, value, fragment):
    with pytest.raises(kairo.InvalidTradeError) as e:
        kairo.Trade(**dict(BUY, **{field: value}))
    assert e.value.field == field and fragment in str(e.value)
    assert isinstance(e.value, ValueError)


def test_lots_and_realized_pnl():
    for trades in [[BUY, SELL], [kairo.Trade(**BUY), kairo.Trade(**SELL)], pd.DataFrame([BUY, SELL]), pl.DataFrame([BUY, SELL])]:
        r = kairo.lots(trades)
        assert r["realized_pnl"] == Decimal("42.00")  # 4 × (110.50 − 100)
        assert r["closed_lots"][0]["qty"] == Decimal(4) and r["closed_lots"][0]["term"] == "short_term"
        assert r["open_lots"][0]["qty"] == Decimal(6)
        assert r["positions"][0]["average_cost"] == Decimal(100)
    p = kairo.realized_pnl([BUY, SELL], prices={"AAPL": "120"})
    assert p["total"] == Decimal("42.00") and p["by_symbol"] == {"AAPL": Decimal("42.00")}
    assert p["unrealized"] == Decimal(120)  # 6 × (120 − 100)
    with pytest.raises(kairo.ParameterError) as e:
        kairo.lots([BUY], method="random")
    assert e.value.field == "method"
    with pytest.raises(kairo.MarketDataError):
        kairo.realized_pnl([BUY], prices={"MSFT": 1})


def test_twr_and_compare():
    s = kairo.twr([BUY], PRICES)
    assert list(s.index) == [dt.date(2024, 1, 2), dt.date(2024, 1, 3)]
    assert s.iloc[1] == pytest.approx(0.2)
    c = kairo.compare([BUY], PRICES, "SPY")
    assert c.portfolio_pnl["total"] == Decimal(200)  # 10 × (120 − 100)
    assert c.shadow["pnl"] == Decimal(10)  # $1,000 in SPY at 400, +1 %
    assert c.to_dict()["benchmark"] == "SPY"
    blend = kairo.compare([BUY], dict(PRICES, AGG={"2024-01-02": "100", "2024-01-03": "100"}), {"SPY": 0.6, "AGG": 0.4})
    with pytest.raises(kairo.ParameterError) as err:
        kairo.compare([BUY], PRICES, {"SPY": "x"})
    assert (err.value.field, err.value.kind) == ("benchmark", "invalid_benchmark")
    assert "SPY" in blend.benchmark and "AGG" in blend.benchmark
    rows = [("AAPL", dt.date(2024, 1, 2), 100), ("AAPL", "2024-01-03", Decimal(120)), ("SPY", "2024-01-02", 400), ("SPY", "2024-01-03", 404)]
    assert kairo.compare([BUY], rows).portfolio_pnl == c.portfolio_pnl
    with pytest.raises(kairo.MarketDataError):
        kairo.compare([BUY], {"AAPL": PRICES["AAPL"]}, "QQQ")


def test_frame_functions():
    trades = pl.DataFrame([BUY, SELL, dict(BUY, id="3", user_id="v", qty="1")])
    pnl = kairo.frame.realized_pnl_by_user(trades)
    assert pnl.sort("user_id").to_dicts() == [
        {"user_id": "u", "realized_pnl": "42", "closed_lots": 1},
        {"user_id": "v", "realized_pnl": "0", "closed_lots": 0},
    ]
    pos = kairo.frame.positions_by_user(trades)
    assert set(pos["user_id"]) == {"u", "v"}
    prices = pl.DataFrame({"symbol": ["AAPL", "AAPL"], "date": ["2024-01-02", "2024-01-03"], "close": ["100", "120"]})
    m = kairo.frame.metrics_by_user(trades, prices)
    assert m.height == 2 and "sharpe_ratio" in m.columns
    with pytest.raises(kairo.InputError) as e:
        kairo.frame.realized_pnl_by_user(trades.drop("qty"))
    assert e.value.field == "qty"


def test_lots_follow_stock_splits():
    """NVDA's 10-for-1 of 2024-06-10: 2 shares bought at $481 become 20, the basis stays $962; valued at $154.46
    the position gains 20 × 154.46 − 962 = $2,127.20 (the same figures as kairo-core's test)."""
    from decimal import Decimal

    trades = [{"id": "b", "user_id": "u", "symbol": "NVDA", "side": "BUY", "qty": "2", "price": "481",
               "executed_at": "2024-06-03T15:00:00Z"}]
    r = kairo.lots(trades, "fifo", [("NVDA", "2024-06-10", "10")])
    lot = r["open_lots"][0]
    assert (lot["qty"], lot["basis"]) == (Decimal("20"), Decimal("962"))
    assert Decimal("20") * Decimal("154.46") - lot["basis"] == Decimal("2127.20")
    with pytest.raises(kairo.KairoError) as e:
        kairo.lots(trades, "fifo", [("NVDA", "2024-06-10", "0")])
    assert e.value.field == "ratio"


def test_compare_with_a_rebalancing_rule():
    # AAA 100 → 110 → 121 → 121, BBB 50 → 50 → 40 → 44; 60/40 bought and held: 1 → 1.06 → 1.046 → 1.078 (by hand:
    # 0.006 AAA and 0.008 BBB per unit), monthly: rebalanced at the close of 2024-02-01 → 1.08784.
    days = ["2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02"]
    prices = {"AAA": dict(zip(days, ["100", "110", "121", "121"])), "BBB": dict(zip(days, ["50", "50", "40", "44"]))}
    buy = dict(BUY, symbol="AAA", executed_at="2024-01-30T15:00:00Z")
    held = kairo.compare([buy], prices, {"AAA": "0.6", "BBB": "0.4"}, rebalance="buy_and_hold")
    assert held.benchmark_total_return == pytest.approx(0.078, abs=1e-12)
    assert held.benchmark == "AAA:0.6,BBB:0.4@buy_and_hold"
    monthly = kairo.compare([buy], prices, "AAA:0.6,BBB:0.4@monthly")
    assert monthly.benchmark_total_return == pytest.approx(0.08784, abs=1e-12)
    with pytest.raises(kairo.ParameterError) as err:
        kairo.compare([buy], prices, "AAA:0.6,BBB:0.4", rebalance="weekly")
    assert (err.value.field, err.value.kind) == ("benchmark", "invalid_benchmark")
