"""empyrical's up/down-market family (``capture``, ``up_capture``, ``down_capture``, ``up_down_capture``,
``up_alpha_beta``, ``down_alpha_beta``) and ``batting_average``: the periods are chosen here the way empyrical
chooses them (the pairs with both values, by the sign of the factor); the numbers are kairo-core's."""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from . import _kairo
from ._convert import as_array, is_pandas
from ._stats import DAILY, alpha_beta_aligned


def _annual_return(returns: Any, period: str, annualization: Optional[float]) -> Any:
    from . import annual_return

    return annual_return(returns, period, annualization)


def capture(returns: Any, factor_returns: Any, period: str = DAILY, annualization: Optional[float] = None) -> Any:
    """The annual return of ``returns`` over that of ``factor_returns``, each over its own periods (empyrical
    ``capture``)."""
    if np.ndim(returns) == 1 and np.ndim(factor_returns) == 1:
        return _kairo.capture(as_array(returns), as_array(factor_returns, "factor_returns"), period, annualization)
    return _annual_return(returns, period, annualization) / _annual_return(factor_returns, period, annualization)


def _side(returns: Any, factor_returns: Any, up: bool) -> Any:
    """The returns and factor returns of the factor's up (``up``) or down periods, each filtered by the mask of
    the pairs with both values (for two 1-D inputs) and the factor's sign, as empyrical filters them."""
    import pandas as pd

    if np.ndim(returns) != 1 or np.ndim(factor_returns) != 1:
        paired: Any = np.ones_like(factor_returns, dtype=bool)
    else:
        paired = ~(pd.isnull(returns) | pd.isnull(factor_returns))
    mask = paired & ((factor_returns > 0) if up else (factor_returns < 0))
    return returns[mask], factor_returns[mask]


def _on_side(function: Callable[..., Any], up: bool) -> Callable[..., Any]:
    def call(returns: Any, factor_returns: Any, **kwargs: Any) -> Any:
        r, f = _side(returns, factor_returns, up)
        return function(r, f, **kwargs)

    return call


def up_capture(returns: Any, factor_returns: Any, **kwargs: Any) -> Any:
    """:func:`capture` over the periods where the factor rose (empyrical ``up_capture``: each series is filtered
    by the factor's sign and the pairs with both values, then the annual returns are taken over what is left).
    The date-matched up capture of the comparison is :func:`compare`'s ``up_capture``."""
    return _on_side(capture, True)(returns, factor_returns, **kwargs)


def down_capture(returns: Any, factor_returns: Any, **kwargs: Any) -> Any:
    """:func:`capture` over the periods where the factor fell (empyrical ``down_capture``)."""
    return _on_side(capture, False)(returns, factor_returns, **kwargs)


def up_down_capture(returns: Any, factor_returns: Any, **kwargs: Any) -> Any:
    """``up_capture / down_capture`` (empyrical ``up_down_capture``)."""
    up, down = up_capture(returns, factor_returns, **kwargs), down_capture(returns, factor_returns, **kwargs)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.divide(up, down)
    return ratio[()] if isinstance(ratio, np.ndarray) and ratio.ndim == 0 else ratio


def up_alpha_beta(returns: Any, factor_returns: Any, **kwargs: Any) -> Any:
    """``[alpha, beta]`` over the periods where the factor rose (empyrical ``up_alpha_beta``)."""
    return _on_side(alpha_beta_aligned, True)(returns, factor_returns, **kwargs)


def down_alpha_beta(returns: Any, factor_returns: Any, **kwargs: Any) -> Any:
    """``[alpha, beta]`` over the periods where the factor fell (empyrical ``down_alpha_beta``)."""
    return _on_side(alpha_beta_aligned, False)(returns, factor_returns, **kwargs)


def batting_average(returns: Any, factor_returns: Any) -> Any:
    """The share of periods beating the factor: over all periods, the factor's up periods (``≥ 0``) and its down
    periods, over the pairs where both are finite, the series aligned on their index (empyrical
    ``batting_average``). A pandas Series with ``batting average``, ``up market``, ``down market``."""
    import pandas as pd

    if is_pandas(returns) and is_pandas(factor_returns):
        active = returns - factor_returns
        factor = factor_returns.reindex(active.index) if factor_returns.ndim == 1 else factor_returns
    else:
        active = np.asarray(returns, dtype=np.float64) - np.asarray(factor_returns, dtype=np.float64)
        factor = factor_returns
    values = _kairo.batting_average(as_array(active).reshape(-1), as_array(factor, "factor_returns").reshape(-1))
    return pd.Series(values, index=["batting average", "up market", "down market"])
