import datetime as dt
from decimal import Decimal
from typing import Any, Dict, List, Literal, Optional, Sequence, TypedDict

from ._kairo import AccountContext as AccountContext, Engine as Engine

CHECK_NAMES: List[str]

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

class LossSale(TypedDict):
    trade_id: str
    symbol: str
    date: dt.date
    qty: Decimal
    loss: Decimal
    disallowed_loss: Decimal
    allowed_loss: Decimal

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

def check_history(trades: Any, ctx: Any = None, checks: Optional[Sequence[str]] = None) -> List[CheckResult]: ...
def check_order(history: Any, order: Any, ctx: Any = None, checks: Optional[Sequence[str]] = None) -> Decision: ...
def wash_sales(trades: Any) -> WashSaleReport: ...
def day_trades(trades: Any, counting: Literal["transitions", "pairs"] = "transitions") -> List[DayTrade]: ...
def pdt_status(trades: Any, as_of: Any, ctx: Any = None) -> PdtStatus: ...
