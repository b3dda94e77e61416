"""empyrical's ``simple_returns`` and ``aggregate_returns``: the calendar labels come from pandas, the numbers
from kairo-core (``kairo_core::metrics::simple_returns``, ``pct_change``, ``compound_by_group``)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _kairo
from ._convert import as_array, is_pandas


def simple_returns(prices: Any) -> Any:
    """Simple returns of prices: ``p_t / p_{t−1} − 1`` for a Series or DataFrame (pandas' ``pct_change``, first row
    dropped), ``(p_t − p_{t−1}) / p_{t−1}`` for an array; integer prices have their changes taken exactly first
    (empyrical ``simple_returns``)."""
    if is_pandas(prices):
        values = _kairo.simple_returns(as_array(prices, "prices"), True)
        import pandas as pd

        if prices.ndim == 1:
            return pd.Series(values, index=prices.index[1:], name=prices.name)
        return pd.DataFrame(values, index=prices.index[1:], columns=prices.columns)
    prices = np.asarray(prices)
    if np.issubdtype(prices.dtype, np.integer):
        changes = np.diff(prices.astype(object), axis=0).astype(np.float64)
        bases = prices[:-1].astype(np.float64)
        out: np.ndarray = _kairo.returns_from_changes(changes.reshape(-1), bases.reshape(-1))
        return out.reshape(changes.shape)
    result: np.ndarray = _kairo.simple_returns(as_array(prices, "prices"), False)
    return result


def aggregate_returns(returns: Any, convert_to: str) -> Any:
    """Returns compounded by week (ISO year and week), month, quarter or year, a Series keyed by those labels in
    order (empyrical ``aggregate_returns``)."""
    import pandas as pd

    from . import MONTHLY, QUARTERLY, WEEKLY, YEARLY

    index = pd.DatetimeIndex(returns.index)
    if convert_to == WEEKLY:
        iso = index.isocalendar()
        keys = [iso["year"].to_numpy(dtype=np.int64), iso["week"].to_numpy(dtype=np.int64)]
    elif convert_to == MONTHLY:
        keys = [index.year.to_numpy(), index.month.to_numpy()]
    elif convert_to == QUARTERLY:
        keys = [index.year.to_numpy(), np.array([int(math.ceil(m / 3.0)) for m in index.month])]
    elif convert_to == YEARLY:
        keys = [index.year.to_numpy()]
    else:
        raise ValueError("convert_to must be {}, {} or {}".format(WEEKLY, MONTHLY, YEARLY))
    labels = pd.MultiIndex.from_arrays(keys) if len(keys) > 1 else pd.Index(keys[0])
    codes, uniques = pd.factorize(labels, sort=True)
    values = _kairo.compound_by_group(as_array(returns), codes.astype(np.int64).tolist(), len(uniques))
    if len(keys) > 1:
        uniques = pd.MultiIndex.from_tuples([tuple(int(v) for v in u) for u in uniques])
    else:
        uniques = pd.Index([int(u) for u in uniques])
    return pd.Series(values, index=uniques)
