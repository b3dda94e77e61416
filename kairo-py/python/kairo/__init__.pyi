import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, Union

import numpy as np

from . import compliance as compliance
from . import frame as frame
from . import report as report
from . import types as types
from .types import (
    ClosedLot as ClosedLot,
    DrawdownPeriod as DrawdownPeriod,
    LotReport as LotReport,
    OpenLot as OpenLot,
    Period as Period,
    Position as Position,
    Prices as Prices,
    Returns as Returns,
    Scalar as Scalar,
    Trades as Trades,
)
from ._kairo import (
    ConfigError as ConfigError,
    InputError as InputError,
    InvalidTradeError as InvalidTradeError,
    KairoError as KairoError,
    MarketDataError as MarketDataError,
    OutOfOrderError as OutOfOrderError,
    ParameterError as ParameterError,
    Trade as Trade,
)

__version__: str

DAILY: Literal["daily"]
WEEKLY: Literal["weekly"]
MONTHLY: Literal["monthly"]
QUARTERLY: Literal["quarterly"]
YEARLY: Literal["yearly"]


def cum_returns_final(returns: Returns, starting_value: float = 0) -> Scalar: ...
def annual_return(returns: Returns, period: str = "daily", annualization: Optional[float] = None) -> Scalar: ...
def cagr(returns: Returns, period: str = "daily", annualization: Optional[float] = None) -> Scalar: ...
def calmar_ratio(returns: Returns, period: str = "daily", annualization: Optional[float] = None) -> Scalar: ...
def omega_ratio(
    returns: Returns, risk_free: float = 0.0, required_return: float = 0.0, annualization: float = 252
) -> Scalar: ...
def tail_ratio(returns: Returns) -> Scalar: ...
def stability_of_timeseries(returns: Returns) -> Scalar: ...
def value_at_risk(returns: Returns, cutoff: float = 0.05) -> Scalar: ...
def conditional_value_at_risk(returns: Returns, cutoff: float = 0.05) -> Scalar: ...
def cum_returns(returns: Any, starting_value: float = 0, out: Optional[np.ndarray] = None) -> Any: ...
def annual_volatility(
    returns: Any,
    period: str = "daily",
    alpha: float = 2.0,
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> Any: ...
def sharpe_ratio(
    returns: Any,
    risk_free: Any = 0,
    period: str = "daily",
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> Any: ...
def sortino_ratio(
    returns: Any,
    required_return: Any = 0,
    period: str = "daily",
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> Any: ...
def downside_risk(
    returns: Any,
    required_return: Any = 0,
    period: str = "daily",
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> Any: ...
def max_drawdown(returns: Any, out: Optional[np.ndarray] = None) -> Any: ...
def alpha(
    returns: Any,
    factor_returns: Any,
    risk_free: Any = 0.0,
    period: str = "daily",
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
    _beta: Any = None,
) -> Any: ...
def alpha_aligned(
    returns: Any,
    factor_returns: Any,
    risk_free: Any = 0.0,
    period: str = "daily",
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
    _beta: Any = None,
) -> Any: ...
def beta(returns: Any, factor_returns: Any, risk_free: Any = 0.0, out: Optional[np.ndarray] = None) -> Any: ...
def beta_aligned(
    returns: Any,
    factor_returns: Any,
    risk_free: Any = 0.0,
    out: Optional[np.ndarray] = None,
) -> Any: ...
def alpha_beta(
    returns: Any,
    factor_returns: Any,
    risk_free: Any = 0.0,
    period: str = "daily",
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> np.ndarray: ...
def alpha_beta_aligned(
    returns: Any,
    factor_returns: Any,
    risk_free: Any = 0.0,
    period: str = "daily",
    annualization: Optional[float] = None,
    out: Optional[np.ndarray] = None,
) -> np.ndarray: ...
def excess_sharpe(returns: Any, factor_returns: Any, out: Optional[np.ndarray] = None) -> Any: ...
def up_capture(returns: Any, factor_returns: Any, **kwargs: Any) -> Any: ...
def down_capture(returns: Any, factor_returns: Any, **kwargs: Any) -> Any: ...
def up_down_capture(returns: Any, factor_returns: Any, **kwargs: Any) -> Any: ...
def capture(
    returns: Any,
    factor_returns: Any,
    period: str = "daily",
    annualization: Optional[float] = None,
) -> Any: ...
def up_alpha_beta(returns: Any, factor_returns: Any, **kwargs: Any) -> Any: ...
def down_alpha_beta(returns: Any, factor_returns: Any, **kwargs: Any) -> Any: ...
def batting_average(returns: Any, factor_returns: Any) -> Any: ...
def beta_fragility_heuristic(returns: Any, factor_returns: Any) -> float: ...
def beta_fragility_heuristic_aligned(returns: Any, factor_returns: Any) -> float: ...
def gpd_risk_estimates(returns: Any, var_p: float = 0.01) -> Any: ...
def gpd_risk_estimates_aligned(returns: Any, var_p: float = 0.01) -> Any: ...
def simple_returns(prices: Any) -> Any: ...
def aggregate_returns(returns: Any, convert_to: str) -> Any: ...
def roll_max_drawdown(returns: Any, window: int, out: Optional[np.ndarray] = None) -> Any: ...
def roll_sharpe_ratio(
    returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    risk_free: float = 0,
    period: str = "daily",
    annualization: Optional[float] = None,
) -> Any: ...
def roll_sortino_ratio(
    returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    required_return: float = 0,
    period: str = "daily",
    annualization: Optional[float] = None,
) -> Any: ...
def roll_annual_volatility(
    returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    period: str = "daily",
    alpha: float = 2.0,
    annualization: Optional[float] = None,
) -> Any: ...
def roll_beta(
    returns: Any,
    factor_returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    risk_free: float = 0.0,
) -> Any: ...
def roll_beta_aligned(
    returns: Any,
    factor_returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    risk_free: float = 0.0,
) -> Any: ...
def roll_alpha(
    returns: Any,
    factor_returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    risk_free: float = 0.0,
    period: str = "daily",
    annualization: Optional[float] = None,
) -> Any: ...
def roll_alpha_aligned(
    returns: Any,
    factor_returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    risk_free: float = 0.0,
    period: str = "daily",
    annualization: Optional[float] = None,
) -> Any: ...
def roll_alpha_beta(returns: Any, factor_returns: Any, window: int = 10, **kwargs: Any) -> Any: ...
def roll_alpha_beta_aligned(
    returns: Any,
    factor_returns: Any,
    window: int,
    out: Optional[np.ndarray] = None,
    risk_free: float = 0.0,
    period: str = "daily",
    annualization: Optional[float] = None,
) -> Any: ...
def roll_up_capture(
    returns: Any,
    factor_returns: Any,
    window: int = 10,
    period: str = "daily",
    annualization: Optional[float] = None,
) -> Any: ...
def roll_down_capture(
    returns: Any,
    factor_returns: Any,
    window: int = 10,
    period: str = "daily",
    annualization: Optional[float] = None,
) -> Any: ...
def roll_up_down_capture(
    returns: Any,
    factor_returns: Any,
    window: int = 10,
    period: str = "daily",
    annualization: Optional[float] = None,
) -> Any: ...
def compute_exposures(positions: Any, factor_loadings: Any) -> Any: ...
def perf_attrib(returns: Any, positions: Any, factor_returns: Any, factor_loadings: Any) -> Tuple[Any, Any]: ...
def tracking_error(
    returns: Returns, factor_returns: Returns, period: str = "daily", annualization: Optional[float] = None
) -> Scalar: ...
def probabilistic_sharpe_ratio(returns: Returns, benchmark_sharpe: float = 0.0) -> Scalar: ...
def deflated_sharpe_ratio(returns: Returns, trials: int, sharpe_variance: float) -> Scalar: ...
def cornish_fisher_var(returns: Returns, cutoff: float = 0.05) -> Scalar: ...
def parametric_var(returns: Returns, cutoff: float = 0.05) -> Scalar: ...

def drawdown_periods(returns: Returns, top: int = 10) -> List[DrawdownPeriod]: ...
def rolling_sharpe(
    returns: Returns, window: int, risk_free: float = 0.0, period: str = "daily", annualization: Optional[float] = None
) -> Any: ...
def rolling_volatility(
    returns: Returns, window: int, period: str = "daily", annualization: Optional[float] = None
) -> Any: ...
def rolling_beta(returns: Returns, factor_returns: Returns, window: int) -> Any: ...
def metrics(
    returns: Returns,
    factor_returns: Optional[Returns] = None,
    risk_free: float = 0.0,
    period: str = "daily",
    annualization: Optional[float] = None,
    required_return: float = 0.0,
    omega_required_return: float = 0.0,
    cutoff: float = 0.05,
) -> Any: ...


def lots(trades: Trades, method: str = "fifo", splits: Any = None, activities: Any = None) -> LotReport: ...
def account(
    trades: Trades,
    activities: Any,
    prices: Prices,
    splits: Any = None,
    opening_cash: Any = None,
    end: Any = None,
    daily: bool = False,
) -> Dict[str, Any]: ...
def realized_pnl(trades: Trades, method: str = "fifo", prices: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]: ...
def twr(trades: Trades, prices: Prices, end: Any = None, splits: Any = None) -> Any: ...
def xirr(flows: Any) -> float:
    """The annual internal rate of return of ``(date, amount)`` flows (payments negative), as Excel's XIRR."""
def modified_dietz(start_value: Any, end_value: Any, flows: Any, start: Any, end: Any) -> float:
    """The GIPS modified Dietz return of ``start``..``end``; ``flows`` are ``(date, amount)``, money in positive."""

@dataclasses.dataclass(frozen=True)
class Comparison:
    benchmark: str
    dates: List[dt.date]
    portfolio_returns: List[float]
    benchmark_returns: List[float]
    portfolio_total_return: float
    benchmark_total_return: float
    portfolio_annual_return: float
    benchmark_annual_return: float
    excess_return: float
    excess_annual_return: float
    alpha: float
    beta: float
    correlation: float
    tracking_error: float
    information_ratio: float
    up_capture: float
    down_capture: float
    monthly: List[Dict[str, Any]]
    equity_curve: List[Dict[str, Any]]
    shadow: Dict[str, Decimal]
    portfolio_pnl: Dict[str, Decimal]
    def to_dict(self) -> Dict[str, Any]: ...

def compare(
    trades: Trades,
    prices: Prices,
    benchmark: Union[str, Mapping[str, Any]] = "SPY",
    start: Any = None,
    end: Any = None,
    lot_method: str = "fifo",
    splits: Any = None,
    rebalance: Optional[str] = None,
) -> Comparison: ...

__all__ = [
    "alpha_aligned", "beta_aligned", "alpha_beta_aligned", "capture", "up_alpha_beta", "down_alpha_beta", "batting_average",
    "beta_fragility_heuristic", "beta_fragility_heuristic_aligned", "gpd_risk_estimates", "gpd_risk_estimates_aligned", "simple_returns", "aggregate_returns", "roll_max_drawdown",
    "roll_sharpe_ratio", "roll_sortino_ratio", "roll_annual_volatility", "roll_beta", "roll_beta_aligned", "roll_alpha", "roll_alpha_aligned",
    "roll_alpha_beta", "roll_alpha_beta_aligned", "roll_up_capture", "roll_down_capture", "roll_up_down_capture", "compute_exposures", "perf_attrib",
    "DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "YEARLY",
    "cum_returns", "cum_returns_final", "annual_return", "cagr", "annual_volatility", "sharpe_ratio",
    "sortino_ratio", "downside_risk", "max_drawdown", "calmar_ratio", "omega_ratio", "tail_ratio",
    "stability_of_timeseries", "value_at_risk", "conditional_value_at_risk", "alpha", "beta", "alpha_beta",
    "up_capture", "down_capture", "up_down_capture", "excess_sharpe", "tracking_error",
    "probabilistic_sharpe_ratio", "deflated_sharpe_ratio", "cornish_fisher_var", "parametric_var",
    "drawdown_periods", "rolling_sharpe", "rolling_volatility", "rolling_beta", "metrics",
    "Trade", "lots", "realized_pnl", "twr", "compare", "Comparison", "xirr", "modified_dietz", "account",
    "KairoError", "InvalidTradeError", "ConfigError", "ParameterError", "InputError", "MarketDataError",
    "OutOfOrderError", "compliance", "frame", "report", "types", "Period", "Returns", "Scalar", "Trades", "Prices",
    "DrawdownPeriod", "ClosedLot", "OpenLot", "Position", "LotReport",
]
