"""The metrics under empyrical's names, with empyrical's parameters, ``out=`` buffers, alignment and return types.
Only the shaping of inputs and results is here (pandas alignment of a Series rate, where ``out`` is written,
which type comes back); every number is computed by kairo-core through the native module."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _kairo
from ._convert import aligned, as_array, is_pandas

DAILY = "daily"


def _is_frame(x: Any) -> bool:
    return is_pandas(x) and getattr(x, "ndim", 1) == 2


def _one_d(x: Any) -> bool:
    return bool(np.ndim(x) <= 1)


def adjust(returns: Any, rate: Any) -> Any:
    """``returns − rate`` as empyrical takes it: untouched for a zero rate, aligned on the index when both are
    pandas objects, broadcast over the columns of an array when the rate is a Series or an array."""
    if isinstance(rate, (int, float)) and rate == 0:
        return returns
    if isinstance(returns, np.ndarray) or not is_pandas(returns):
        rate = np.asanyarray(rate, dtype=np.float64)
        return np.asarray(returns, dtype=np.float64) - rate
    return returns - rate


def scalar_rate(rate: Any) -> bool:
    return np.ndim(rate) == 0 and not is_pandas(rate)


def finish(returns: Any, value: Any, out: Optional[np.ndarray], frame_series: str = "never") -> Any:
    """A per-column result the way empyrical hands it back: written into ``out`` when given; a float for 1-D
    input; for a DataFrame a Series by column when ``frame_series`` is ``"always"``, or ``"allocated"`` and no
    ``out`` was given; otherwise the array."""
    if out is not None:
        out[()] = value
        result: Any = out
    else:
        result = value if np.ndim(value) == 0 else np.asarray(value, dtype=np.float64)
    if _one_d(returns):
        return float(np.asarray(result).reshape(-1)[0]) if np.ndim(result) else float(result)
    if _is_frame(returns) and (frame_series == "always" or (frame_series == "allocated" and out is None)):
        import pandas as pd

        return pd.Series(result, index=returns.columns)
    return result


def _empty(returns: Any, out: Optional[np.ndarray], minimum: int) -> Any:
    """NaN (in ``out`` or in the shape of a row) when there are fewer than ``minimum`` periods, else None."""
    if len(returns) >= minimum:
        return None
    shape = np.shape(returns)[1:]
    return finish(returns, np.full(shape, np.nan) if shape else np.nan, out, "never")


def cum_returns(returns: Any, starting_value: float = 0, out: Optional[np.ndarray] = None) -> Any:
    """Cumulative returns, in the type of the input (empyrical ``cum_returns``)."""
    if len(returns) < 1:
        return returns.copy() if hasattr(returns, "copy") else returns
    values = _kairo.cum_returns(as_array(returns), float(starting_value))
    if out is not None:
        out[()] = values.reshape(np.shape(out))
        return out
    from ._convert import wrap_series

    return wrap_series(returns, values)


def annual_volatility(
    returns: Any,
    period: str = DAILY,
    alpha: float = 2.0,
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> Any:
    """Annualized standard deviation ``nanstd(r, ddof=1) · A^(1/alpha)`` (empyrical ``annual_volatility``)."""
    empty = _empty(returns, out, 2)
    if empty is not None:
        return empty
    value = _kairo.annual_volatility(as_array(returns), period, float(alpha), annualization)
    return finish(returns, value, out)


def sharpe_ratio(
    returns: Any,
    risk_free: Any = 0,
    period: str = DAILY,
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> Any:
    """Annualized Sharpe ratio; ``risk_free`` a per-period rate, a Series (aligned on the index) or an array
    (empyrical ``sharpe_ratio``)."""
    empty = _empty(returns, out, 2)
    if empty is not None:
        return empty
    if scalar_rate(risk_free):
        value = _kairo.sharpe_ratio(as_array(returns), float(risk_free), period, annualization)
    else:
        value = _kairo.sharpe_ratio(as_array(adjust(returns, risk_free)), 0.0, period, annualization)
    return finish(returns, value, out)


def downside_risk(
    returns: Any,
    required_return: Any = 0,
    period: str = DAILY,
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> Any:
    """Annualized downside deviation below ``required_return`` (a rate, a Series aligned on the index, or an
    array; empyrical ``downside_risk``)."""
    empty = _empty(returns, out, 1)
    if empty is not None:
        return empty
    if scalar_rate(required_return):
        value = _kairo.downside_risk(as_array(returns), float(required_return), period, annualization)
    else:
        value = _kairo.downside_risk(as_array(adjust(returns, required_return)), 0.0, period, annualization)
    return finish(returns, value, out, "always")


def sortino_ratio(
    returns: Any,
    required_return: Any = 0,
    period: str = DAILY,
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> Any:
    """Annualized Sortino ratio (empyrical ``sortino_ratio``); ``required_return`` as in :func:`downside_risk`."""
    empty = _empty(returns, out, 2)
    if empty is not None:
        return empty
    if scalar_rate(required_return):
        value = _kairo.sortino_ratio(as_array(returns), float(required_return), period, annualization)
    else:
        value = _kairo.sortino_ratio(as_array(adjust(returns, required_return)), 0.0, period, annualization)
    return finish(returns, value, out, "always")


def max_drawdown(returns: Any, out: Optional[np.ndarray] = None) -> Any:
    """Maximum drawdown, a negative fraction (empyrical ``max_drawdown``)."""
    empty = _empty(returns, out, 1)
    if empty is not None:
        return empty
    return finish(returns, _kairo.max_drawdown(as_array(returns)), out, "allocated")


def excess_sharpe(returns: Any, factor_returns: Any, out: Optional[np.ndarray] = None) -> Any:
    """Per-period information ratio ``mean(r − f) / std(r − f)`` (empyrical ``excess_sharpe``); a scalar factor is
    subtracted from every period."""
    empty = _empty(returns, out, 2)
    if empty is not None:
        return empty
    active = as_array(adjust(returns, factor_returns))
    value = _kairo.excess_sharpe(active, np.zeros(active.shape[0]))
    return finish(returns, value, out)


def _pair(returns: Any, factor_returns: Any, align: bool) -> Any:
    """The two series as arrays: aligned on the index first (``align``) unless both are arrays; a one-column
    DataFrame factor is taken as a Series; returns that are longer or shorter than the factor leave NaN."""
    if np.ndim(factor_returns) == 2 and np.shape(factor_returns)[1] == 1 and np.ndim(returns) == 1:
        factor_returns = factor_returns.iloc[:, 0] if is_pandas(factor_returns) else np.asarray(factor_returns)[:, 0]
    if align and not (isinstance(returns, np.ndarray) and isinstance(factor_returns, np.ndarray)):
        returns, factor_returns = _aligned_series(returns, factor_returns)
    r, f = as_array(returns), as_array(factor_returns, "factor_returns")
    if r.shape[0] != f.shape[0] and isinstance(returns, np.ndarray) and isinstance(factor_returns, np.ndarray):
        return None
    return r, f


def _aligned_series(returns: Any, factor_returns: Any) -> Any:
    """empyrical's alignment: two pandas objects joined on their index (arrays of the same length as they are)."""
    import pandas as pd

    def to_pandas(x: Any) -> Any:
        if is_pandas(x):
            return x
        x = np.asanyarray(x)
        return pd.Series(x) if x.ndim == 1 else pd.DataFrame(x)

    if not is_pandas(returns) and not is_pandas(factor_returns):
        both_arrays = isinstance(returns, np.ndarray) and isinstance(factor_returns, np.ndarray)
        if not both_arrays or len(returns) == len(factor_returns):
            # Lists of different lengths are refused by kairo-core; arrays are padded with NaN, as empyrical does.
            return returns, factor_returns
    r, f = to_pandas(returns), to_pandas(factor_returns)
    if r.index.equals(f.index):
        return r, f
    return aligned(r, f)


def beta_aligned(returns: Any, factor_returns: Any, risk_free: Any = 0.0, out: Optional[np.ndarray] = None) -> Any:
    """CAPM beta of series already aligned (empyrical ``beta_aligned``)."""
    return _beta(returns, factor_returns, risk_free, out, align=False)


def beta(returns: Any, factor_returns: Any, risk_free: Any = 0.0, out: Optional[np.ndarray] = None) -> Any:
    """CAPM beta, the series aligned on their index first (empyrical ``beta``; ``risk_free`` does not change it)."""
    return _beta(returns, factor_returns, risk_free, out, align=True)


def _beta(returns: Any, factor_returns: Any, risk_free: Any, out: Optional[np.ndarray], align: bool) -> Any:
    pair = _pair(returns, factor_returns, align)
    if pair is None or len(returns) < 1 or len(factor_returns) < 2:
        return _empty(returns, out, 10**18)
    return finish(returns, _kairo.beta(pair[0], pair[1], 0.0), out)


def alpha_aligned(
    returns: Any,
    factor_returns: Any,
    risk_free: Any = 0.0,
    period: str = DAILY,
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
    _beta: Any = None,
) -> Any:
    """Annualized CAPM alpha of series already aligned (empyrical ``alpha_aligned``)."""
    return _alpha(returns, factor_returns, risk_free, period, annualization, out, align=False)


def alpha(
    returns: Any,
    factor_returns: Any,
    risk_free: Any = 0.0,
    period: str = DAILY,
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
    _beta: Any = None,
) -> Any:
    """Annualized CAPM alpha, the series aligned on their index first (empyrical ``alpha``)."""
    return _alpha(returns, factor_returns, risk_free, period, annualization, out, align=True)


def _alpha(returns: Any, factor_returns: Any, risk_free: Any, period: str, annualization: Any, out: Any, align: bool) -> Any:
    pair = _pair(returns, factor_returns, align)
    if pair is None or len(returns) < 2:
        return _empty(returns, out, 10**18)
    if not scalar_rate(risk_free) and pair[0].ndim == 1:
        # A rate per period (a Series or an array): empyrical takes beta from the series as they are and the
        # mean residual from the series less each period's rate.
        b = _kairo.beta(pair[0], pair[1], 0.0)
        r, f = _pair(adjust(returns, risk_free), adjust(factor_returns, risk_free), align) or pair
        return finish(returns, _kairo.alpha_for_beta(r, f, b, period, annualization), out, "allocated")
    if not scalar_rate(risk_free):
        raise _rate_error()
    value = _kairo.alpha(pair[0], pair[1], float(risk_free), period, annualization)
    return finish(returns, value, out, "allocated")


def _rate_error() -> Exception:
    err = _kairo.InputError("a risk_free rate per period is taken with one series of returns; give a number for 2-D returns")
    err.field = "risk_free"
    return err


def alpha_beta_aligned(
    returns: Any,
    factor_returns: Any,
    risk_free: Any = 0.0,
    period: str = DAILY,
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> np.ndarray:
    """``[alpha, beta]`` of series already aligned (empyrical ``alpha_beta_aligned``)."""
    return _alpha_beta(returns, factor_returns, risk_free, period, annualization, out, align=False)


def alpha_beta(
    returns: Any,
    factor_returns: Any,
    risk_free: Any = 0.0,
    period: str = DAILY,
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> np.ndarray:
    """``[alpha, beta]`` (shape (2,); (columns, 2) for 2-D input), the series aligned first (empyrical
    ``alpha_beta``)."""
    return _alpha_beta(returns, factor_returns, risk_free, period, annualization, out, align=True)


def _alpha_beta(returns: Any, factor_returns: Any, risk_free: Any, period: str, annualization: Any, out: Any, align: bool) -> np.ndarray:
    pair = _pair(returns, factor_returns, align)
    shape = np.shape(returns)[1:] + (2,)
    if pair is None or len(returns) < 2:
        value: np.ndarray = np.full(shape, np.nan)
        if pair is not None and len(returns) >= 1 and len(factor_returns) >= 2:
            value[..., 1] = _kairo.beta(pair[0], pair[1], 0.0)
    elif not scalar_rate(risk_free):
        alpha_ = _alpha(returns, factor_returns, risk_free, period, annualization, None, align)
        value = np.array([alpha_, _kairo.beta(pair[0], pair[1], 0.0)])
    else:
        value = np.asarray(_kairo.alpha_beta(pair[0], pair[1], float(risk_free), period, annualization))
    if out is not None:
        out[()] = value
        return out
    return value
