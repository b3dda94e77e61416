"""empyrical's rolling family: each metric over every window of ``window`` periods, computed by kairo-core in one
call (``_kairo.roll``, ``_kairo.roll_pairs``); here only the windows' labels and ``out=`` are handled."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _kairo
from ._convert import as_array, is_pandas
from ._stats import DAILY, _aligned_series


def _labelled(source: Any, values: np.ndarray, out: Optional[np.ndarray]) -> Any:
    """``values`` in ``out`` when given; else, for a pandas input, indexed by each window's last label."""
    if out is not None:
        out[()] = values.reshape(np.shape(out)) if np.size(out) == np.size(values) else values
        return out
    if is_pandas(source):
        import pandas as pd

        index = source.index[len(source.index) - len(values) :] if len(values) else source.index[:0]
        if values.ndim == 1:
            return pd.Series(values, index=index)
        columns = source.columns if getattr(source, "ndim", 1) == 2 and values.shape[1] == source.shape[1] else None
        return pd.DataFrame(values, index=index, columns=columns)
    return values


def _unary(metric: str, returns: Any, window: int, out: Optional[np.ndarray], **kwargs: Any) -> Any:
    if len(returns) == 0:
        return _labelled(returns, np.empty(0), out) if out is None else out
    values = _kairo.roll(as_array(returns), int(window), metric, **kwargs)
    return _labelled(returns, values, out)


def roll_max_drawdown(returns: Any, window: int, out: Optional[np.ndarray] = None) -> Any:
    """:func:`max_drawdown` of each window (empyrical ``roll_max_drawdown``)."""
    return _unary("max_drawdown", returns, window, out)


def roll_sharpe_ratio(
    returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    risk_free: float = 0,
    period: str = DAILY,
    annualization: Optional[float] = None,
) -> Any:
    """:func:`sharpe_ratio` of each window (empyrical ``roll_sharpe_ratio``)."""
    return _unary("sharpe_ratio", returns, window, out, rate=float(risk_free), period=period, annualization=annualization)


def roll_sortino_ratio(
    returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    required_return: float = 0,
    period: str = DAILY,
    annualization: Optional[float] = None,
) -> Any:
    """:func:`sortino_ratio` of each window (empyrical ``roll_sortino_ratio``)."""
    return _unary(
        "sortino_ratio", returns, window, out, rate=float(required_return), period=period, annualization=annualization
    )


def roll_annual_volatility(
    returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    period: str = DAILY,
    alpha: float = 2.0,
    annualization: Optional[float] = None,
) -> Any:
    """:func:`annual_volatility` of each window (empyrical ``roll_annual_volatility``)."""
    return _unary("annual_volatility", returns, window, out, period=period, annualization=annualization, alpha=float(alpha))


def _binary(metric: str, returns: Any, factor_returns: Any, window: int, out: Optional[np.ndarray], **kwargs: Any) -> Any:
    if window < 1 or len(returns) == 0 or len(factor_returns) == 0:
        if out is None:
            return np.empty(0, dtype="float64")
        out[()] = np.nan
        return out
    f = factor_returns
    if is_pandas(f) and getattr(f, "ndim", 1) == 2 and f.shape[1] == 1 and getattr(returns, "ndim", 1) == 1:
        f = f.iloc[:, 0]
    values = _kairo.roll_pairs(as_array(returns), as_array(f, "factor_returns"), int(window), metric, **kwargs)
    if out is None and is_pandas(returns) and getattr(returns, "ndim", 1) == 1:
        return _labelled(returns, values, None)
    if out is None:
        return values
    return _labelled(returns, values, out)


def roll_beta_aligned(
    returns: Any, factor_returns: Any, window: int, out: Optional[np.ndarray] = None, risk_free: float = 0.0
) -> Any:
    """:func:`beta_aligned` of each window (empyrical ``roll_beta_aligned``)."""
    return _binary("beta", returns, factor_returns, window, out)


def roll_beta(
    returns: Any, factor_returns: Any, window: int, out: Optional[np.ndarray] = None, risk_free: float = 0.0
) -> Any:
    """:func:`beta` of each window of the two series, position by position (empyrical ``roll_beta``)."""
    return _binary("beta", returns, factor_returns, window, out)


def roll_alpha_aligned(
    returns: Any,
    factor_returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    risk_free: float = 0.0,
    period: str = DAILY,
    annualization: Optional[float] = None,
) -> Any:
    """:func:`alpha_aligned` of each window (empyrical ``roll_alpha_aligned``)."""
    return _binary(
        "alpha", returns, factor_returns, window, out, risk_free=float(risk_free), period=period, annualization=annualization
    )


def roll_alpha(
    returns: Any,
    factor_returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    risk_free: float = 0.0,
    period: str = DAILY,
    annualization: Optional[float] = None,
) -> Any:
    """:func:`alpha` of each window of the two series, position by position (empyrical ``roll_alpha``)."""
    return roll_alpha_aligned(returns, factor_returns, window, out, risk_free, period, annualization)


def roll_alpha_beta_aligned(
    returns: Any,
    factor_returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    risk_free: float = 0.0,
    period: str = DAILY,
    annualization: Optional[float] = None,
) -> Any:
    """``[alpha, beta]`` of each window, shape (windows, 2) (empyrical ``roll_alpha_beta_aligned``)."""
    return _binary(
        "alpha_beta", returns, factor_returns, window, out, risk_free=float(risk_free), period=period,
        annualization=annualization,
    )


def roll_alpha_beta(returns: Any, factor_returns: Any, window: int = 10, **kwargs: Any) -> Any:
    """``[alpha, beta]`` of each window, the series aligned on their index first (empyrical ``roll_alpha_beta``)."""
    returns, factor_returns = _aligned_series(returns, factor_returns)
    return roll_alpha_beta_aligned(returns, factor_returns, window, **kwargs)


def _capture(metric: str, returns: Any, factor_returns: Any, window: int, period: str, annualization: Any) -> Any:
    if type(returns) is not type(factor_returns) and not isinstance(returns, type(factor_returns)):
        raise ValueError("The two returns arguments are not the same.")
    n = len(returns)
    if n < window:
        values = np.empty(0, dtype="float64")
    else:
        values = _kairo.roll_pairs(
            as_array(returns), as_array(factor_returns, "factor_returns"), int(window), metric, 0.0, period, annualization
        )
    if is_pandas(returns):
        import pandas as pd

        return pd.Series(values, index=returns.index[window - 1 :], dtype=np.float64)
    return values


def roll_up_capture(
    returns: Any, factor_returns: Any, window: int = 10, period: str = DAILY, annualization: Optional[float] = None
) -> Any:
    """:func:`up_capture` of each window (empyrical ``roll_up_capture``)."""
    return _capture("up_capture", returns, factor_returns, window, period, annualization)


def roll_down_capture(
    returns: Any, factor_returns: Any, window: int = 10, period: str = DAILY, annualization: Optional[float] = None
) -> Any:
    """:func:`down_capture` of each window (empyrical ``roll_down_capture``)."""
    return _capture("down_capture", returns, factor_returns, window, period, annualization)


def roll_up_down_capture(
    returns: Any, factor_returns: Any, window: int = 10, period: str = DAILY, annualization: Optional[float] = None
) -> Any:
    """:func:`up_down_capture` of each window (empyrical ``roll_up_down_capture``)."""
    return _capture("up_down_capture", returns, factor_returns, window, period, annualization)
