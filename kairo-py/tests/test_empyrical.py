"""kairo's metric functions against empyrical-reloaded's, on random and degenerate series, 1-D and 2-D."""
import math
import warnings

import empyrical as ep
import numpy as np
import pandas as pd
import polars as pl
import pytest

import kairo
from conftest import series_set

SERIES = series_set()
RTOL = 1e-12


def close(a, b, rtol=RTOL, atol=1e-15):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, (a.shape, b.shape)
    both_nan = np.isnan(a) & np.isnan(b)
    with np.errstate(invalid="ignore"):
        same = (a == b) | both_nan | (np.abs(a - b) <= atol + rtol * np.abs(b))
    assert same.all(), f"kairo {a} vs empyrical {b}"


def expected(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)


UNARY = [
    ("cum_returns_final", {}),
    ("cum_returns_final", {"starting_value": 100}),
    ("annual_return", {}),
    ("annual_return", {"period": "monthly"}),
    ("annual_volatility", {}),
    ("annual_volatility", {"alpha": 3.0, "annualization": 365}),
    ("sharpe_ratio", {}),
    ("sharpe_ratio", {"risk_free": 0.0001, "period": "weekly"}),
    ("sortino_ratio", {}),
    ("sortino_ratio", {"required_return": 0.001}),
    ("downside_risk", {}),
    ("downside_risk", {"required_return": 0.001, "annualization": 12}),
    ("max_drawdown", {}),
    ("calmar_ratio", {}),
    ("omega_ratio", {}),
    ("omega_ratio", {"risk_free": 0.0001, "required_return": 0.05}),
    ("tail_ratio", {}),
    ("stability_of_timeseries", {}),
    ("value_at_risk", {}),
    ("value_at_risk", {"cutoff": 0.1}),
    ("conditional_value_at_risk", {}),
]


@pytest.mark.parametrize("name,kwargs", UNARY, ids=[f"{n}-{i}" for i, (n, _) in enumerate(UNARY)])
@pytest.mark.parametrize("series", list(SERIES), ids=list(SERIES))
def test_unary_matches_empyrical(name, kwargs, series):
    r = SERIES[series]
    got = getattr(kairo, name)(r, **kwargs)
    assert isinstance(got, float)
    close(got, expected(getattr(ep, name), r, **kwargs))


BINARY = [
    ("alpha", {}),
    ("alpha", {"risk_free": 0.0001, "period": "monthly"}),
    ("beta", {}),
    ("beta", {"risk_free": 0.0001}),
    ("up_capture", {}),
    ("down_capture", {}),
    ("up_down_capture", {}),
    ("excess_sharpe", {}),
]


@pytest.mark.parametrize("name,kwargs", BINARY, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BINARY)])
@pytest.mark.parametrize("series", [s for s in SERIES if len(SERIES[s]) >= 2], ids=lambda s: s)
def test_binary_matches_empyrical(name, kwargs, series):
    r = SERIES[series]
    f = np.random.default_rng(len(r)).normal(0.0004, 0.009, len(r))
    close(getattr(kairo, name)(r, f, **kwargs), expected(getattr(ep, name), r, f, **kwargs), rtol=1e-10)


def test_alpha_beta_shape_and_values():
    r = SERIES["normal_252"]
    f = r * 0.5 + 0.0001
    got = kairo.alpha_beta(r, f)
    assert got.shape == (2,)
    close(got, ep.alpha_beta(r, f), rtol=1e-10)


@pytest.mark.parametrize("starting_value", [0, 1, 100])
@pytest.mark.parametrize("series", list(SERIES), ids=list(SERIES))
def test_cum_returns(series, starting_value):
    r = SERIES[series]
    close(kairo.cum_returns(r, starting_value), ep.cum_returns(r, starting_value))


def frame():
    rng = np.random.default_rng(7)
    idx = pd.date_range("2024-01-01", periods=300, freq="B")
    return pd.DataFrame({"a": rng.normal(0.001, 0.01, 300), "b": rng.normal(0.0, 0.02, 300)}, index=idx)


@pytest.mark.parametrize("name", ["sharpe_ratio", "annual_volatility", "max_drawdown", "sortino_ratio", "downside_risk", "annual_return", "cum_returns_final"])
def test_dataframe_per_column(name):
    df = frame()
    got = getattr(kairo, name)(df)
    want = expected(getattr(ep, name), df)
    if name in ("sharpe_ratio", "annual_volatility"):
        # empyrical hands these back as an array for a DataFrame, and so does kairo under its names
        assert isinstance(got, np.ndarray) and isinstance(want, np.ndarray)
        got = pd.Series(got, index=df.columns)
    assert isinstance(got, pd.Series) and list(got.index) == ["a", "b"]
    close(got.to_numpy(), np.asarray(want, dtype=float))
    # a 2-D numpy array gives an array with one value per column
    got2 = getattr(kairo, name)(df.to_numpy())
    assert isinstance(got2, np.ndarray) and got2.shape == (2,)
    close(got2, got.to_numpy())


def test_cum_returns_keeps_the_input_type():
    df = frame()
    s = df["a"]
    out = kairo.cum_returns(s)
    assert isinstance(out, pd.Series) and out.index.equals(s.index) and out.name == "a"
    close(out.to_numpy(), ep.cum_returns(s).to_numpy())
    out_df = kairo.cum_returns(df)
    assert isinstance(out_df, pd.DataFrame) and list(out_df.columns) == ["a", "b"]
    close(out_df.to_numpy(), ep.cum_returns(df).to_numpy())
    assert isinstance(kairo.cum_returns(list(s)), list)
    ps = pl.Series("r", s.to_numpy())
    out_pl = kairo.cum_returns(ps)
    assert isinstance(out_pl, pl.Series) and out_pl.name == "r"


def test_every_input_kind_gives_the_same_numbers():
    r = SERIES["with_nans"]
    kinds = [r, list(r), tuple(r), pd.Series(r), pl.Series("r", r), np.asfortranarray(r), r.copy()[::-1][::-1]]
    for fn in [kairo.sharpe_ratio, kairo.max_drawdown, kairo.annual_volatility, kairo.value_at_risk, kairo.tail_ratio]:
        values = [fn(k) for k in kinds]
        for v in values:
            assert v == values[0] or (math.isnan(v) and math.isnan(values[0]))


def test_pandas_series_are_aligned_on_their_index():
    df = frame()
    r = df["a"]
    f = df["b"].iloc[10:]  # shorter, shifted index
    close(kairo.beta(r, f), ep.beta(r, f), rtol=1e-10)
    close(kairo.alpha(r, f), ep.alpha(r, f), rtol=1e-10)


def test_period_and_annualization():
    r = SERIES["normal_252"]
    assert kairo.sharpe_ratio(r, period="monthly") == kairo.sharpe_ratio(r, annualization=12)
    assert kairo.sharpe_ratio(r, period=kairo.YEARLY) == kairo.sharpe_ratio(r, annualization=1)
    with pytest.raises(kairo.ParameterError) as e:
        kairo.sharpe_ratio(r, period="hourly")
    assert e.value.field == "period" and "hourly" in str(e.value)
    with pytest.raises(kairo.ParameterError):
        kairo.sharpe_ratio(r, annualization=0)


def test_metrics_equals_each_function():
    r, f = SERIES["fat_tails_1000"], SERIES["normal_252"]
    f = np.resize(f, len(r))
    m = kairo.metrics(r, f, risk_free=0.0001)
    assert m["periods"] == len(r)
    assert m["sharpe_ratio"] == kairo.sharpe_ratio(r, risk_free=0.0001)
    assert m["max_drawdown"] == kairo.max_drawdown(r)
    assert m["beta"] == kairo.beta(r, f)
    close(m["alpha"], kairo.alpha(r, f, risk_free=0.0001))
    assert "beta" not in kairo.metrics(r)


def test_kairo_only_metrics():
    r = SERIES["long_10k"]
    assert 0.0 <= kairo.probabilistic_sharpe_ratio(r) <= 1.0
    assert 0.0 <= kairo.deflated_sharpe_ratio(r, trials=10, sharpe_variance=0.001) <= 1.0
    assert kairo.cornish_fisher_var(r) < 0
    roll = kairo.rolling_sharpe(r, 63)
    assert len(roll) == len(r) - 62
    assert roll[0] == kairo.sharpe_ratio(r[:63])
    assert kairo.rolling_volatility(r, 21)[5] == kairo.annual_volatility(r[5:26])
    f = SERIES["long_10k"][::-1].copy()
    assert kairo.rolling_beta(r, f, 50)[0] == kairo.beta(r[:50], f[:50])
    periods = kairo.drawdown_periods(r, top=3)
    assert len(periods) == 3 and periods[0]["depth"] <= periods[1]["depth"] <= 0
    s = pd.Series(r, index=pd.date_range("2000-01-03", periods=len(r), freq="B"))
    rs = kairo.rolling_sharpe(s, 63)
    assert isinstance(rs, pd.Series) and rs.index[0] == s.index[62]


@pytest.mark.parametrize("name", ["tail_ratio", "stability_of_timeseries", "value_at_risk", "conditional_value_at_risk"])
def test_whole_frame_metrics_are_one_float_as_empyrical(name):
    df = frame()
    got = getattr(kairo, name)(df)
    want = getattr(ep, name)(df)
    assert isinstance(got, float)
    close(got, float(want))


@pytest.mark.parametrize("name", ["calmar_ratio", "omega_ratio"])
def test_single_series_metrics_refuse_a_frame_and_point_to_metrics(name):
    with pytest.raises(kairo.InputError) as e:
        getattr(kairo, name)(frame())
    assert e.value.field == "returns" and "kairo.metrics" in str(e.value)


def test_metrics_of_a_frame_is_a_table_per_column():
    df = frame()
    table = kairo.metrics(df)
    assert list(table.columns) == ["a", "b"]
    for column in ("a", "b"):
        close(table.loc["sharpe_ratio", column], ep.sharpe_ratio(df[column]))
        close(table.loc["calmar_ratio", column], ep.calmar_ratio(df[column]))


def test_a_total_loss_leaves_stability_undefined():
    r = np.array([0.01, -1.0, 0.02, 0.01])
    with np.errstate(divide="ignore", invalid="ignore"):
        assert np.isnan(ep.stability_of_timeseries(r))
    assert np.isnan(kairo.stability_of_timeseries(r))


def test_a_risk_free_rate_per_period_as_empyrical():
    rng = np.random.default_rng(5)
    idx = pd.date_range("2020-01-01", periods=200)
    r = pd.Series(rng.normal(0.001, 0.01, 200), index=idx)
    f = pd.Series(rng.normal(0.0008, 0.009, 200), index=idx)
    rf = pd.Series(np.linspace(0, 0.0002, 200), index=idx)
    for name in ("sharpe_ratio", "sortino_ratio", "downside_risk"):
        close(getattr(kairo, name)(r, rf), getattr(ep, name)(r, rf))
    close(kairo.alpha(r, f, risk_free=rf), ep.alpha(r, f, risk_free=rf))
    close(kairo.alpha(r.values, f.values, risk_free=rf.values), ep.alpha(r.values, f.values, risk_free=rf.values))
    close(kairo.alpha_beta(r, f, risk_free=rf), ep.alpha_beta(r, f, risk_free=rf))


def test_out_buffers_are_written_and_returned():
    df = frame()
    out = np.empty(2)
    assert kairo.sharpe_ratio(df, out=out) is out
    close(out, ep.sharpe_ratio(df))
    rolled = np.empty((300 - 20 + 1, 2))
    assert kairo.roll_sharpe_ratio(df.to_numpy(), 20, out=rolled) is rolled
    close(rolled[:, 1], ep.roll_sharpe_ratio(df["b"].to_numpy(), 20))
