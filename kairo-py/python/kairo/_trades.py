"""Trade and price inputs: lists of ``kairo.Trade`` or dicts pass through; pandas and polars DataFrames become
lists of records with the JSON model's column names."""
from __future__ import annotations

from typing import Any

from ._convert import is_pandas, is_polars


def trade_records(trades: Any) -> Any:
    """A list of trades or records for the native functions."""
    if is_polars(trades):
        return trades.to_dicts()
    if is_pandas(trades):
        return trades.to_dict("records")
    return trades


def price_rows(prices: Any) -> Any:
    """Prices as ``{symbol: {date: close}}`` or rows ``(symbol, date, close)``; DataFrames with ``symbol``,
    ``date`` and ``close`` columns become rows."""
    if is_polars(prices):
        return prices.select("symbol", "date", "close").rows()
    if is_pandas(prices):
        return list(prices[["symbol", "date", "close"]].itertuples(index=False, name=None))
    return prices
