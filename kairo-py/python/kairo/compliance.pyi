import datetime as dt
from decimal import Decimal
from typing import Any, Dict, List, Literal, Optional, Sequence, TypedDict

from ._kairo import AccountContext as AccountContext, Engine as Engine
from .types import (
    CheckResult as CheckResult,
    DayTrade as DayTrade,
    Decision as Decision,
    LossSale as LossSale,
    PdtStatus as PdtStatus,
    WashSaleMatch as WashSaleMatch,
    WashSaleReport as WashSaleReport,
)

CHECK_NAMES: List[str]

def check_history(
    trades: Any, ctx: Any = None, checks: Optional[Sequence[str]] = None, activities: Any = None
) -> List[CheckResult]: ...
def check_order(history: Any, order: Any, ctx: Any = None, checks: Optional[Sequence[str]] = None) -> Decision: ...
def wash_sales(trades: Any) -> WashSaleReport: ...
def day_trades(trades: Any, counting: Literal["transitions", "pairs"] = "transitions") -> List[DayTrade]: ...
def pdt_status(trades: Any, as_of: Any, ctx: Any = None) -> PdtStatus: ...

__all__ = [
    "AccountContext", "Engine", "CHECK_NAMES", "check_history", "check_order", "wash_sales", "day_trades",
    "pdt_status", "CheckResult", "Decision", "WashSaleMatch", "LossSale", "WashSaleReport", "DayTrade", "PdtStatus",
]
