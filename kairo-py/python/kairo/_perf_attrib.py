"""empyrical's factor attribution (``perf_attrib``, ``compute_exposures``): the tables are aligned here the way
pandas aligns them in empyrical (outer joins, no implicit sorting of equal indexes); the exposures, the attributed
returns and the tilt are kairo-core's (``kairo_core::metrics::group_exposures``, ``attributed_returns``,
``column_means``). The two differences of the report (timing = common − tilt, specific = total − common) are
taken on the aligned Series."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Tuple

import numpy as np

from . import _kairo


def _f64(frame: Any) -> np.ndarray:
    return np.ascontiguousarray(frame.to_numpy(dtype=np.float64, na_value=np.nan))


def compute_exposures(positions: Any, factor_loadings: Any) -> Any:
    """The portfolio's exposure to each factor on each date: the sum over tickers of position × loading (empyrical
    ``compute_exposures``; ``positions`` a Series and ``factor_loadings`` a DataFrame, both indexed by
    (``dt``, ticker))."""
    import pandas as pd

    loadings, weights = factor_loadings.align(positions, join="outer", axis=0)
    dates = loadings.index.get_level_values("dt")
    codes, uniques = pd.factorize(dates, sort=True)
    values = _kairo.group_exposures(
        _f64(loadings), weights.to_numpy(dtype=np.float64, na_value=np.nan), codes.astype(np.int64).tolist(), len(uniques)
    )
    index = pd.Index(uniques, name="dt")
    return pd.DataFrame(values, index=index, columns=loadings.columns)


def perf_attrib(returns: Any, positions: Any, factor_returns: Any, factor_loadings: Any) -> Tuple[Any, Any]:
    """Attributes the returns to the factors of a risk model (empyrical ``perf_attrib``): returns the portfolio's
    exposures and a table of the return attributed to each factor with ``total_returns``, ``common_returns``,
    ``specific_returns``, ``tilt_returns`` (the factors' returns at the average exposure) and ``timing_returns``
    (common less tilt)."""
    import pandas as pd

    freq = returns.index.freq
    start, end = returns.index[0], returns.index[-1]
    factor_returns = factor_returns.loc[start:end]
    factor_loadings = factor_loadings.loc[start:end].copy()
    factor_loadings.index = factor_loadings.index.set_names(["dt", "ticker"])
    positions = positions.copy()
    positions.index = positions.index.set_names(["dt", "ticker"])

    exposures = compute_exposures(positions, factor_loadings)
    if freq is not None:
        exposures = exposures.asfreq(freq)

    e, f = exposures.align(factor_returns, join="outer")
    by_factor_values, common_values = _kairo.attributed_returns(_f64(e), _f64(f))
    by_factor = pd.DataFrame(by_factor_values, index=e.index, columns=e.columns)
    common_returns = pd.Series(common_values, index=e.index)

    tilt_exposure = pd.Series(_kairo.column_means(_f64(exposures)), index=exposures.columns)
    fr, tilt = factor_returns.align(tilt_exposure, join="outer", axis=1)
    tilt_table = np.ascontiguousarray(np.broadcast_to(tilt.to_numpy(dtype=np.float64), fr.shape))
    _, tilt_values = _kairo.attributed_returns(_f64(fr), tilt_table)
    tilt_returns = pd.Series(tilt_values, index=fr.index)

    timing_returns = common_returns - tilt_returns
    specific_returns = returns - common_returns
    table = pd.DataFrame(
        OrderedDict(
            [
                ("total_returns", returns),
                ("common_returns", common_returns),
                ("specific_returns", specific_returns),
                ("tilt_returns", tilt_returns),
                ("timing_returns", timing_returns),
            ]
        )
    )
    return exposures, pd.concat([by_factor, table], axis="columns", sort=False)
