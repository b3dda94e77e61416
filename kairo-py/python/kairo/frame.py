"""Per-user batch analytics over polars DataFrames (kairo-core's ``frame`` module).

A trades frame has the trade model's columns: ``user_id``, ``symbol``, ``side``, ``qty``, ``price``,
``executed_at``, optionally ``id``, ``fees``, ``external_id``. A prices frame has ``symbol``, ``date``, ``close``.
Money comes back as exact decimal strings.
"""
from __future__ import annotations

import io
from typing import Any, Optional

from . import _kairo


def _pl() -> Any:
    try:
        import polars as pl
    except ImportError as e:  # pragma: no cover - exercised only without polars
        raise ImportError("kairo.frame needs polars: pip install polars") from e
    return pl


def _to_ipc(df: Any, name: str) -> bytes:
    pl = _pl()
    if not isinstance(df, pl.DataFrame):
        from ._kairo import InputError

        err = InputError(f"{name} must be a polars DataFrame, got {type(df).__name__}")
        err.field = name
        raise err
    buf = io.BytesIO()
    df.write_ipc(buf, compat_level=pl.CompatLevel.oldest())
    return buf.getvalue()


def _from_ipc(data: bytes) -> Any:
    return _pl().read_ipc(io.BytesIO(data))


def realized_pnl_by_user(trades: Any, method: str = "fifo") -> Any:
    """One row per user: ``user_id``, ``realized_pnl`` (decimal string), ``closed_lots``."""
    return _from_ipc(_kairo.frame_realized_pnl_by_user(_to_ipc(trades, "trades"), method))


def positions_by_user(trades: Any, method: str = "fifo") -> Any:
    """One row per open position: ``user_id``, ``symbol``, ``qty``, ``basis``, ``average_cost``."""
    return _from_ipc(_kairo.frame_positions_by_user(_to_ipc(trades, "trades"), method))


def metrics_by_user(
    trades: Any,
    prices: Any,
    risk_free: float = 0.0,
    period: str = "daily",
    annualization: Optional[float] = None,
    cutoff: float = 0.05,
) -> Any:
    """One row per user: the risk metrics of the user's daily time-weighted returns."""
    return _from_ipc(
        _kairo.frame_metrics_by_user(
            _to_ipc(trades, "trades"), _to_ipc(prices, "prices"), float(risk_free), period, annualization, float(cutoff)
        )
    )


__all__ = ["realized_pnl_by_user", "positions_by_user", "metrics_by_user"]
