"""Input and output conversion for the metric functions: lists, numpy arrays, pandas and polars objects in,
the same kind of object out. No formula lives here; every number comes from kairo-core."""
from __future__ import annotations

import sys
from typing import Any, Callable, Tuple

import numpy as np

_F64 = np.dtype(np.float64)


def _module(x: object) -> str:
    return type(x).__module__.split(".", 1)[0]


def is_pandas(x: object) -> bool:
    return _module(x) == "pandas" and "pandas" in sys.modules


def is_polars(x: object) -> bool:
    return _module(x) == "polars" and "polars" in sys.modules


def as_array(x: Any, name: str = "returns") -> np.ndarray:
    """A float64 numpy array over `x`, without a copy when `x` already holds contiguous float64 values."""
    if isinstance(x, np.ndarray):
        a = x
    elif is_pandas(x):
        a = x.to_numpy(dtype=np.float64, na_value=np.nan)
    elif is_polars(x):
        import polars as pl

        if isinstance(x, pl.Series):
            s = x if x.dtype == pl.Float64 else x.cast(pl.Float64)
            a = s.to_numpy()
        else:
            a = x.cast(pl.Float64).to_numpy()
    else:
        try:
            a = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError) as e:
            from ._kairo import InputError

            err = InputError(f"{name} must be numbers (a list, numpy array, pandas or polars series), got {type(x).__name__}: {e}")
            err.field = name
            raise err from None
    if a.dtype != _F64:
        try:
            a = a.astype(np.float64)
        except (TypeError, ValueError) as e:
            from ._kairo import InputError

            err = InputError(f"{name} must be numeric, got dtype {a.dtype}: {e}")
            err.field = name
            raise err from None
    if a.ndim == 0:
        a = a.reshape(1)
    return a


def columns_of(x: Any) -> Any:
    """The column labels of a 2-D pandas or polars input, else None."""
    if is_pandas(x) and getattr(x, "ndim", 1) == 2:
        return x.columns
    if is_polars(x):
        import polars as pl

        if isinstance(x, pl.DataFrame):
            return x.columns
    return None


def wrap_scalars(x: Any, out: Any) -> Any:
    """A per-column result in the shape empyrical gives: a float for 1-D input, a pandas Series indexed by the
    columns for a pandas DataFrame, a dict by column for a polars DataFrame, else a numpy array."""
    if isinstance(out, float):
        return out
    cols = columns_of(x)
    if cols is None:
        return out
    if is_pandas(x):
        import pandas as pd

        return pd.Series(out, index=cols)
    return dict(zip(cols, out.tolist()))


def wrap_series(x: Any, out: np.ndarray) -> Any:
    """`out` (same length as the input) in the type of the input `x`."""
    if isinstance(x, np.ndarray):
        return out
    if is_pandas(x):
        import pandas as pd

        if x.ndim == 1:
            return pd.Series(out, index=x.index, name=x.name)
        return pd.DataFrame(out, index=x.index, columns=x.columns)
    if is_polars(x):
        import polars as pl

        if isinstance(x, pl.Series):
            return pl.Series(x.name, out)
        return pl.DataFrame({c: out[:, i] for i, c in enumerate(x.columns)})
    if isinstance(x, (list, tuple)):
        return out.tolist()
    return out


def aligned(returns: Any, factor_returns: Any) -> Tuple[Any, Any]:
    """Aligns two pandas objects on their index (an outer join: missing values become NaN and are skipped), as
    empyrical does; anything else is returned as is."""
    if is_pandas(returns) and is_pandas(factor_returns) and not returns.index.equals(factor_returns.index):
        import pandas as pd

        both = pd.concat([returns, factor_returns], axis=1)
        width = 1 if returns.ndim == 1 else returns.shape[1]
        r = both.iloc[:, 0] if width == 1 and returns.ndim == 1 else both.iloc[:, :width]
        f = both.iloc[:, width] if factor_returns.ndim == 1 else both.iloc[:, width:]
        return r, f
    return returns, factor_returns


def unary(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Calls the native `fn` on the array form of `returns` and shapes the result like empyrical."""

    def call(returns: Any, *args: Any, **kwargs: Any) -> Any:
        return wrap_scalars(returns, fn(as_array(returns), *args, **kwargs))

    return call


def binary(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(returns: Any, factor_returns: Any, *args: Any, **kwargs: Any) -> Any:
        r, f = aligned(returns, factor_returns)
        return wrap_scalars(returns, fn(as_array(r), as_array(f, "factor_returns"), *args, **kwargs))

    return call
