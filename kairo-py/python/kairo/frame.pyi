from typing import Any, Optional

def realized_pnl_by_user(trades: Any, method: str = "fifo") -> Any: ...
def positions_by_user(trades: Any, method: str = "fifo") -> Any: ...
def metrics_by_user(
    trades: Any,
    prices: Any,
    risk_free: float = 0.0,
    period: str = "daily",
    annualization: Optional[float] = None,
    cutoff: float = 0.05,
) -> Any: ...

__all__ = ["realized_pnl_by_user", "positions_by_user", "metrics_by_user"]
