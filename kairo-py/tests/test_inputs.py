"""Input handling: contiguous float64 data is read in place, other layouts are converted, bad input raises."""
import numpy as np
import pandas as pd
import polars as pl
import pytest

import kairo
from kairo import _kairo
from kairo._convert import as_array


def test_contiguous_float64_is_not_copied():
    r = np.random.default_rng(1).normal(size=10_000)
    assert as_array(r) is r
    assert _kairo._borrowed(as_array(r)) == [True]
    s = pd.Series(r)
    assert np.shares_memory(as_array(s), r) or np.shares_memory(as_array(s), s.to_numpy())
    assert _kairo._borrowed(as_array(s)) == [True]
    p = pl.Series("r", r)
    assert _kairo._borrowed(as_array(p)) == [True]
    # a Fortran-ordered 2-D array is read column by column in place; a C-ordered one is copied per column
    f = np.asfortranarray(np.stack([r, r], axis=1))
    assert _kairo._borrowed(f) == [True, True]
    assert _kairo._borrowed(np.ascontiguousarray(f)) == [False, False]
    # a strided view is copied, with the same answer
    assert kairo.sharpe_ratio(r[::2]) == kairo.sharpe_ratio(r[::2].copy())


def test_other_dtypes_are_converted():
    assert kairo.max_drawdown(np.array([1, -1, 0], dtype=np.int64)) == kairo.max_drawdown([1.0, -1.0, 0.0])
    assert kairo.max_drawdown(pd.Series([0.01, None, -0.02], dtype="Float64")) == kairo.max_drawdown([0.01, np.nan, -0.02])


def test_bad_input():
    with pytest.raises(kairo.InputError) as e:
        kairo.sharpe_ratio(["a", "b"])
    assert e.value.field == "returns"
    assert isinstance(e.value, ValueError) and isinstance(e.value, kairo.KairoError)
    with pytest.raises(kairo.InputError) as e:
        kairo.beta([0.1, 0.2, 0.3], [0.1, 0.2])
    assert e.value.field == "factor_returns" and "same length" in str(e.value)
    with pytest.raises(kairo.InputError):
        kairo.sharpe_ratio(np.zeros((2, 2, 2)))
    with pytest.raises(kairo.ParameterError) as e:
        kairo.value_at_risk([0.1, 0.2], cutoff=2.0)
    assert e.value.field == "cutoff"
    with pytest.raises(kairo.ParameterError):
        kairo.rolling_sharpe([0.1, 0.2], 0)


def test_empty_input_gives_nan_as_empyrical():
    for fn in [kairo.sharpe_ratio, kairo.max_drawdown, kairo.annual_volatility, kairo.tail_ratio, kairo.value_at_risk]:
        assert np.isnan(fn([]))
    assert kairo.cum_returns(np.array([])).size == 0


def test_every_kairo_error_carries_field_kind_and_trade_id():
    # kairo-core's taxonomy, mapped once: the class from the code, the attributes from the error.
    with pytest.raises(kairo.ParameterError) as err:
        kairo.sharpe_ratio([0.01, 0.02], period="hourly")
    assert (err.value.field, err.value.kind, err.value.trade_id) == ("period", "unknown_period", None)
    with pytest.raises(kairo.InputError) as err:
        kairo.alpha([0.01, 0.02], [0.01])
    assert (err.value.field, err.value.kind) == ("factor_returns", "length_mismatch")
    with pytest.raises(kairo.ConfigError) as err:
        kairo.compliance.check_history([], checks=["wash_sales"])
    assert (err.value.field, err.value.kind) == ("checks", "unknown_check")
