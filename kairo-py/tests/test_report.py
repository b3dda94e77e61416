"""kairo.report: the tear sheet from pandas, numpy with dates and polars, written when asked; the metrics table;
bad input refused with the field named."""
import datetime as dt

import numpy as np
import pandas as pd
import polars as pl
import pytest

import kairo


def sample(n=400):
    rng = np.random.default_rng(3)
    index = pd.bdate_range("2022-01-03", periods=n)
    spy = pd.Series(0.0004 + 0.01 * rng.standard_normal(n), index=index, name="SPY")
    strategy = pd.Series(0.0003 + 0.7 * spy.to_numpy() + 0.005 * rng.standard_normal(n), index=index, name="s")
    return strategy, spy


def test_html_from_pandas_draws_every_chart_and_writes_the_file(tmp_path):
    strategy, spy = sample()
    out = tmp_path / "report.html"
    page = kairo.report.html(strategy, benchmark=spy, title="Mine", output=str(out))
    assert out.read_text(encoding="utf-8") == page
    assert page.startswith("<!DOCTYPE html>") and "<title>Mine</title>" in page and "<script" not in page
    for chart in ["cumulative", "underwater", "monthly", "rolling-beta", "distribution"]:
        assert f'<svg id="{chart}"' in page
    # the table's Sharpe ratio is kairo's
    sharpe = kairo.sharpe_ratio(strategy)
    assert f'<tr data-metric="sharpe_ratio"><td>Sharpe ratio</td><td class="">{sharpe:.2f}</td>' in page


def test_numpy_with_dates_and_polars_give_the_same_page():
    strategy, spy = sample(300)
    from_pandas = kairo.report.html(strategy, benchmark=spy.to_numpy())
    dates = [d.date() for d in strategy.index]
    assert kairo.report.html(strategy.to_numpy(), benchmark=spy.to_numpy(), dates=dates) == from_pandas
    frame = pl.DataFrame({"date": dates, "r": strategy.to_numpy()})
    assert kairo.report.html(frame, benchmark=spy.to_numpy()) == from_pandas


def test_series_and_metrics():
    strategy, spy = sample()
    s = kairo.report.series(strategy, benchmark=spy)
    assert len(s["cumulative"]) == len(strategy) and len(s["drawdowns"]) == 5
    assert s["rolling_window"] == 126 and s["rolling_sharpe"][124] is None
    assert abs(s["cumulative"][-1] - kairo.cum_returns_final(strategy)) < 1e-12
    table = kairo.report.metrics(strategy, benchmark=spy)
    assert list(table.columns) == ["Strategy", "SPY"]
    assert table.loc["max_drawdown", "Strategy"] == kairo.max_drawdown(strategy)
    assert table.loc["max_drawdown", "SPY"] == kairo.max_drawdown(spy)


def test_bad_input_names_the_field():
    strategy, _ = sample(50)
    with pytest.raises(kairo.ParameterError) as e:
        kairo.report.html(strategy.to_numpy(), dates=[dt.date(2024, 1, 1)])
    assert e.value.field == "dates"
    shuffled = list(strategy.index[::-1])
    with pytest.raises(kairo.ParameterError, match="increase"):
        kairo.report.html(strategy.to_numpy(), dates=shuffled)
