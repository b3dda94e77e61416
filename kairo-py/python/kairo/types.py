"""The shapes of kairo's inputs and results, importable at run time (``from kairo.types import CheckResult``).

Results are plain dicts; these ``TypedDict`` s give their keys and value types to a type checker.
"""
import datetime as dt
from decimal import Decimal
from typing import Any, Dict, List, Literal, Optional, TypedDict

#: A sampling period's name.
Period = Literal["daily", "weekly", "monthly", "quarterly", "yearly"]

#: A return series: a list/tuple of floats, a numpy array (1-D, or 2-D per column), a pandas Series/DataFrame or a
#: polars Series/DataFrame.
Returns = Any

#: What a scalar metric gives: a float for 1-D input, one value per column for 2-D input.
Scalar = Any

#: Trades: a sequence of ``kairo.Trade`` or dicts with the JSON model's names, or a pandas/polars DataFrame.
Trades = Any

#: Closing prices: ``{symbol: {date: close}}``, ``(symbol, date, close)`` rows or ``{"symbol", "date", "close"}``
#: dicts.
Prices = Any


class DrawdownPeriod(TypedDict):
    peak: Optional[int]
    valley: int
    recovery: Optional[int]
    depth: float
    decline_periods: int
    recovery_periods: Optional[int]
    total_periods: int


class ClosedLot(TypedDict):
    user_id: str
    symbol: str
    direction: Literal["long", "short"]
    open_trade_id: str
    close_trade_id: str
    qty: Decimal
    proceeds: Decimal
    basis: Decimal
    realized_pnl: Decimal
    opened_at: dt.datetime
    closed_at: dt.datetime
    open_date: dt.date
    close_date: dt.date
    holding_period_days: int
    term: Literal["short_term", "long_term"]


class OpenLot(TypedDict):
    user_id: str
    symbol: str
    trade_id: str
    direction: Literal["long", "short"]
    qty: Decimal
    basis: Decimal
    unit_cost: Decimal
    opened_at: dt.datetime
    open_date: dt.date


class Position(TypedDict):
    user_id: str
    symbol: str
    qty: Decimal
    basis: Decimal
    average_cost: Decimal


class LotReport(TypedDict):
    method: str
    open_lots: List[OpenLot]
    closed_lots: List[ClosedLot]
    positions: List[Position]
    realized_pnl: Decimal


class CheckResult(TypedDict):
    trade_id: str
    check_name: str
    status: Literal["pass", "fail", "flag"]
    reason: str
    metadata: Dict[str, Any]


class Decision(TypedDict):
    allowed: bool
    results: List[CheckResult]


class WashSaleMatch(TypedDict):
    loss_trade_id: str
    replacement_trade_id: str
    qty: Decimal
    disallowed_loss: Decimal
    basis_adjustment: Decimal
    holding_period_days_added: int
    direction: Literal["long", "short"]


class LossSale(TypedDict):
    trade_id: str
    symbol: str
    date: dt.date
    qty: Decimal
    loss: Decimal
    disallowed_loss: Decimal
    allowed_loss: Decimal
    direction: Literal["long", "short"]


class WashSaleReport(TypedDict):
    matches: List[WashSaleMatch]
    losses: List[LossSale]
    realized_pnl: Decimal
    disallowed_loss: Decimal
    realized_by_symbol: Dict[str, Decimal]
    deferred_by_symbol: Dict[str, Decimal]


class DayTrade(TypedDict):
    date: dt.date
    symbol: str
    qty: Decimal
    open_trade_id: str
    close_trade_id: str


class PdtStatus(TypedDict):
    day_trades_in_window: int
    total_trades_in_window: int
    window_start: dt.date
    window_end: dt.date
    is_pattern_day_trader: bool


__all__ = [
    "Period", "Returns", "Scalar", "Trades", "Prices", "DrawdownPeriod", "ClosedLot", "OpenLot", "Position",
    "LotReport", "CheckResult", "Decision", "WashSaleMatch", "LossSale", "WashSaleReport", "DayTrade", "PdtStatus",
]
