"""empyrical's tail estimates: ``gpd_risk_estimates`` (a generalized Pareto fit of the losses) and
``beta_fragility_heuristic``, computed by kairo-core (``kairo_core::metrics::gpd_risk_estimates``,
``beta_fragility_heuristic``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _kairo
from ._convert import as_array, is_pandas
from ._stats import _aligned_series


def gpd_risk_estimates_aligned(returns: Any, var_p: float = 0.01) -> Any:
    """``[threshold, scale, shape, VaR, ES]`` of a generalized Pareto distribution fitted to the losses beyond a
    threshold (halved from 0.2 until the fit has a positive shape and VaR; the fit is a Nelder–Mead maximum
    likelihood from (1, 1), as SciPy's, so the figures agree with empyrical's to the fit's tolerance, 1e-4);
    zeros when no fit is found or with fewer than three returns. A Series for a Series (empyrical
    ``gpd_risk_estimates_aligned``)."""
    values = np.zeros(5) if len(returns) < 3 else _kairo.gpd_risk_estimates(as_array(returns).reshape(-1), float(var_p))
    if is_pandas(returns) and getattr(returns, "ndim", 1) == 1:
        import pandas as pd

        return pd.Series(values)
    return values


def gpd_risk_estimates(returns: Any, var_p: float = 0.01) -> Any:
    """:func:`gpd_risk_estimates_aligned` (empyrical ``gpd_risk_estimates``)."""
    return gpd_risk_estimates_aligned(returns, var_p)


def beta_fragility_heuristic_aligned(returns: Any, factor_returns: Any) -> float:
    """How far the strategy's return at the median factor period lies below the line through its returns at the
    lowest and highest factor periods (empyrical ``beta_fragility_heuristic_aligned``); NaN with fewer than three
    pairs."""
    if len(returns) < 3 or len(factor_returns) < 3:
        return float("nan")
    r, f = as_array(returns).reshape(-1), as_array(factor_returns, "factor_returns").reshape(-1)
    if len(r) != len(f):
        import pandas as pd

        both = pd.concat([pd.Series(r), pd.Series(f)], axis=1)
        r, f = both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()
    return float(_kairo.beta_fragility_heuristic(r, f))


def beta_fragility_heuristic(returns: Any, factor_returns: Any) -> float:
    """:func:`beta_fragility_heuristic_aligned` of the series aligned on their index (empyrical
    ``beta_fragility_heuristic``)."""
    if len(returns) < 3 or len(factor_returns) < 3:
        return float("nan")
    return beta_fragility_heuristic_aligned(*_aligned_series(returns, factor_returns))
