"""kairo.optimize beyond PyPortfolioOpt: the tax-aware rebalance, allocation, equal risk contribution, and errors
that name the field. The numbers are kairo-core's (the same as Rust's and Node's tests on the same lots)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

import kairo
from kairo import optimize as ko


def trade(tid: str, symbol: str, side: str, qty: str, price: str, day: str) -> dict:
    return {"id": tid, "user_id": "u", "symbol": symbol, "side": side, "qty": qty, "price": price, "executed_at": f"{day}T15:00:00Z"}


def test_rebalance_sells_the_loss_lot_first_and_reports_gains_by_term():
    trades = [trade("lt", "AAPL", "BUY", "10", "100", "2022-03-01"), trade("loss", "AAPL", "BUY", "10", "180", "2024-03-01")]
    plan = ko.rebalance(trades, {"AAPL": "150", "MSFT": 300}, {"AAPL": 0.5, "MSFT": 0.5}, as_of=dt.date(2024, 6, 3))
    sale, purchase = plan["orders"]
    assert (sale["side"], sale["qty"], sale["lots"][0]["trade_id"]) == ("SELL", Decimal(10), "loss")
    assert plan["realized"] == {"short_term": Decimal(-300), "long_term": Decimal(0), "total": Decimal(-300)}
    assert sale["no_repurchase_until"] == dt.date(2024, 7, 3)
    assert (purchase["symbol"], purchase["qty"]) == ("MSFT", Decimal(5))
    assert plan["turnover"] == pytest.approx(3000 / 6000)


def test_rebalance_skips_a_wash_sale_purchase():
    trades = [trade("b", "TSLA", "BUY", "10", "250", "2024-01-02"), trade("s", "TSLA", "SELL", "10", "200", "2024-05-20")]
    plan = ko.rebalance(trades, {"TSLA": 210}, {"TSLA": 1.0}, as_of="2024-06-03", cash="2000")
    assert plan["orders"] == []
    assert plan["skipped"][0]["reason"] == "wash_sale_purchase"
    assert plan["skipped"][0]["until"] == dt.date(2024, 6, 19)
    allowed = ko.rebalance(trades, {"TSLA": 210}, {"TSLA": 1.0}, as_of="2024-06-03", cash="2000", allow_wash_sales=True)
    assert allowed["orders"][0]["qty"] == Decimal(9)


def test_allocation_and_clean_weights():
    shares, leftover = ko.DiscreteAllocation({"AAA": 0.6, "BBB": 0.4}, {"AAA": "333", "BBB": 50}, 1100).greedy_portfolio()
    assert (shares, leftover) == ({"AAA": Decimal(2), "BBB": Decimal(8)}, Decimal(34))
    shares, _ = ko.DiscreteAllocation({"AAA": 0.6, "BBB": 0.4}, {"AAA": "333", "BBB": 50}, 1000).greedy_portfolio(fractional_digits=3)
    assert shares == {"AAA": Decimal("1.801"), "BBB": Decimal(8)}


def test_equal_risk_contribution():
    cov = np.array([[0.04, 0.01, 0.0], [0.01, 0.09, 0.02], [0.0, 0.02, 0.16]])
    w = ko.equal_risk_contribution(cov)
    rc = w * (cov @ w) / (w @ cov @ w)
    assert np.allclose(rc, 1 / 3, atol=1e-6)


def test_errors_name_the_field():
    with pytest.raises(kairo.InputError) as e:
        ko.sample_cov(np.array([[1.0, 2.0], [np.nan, 2.5], [1.2, 2.4]]))
    assert (e.value.field, e.value.kind) == ("prices", "bad_value")
    with pytest.raises(kairo.ParameterError) as e:
        ko.EfficientFrontier(np.array([0.01, 0.02]), np.diag([0.01, 0.02])).max_sharpe(risk_free_rate=0.05)
    assert e.value.field == "risk_free_rate"
    with pytest.raises(kairo.ParameterError) as e:
        ko.rebalance([], {"A": 1}, {"A": 0.7, "B": 0.6}, as_of="2024-01-02", cash=100)
    assert e.value.field == "targets"
    with pytest.raises(kairo.InvalidTradeError):
        ko.rebalance([trade("x", "A", "BUY", "-1", "10", "2024-01-02")], {"A": 1}, {"A": 1.0}, as_of="2024-01-02")


def test_expected_returns_are_aligned_to_the_covariance_by_label():
    import pandas as pd

    rng = np.random.default_rng(5)
    prices = pd.DataFrame(100 * np.cumprod(1 + rng.normal(0.0005, 0.01, size=(300, 4)), axis=0), columns=list("ABCD"))
    mu, cov = ko.mean_historical_return(prices), ko.sample_cov(prices)
    straight = ko.EfficientFrontier(mu, cov).max_sharpe()
    shuffled = ko.EfficientFrontier(mu[["D", "B", "A", "C"]], cov).max_sharpe()
    assert np.allclose(straight.values, shuffled.values, atol=1e-12)
    with pytest.raises(kairo.InputError) as e:
        ko.EfficientFrontier(mu[["A", "B"]], cov)
    assert e.value.field == "expected_returns"
