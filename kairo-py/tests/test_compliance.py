"""kairo.compliance on the shared vectors (the same file the Rust and Node suites read), streaming == batch,
contexts from dicts, and errors."""
import datetime as dt
from decimal import Decimal

import pytest

import kairo
from kairo import compliance as kc


def norm(v):
    """A result value in the JSON form the vectors use (decimal strings, ISO dates)."""
    if isinstance(v, Decimal):
        return str(v.normalize()) if v != v.to_integral_value() else str(v.quantize(Decimal(1)))
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v


def assert_results(case, results, expected):
    for e in expected:
        rows = [r for r in results if r["trade_id"] == e["trade_id"] and r["check_name"] == e["check_name"]]
        assert len(rows) == 1, (case, e)
        r = rows[0]
        assert r["status"] == e["status"], (case, r["reason"])
        assert set(r) == {"trade_id", "check_name", "status", "reason", "metadata"}
        for k, v in e.get("metadata", {}).items():
            assert norm(r["metadata"][k]) == v, (case, k, r["metadata"][k])


def test_shared_vectors(compliance_cases):
    assert len(compliance_cases) >= 12
    for case in compliance_cases:
        name, trades, exp = case["name"], case["trades"], case["expect"]
        ctx, checks = case.get("ctx"), case.get("checks")
        if "results" in exp:
            assert_results(name, kc.check_history(trades, ctx, checks), exp["results"])
        if "day_trades" in exp:
            for counting in ["transitions", "pairs"]:
                if exp["day_trades"].get(counting) is not None:
                    assert len(kc.day_trades(trades, counting)) == exp["day_trades"][counting], name
        for got, want in zip(kc.day_trades(trades), exp.get("day_trade_records", [])):
            assert {k: norm(v) for k, v in got.items()} == want
        if "pdt_status" in exp:
            p = dict(exp["pdt_status"])
            s = kc.pdt_status(trades, p.pop("as_of"), ctx)
            assert {k: norm(v) for k, v in s.items()} == p, name
        if "wash_sales" in exp:
            w, want = kc.wash_sales(trades), exp["wash_sales"]
            assert [{k: norm(v) for k, v in x.items() if k in y} for x, y in zip(w["losses"], want["losses"])] == want["losses"]
            assert [{k: norm(v) for k, v in x.items()} for x in w["matches"]] == want["matches"]
            assert norm(w["realized_pnl"]) == want["realized_pnl"]
            assert norm(w["disallowed_loss"]) == want["disallowed_loss"]
            assert {k: norm(v) for k, v in w["deferred_by_symbol"].items()} == want["deferred_by_symbol"]
        if "order" in exp:
            d = kc.check_order(trades, exp["order"]["trade"], ctx, checks)
            assert d["allowed"] is exp["order"]["allowed"], name
            assert_results(name, d["results"], exp["order"].get("results", []))


def test_streaming_equals_batch(compliance_cases):
    for case in compliance_cases:
        ctx = case.get("ctx")
        batch = kc.check_history(case["trades"], ctx)
        engine = kc.Engine(ctx)
        ordered = sorted(case["trades"], key=lambda t: (kairo.Trade(**t).executed_at, t["id"]))
        streamed = [r for t in ordered for r in engine.push(t)]
        assert streamed == batch, case["name"]
        # a pre-trade check on the live engine equals the stateless one
        order = dict(ordered[-1], id="~probe")  # same time, sorts after the last trade
        pre = kc.Engine(ctx)
        for t in ordered:
            pre.record(t)
        assert pre.check_order(order) == kc.check_order(ordered, order, ctx)


def test_context_from_dict_and_class():
    d = {"account_type": "margin", "equity": Decimal("30000"), "restricted_symbols": ["XYZ"],
         "limits": {"max_notional": {"max": 50000, "action": "flag"}}}
    ctx = kc.AccountContext.from_dict(d)
    assert kc.AccountContext(**d).to_json() == ctx.to_json()
    t = {"user_id": "u1", "symbol": "XYZ", "side": "BUY", "qty": 1, "price": "10", "executed_at": "2024-07-01T14:00:00Z"}
    for c in [ctx, d]:
        d2 = kc.check_order([], t, c)
        assert d2["allowed"] is False
        row = [r for r in d2["results"] if r["check_name"] == "restricted_symbol"][0]
        assert row["status"] == "fail" and "XYZ" in row["reason"]
    with pytest.raises(kairo.ConfigError) as e:
        kc.AccountContext(account_type="savings")
    assert e.value.field == "ctx" and "savings" in str(e.value)
    with pytest.raises(kairo.ConfigError) as e:
        kc.check_history([], {"limits": {"max_notional": {"max": "-1"}}})
    assert "max_notional" in e.value.field
    with pytest.raises(kairo.ConfigError) as e:
        kc.check_history([], None, ["pattern_day_trading", "nope"])
    assert e.value.field == "checks"
    assert kc.CHECK_NAMES[0] == "pattern_day_trading" and len(kc.CHECK_NAMES) == 13


def test_engine_rejects_out_of_order_and_bad_trades():
    e = kc.Engine()
    e.push({"id": "a", "user_id": "u", "symbol": "ABC", "side": "BUY", "qty": "1", "price": "1", "executed_at": "2024-07-02T14:00:00Z"})
    with pytest.raises(kairo.OutOfOrderError) as err:
        e.push({"id": "b", "user_id": "u", "symbol": "ABC", "side": "SELL", "qty": "1", "price": "1", "executed_at": "2024-07-01T14:00:00Z"})
    assert err.value.field == "executed_at" and err.value.trade_id == "b"
    assert e.position("ABC") == Decimal(1)
    with pytest.raises(kairo.InvalidTradeError) as err:
        kc.check_history([{"id": "x", "user_id": "u", "symbol": "ABC", "side": "BUY", "qty": "-5", "price": "1", "executed_at": "2024-07-01T14:00:00Z"}])
    assert err.value.field == "qty" and err.value.index == 0 and "-5" in str(err.value)
