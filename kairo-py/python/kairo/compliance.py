"""Rule checks (kairo-core's compliance engine): batch, pre-trade and streaming, with results as
``compliance_audit`` rows: ``{"trade_id", "check_name", "status", "reason", "metadata"}``.

The context (``ctx``) is an :class:`AccountContext` or a dict with the keys of the JSON/TOML configuration's
``account`` section; ``checks`` names the checks to run (all built-in checks by default).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from . import _kairo
from ._kairo import AccountContext, Engine
from ._trades import trade_records
from .types import CheckResult, DayTrade, Decision, LossSale, PdtStatus, WashSaleMatch, WashSaleReport

CHECK_NAMES: List[str] = _kairo.check_names()


def check_history(
    trades: Any, ctx: Any = None, checks: Optional[Sequence[str]] = None, activities: Any = None
) -> List[Dict[str, Any]]:
    """Every applicable check on every trade (sorted by execution time): one row per (trade, check). With the
    account's ``activities`` (dicts: deposits, withdrawals, dividends, fees, splits, transfers), each applied at the
    start of its date, the settlement checks of a cash account see its cash."""
    acts = None if activities is None else list(activities)
    result: List[Dict[str, Any]] = _kairo.check_history(trade_records(trades), ctx, _names(checks), acts)
    return result


def check_order(
    history: Any, order: Any, ctx: Any = None, checks: Optional[Sequence[str]] = None
) -> Dict[str, Any]:
    """Would ``order`` break a rule given ``history``? ``{"allowed": bool, "results": [...]}``."""
    result: Dict[str, Any] = _kairo.check_order(trade_records(history), order, ctx, _names(checks))
    return result


def wash_sales(trades: Any) -> Dict[str, Any]:
    """Wash sales (IRC §1091): one match per (loss sale, replacement lot), one entry per loss sale, and the
    wash-sale-adjusted realized P&L."""
    result: Dict[str, Any] = _kairo.wash_sales(trade_records(trades))
    return result


def day_trades(trades: Any, counting: str = "transitions") -> List[Dict[str, Any]]:
    """Day trades (FINRA 4210(f)(8)(B)); ``counting`` is ``"transitions"`` (FINRA's FAQ) or ``"pairs"``."""
    result: List[Dict[str, Any]] = _kairo.day_trades(trade_records(trades), counting)
    return result


def pdt_status(trades: Any, as_of: Any, ctx: Any = None) -> Dict[str, Any]:
    """The pattern-day-trader test over the window of business days ending on ``as_of``."""
    result: Dict[str, Any] = _kairo.pdt_status(trade_records(trades), as_of, ctx)
    return result


def _names(checks: Optional[Sequence[str]]) -> Optional[List[str]]:
    return None if checks is None else list(checks)


__all__ = [
    "AccountContext", "Engine", "CHECK_NAMES", "check_history", "check_order", "wash_sales", "day_trades",
    "pdt_status", "CheckResult", "Decision", "WashSaleMatch", "LossSale", "WashSaleReport", "DayTrade", "PdtStatus",
]
