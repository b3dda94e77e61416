"""kairo: exact, fast trading analytics and compliance.

The risk metrics carry empyrical's names, parameters, defaults and return conventions, so ``import kairo as ep``
works in empyrical code; every number is computed by kairo-core (Rust). Trades, tax lots, the time-weighted
return and the benchmark comparison are here too; rule checks are in :mod:`kairo.compliance`, polars batch
analytics in :mod:`kairo.frame`.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional, Union

import numpy as np

from . import _kairo
from ._convert import as_array, aligned, binary, unary, wrap_scalars, wrap_series
from ._kairo import (
    ConfigError,
    InputError,
    InvalidTradeError,
    KairoError,
    MarketDataError,
    OutOfOrderError,
    ParameterError,
    Trade,
    modified_dietz,
    xirr,
)
from ._rolling import (
    roll_alpha,
    roll_alpha_aligned,
    roll_alpha_beta,
    roll_alpha_beta_aligned,
    roll_annual_volatility,
    roll_beta,
    roll_beta_aligned,
    roll_down_capture,
    roll_max_drawdown,
    roll_sharpe_ratio,
    roll_sortino_ratio,
    roll_up_capture,
    roll_up_down_capture,
)
from ._returns import aggregate_returns, simple_returns
from ._stats import (
    adjust,
    scalar_rate,
    alpha,
    alpha_aligned,
    alpha_beta,
    alpha_beta_aligned,
    annual_volatility,
    beta,
    beta_aligned,
    cum_returns,
    downside_risk,
    excess_sharpe,
    max_drawdown,
    sharpe_ratio,
    sortino_ratio,
)
from ._tails import (
    beta_fragility_heuristic,
    beta_fragility_heuristic_aligned,
    gpd_risk_estimates,
    gpd_risk_estimates_aligned,
)
from ._trades import trade_records
from ._updown import (
    batting_average,
    capture,
    down_alpha_beta,
    down_capture,
    up_alpha_beta,
    up_capture,
    up_down_capture,
)
from ._perf_attrib import compute_exposures, perf_attrib
from .types import (
    ClosedLot,
    DrawdownPeriod,
    LotReport,
    OpenLot,
    Period,
    Position,
    Prices,
    Returns,
    Scalar,
    Trades,
)

__version__: str = _kairo.__version__

DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"
QUARTERLY = "quarterly"
YEARLY = "yearly"

# ---------------------------------------------------------------------------------------------------------------
# empyrical-compatible metrics


def cum_returns_final(returns: Any, starting_value: float = 0) -> Any:
    """Total compounded return (empyrical ``cum_returns_final``)."""
    return unary(_kairo.cum_returns_final)(returns, float(starting_value))


def annual_return(returns: Any, period: str = DAILY, annualization: Optional[float] = None) -> Any:
    """Compound annual growth rate (empyrical ``annual_return``)."""
    return unary(_kairo.annual_return)(returns, period, annualization)


def cagr(returns: Any, period: str = DAILY, annualization: Optional[float] = None) -> Any:
    """Alias of :func:`annual_return` (empyrical ``cagr``)."""
    return annual_return(returns, period, annualization)


def _one_series(name: str, returns: Any) -> None:
    """Refuses 2-D input where empyrical has no per-column answer (it raises), pointing to the per-column way."""
    if np.ndim(returns) == 2:
        err = InputError(
            f"{name} takes one series of returns, got {np.shape(returns)[1]} columns; "
            "kairo.metrics(frame) gives every metric per column"
        )
        err.field = "returns"
        raise err


def _whole(fn: Any, returns: Any, *args: Any) -> Any:
    """A metric of every value of a 2-D input taken together, one float, as empyrical computes it."""
    if np.ndim(returns) == 2:
        return fn(as_array(returns).reshape(-1), *args)
    return unary(fn)(returns, *args)


def calmar_ratio(returns: Any, period: str = DAILY, annualization: Optional[float] = None) -> Any:
    """Annual return over the absolute maximum drawdown (empyrical ``calmar_ratio``; one series)."""
    _one_series("calmar_ratio", returns)
    return unary(_kairo.calmar_ratio)(returns, period, annualization)


def omega_ratio(
    returns: Any, risk_free: float = 0.0, required_return: float = 0.0, annualization: float = 252
) -> Any:
    """Omega ratio; ``required_return`` is annual (empyrical ``omega_ratio``; one series)."""
    _one_series("omega_ratio", returns)
    if not scalar_rate(risk_free):
        returns, risk_free = adjust(returns, risk_free), 0.0
    return unary(_kairo.omega_ratio)(returns, float(risk_free), float(required_return), float(annualization))


def tail_ratio(returns: Any) -> Any:
    """95th percentile over the absolute 5th percentile (empyrical ``tail_ratio``; of every value of a 2-D
    input)."""
    return _whole(_kairo.tail_ratio, returns)


def stability_of_timeseries(returns: Any) -> Any:
    """R² of a linear fit to the cumulative log returns (empyrical ``stability_of_timeseries``)."""
    return _whole(_kairo.stability_of_timeseries, returns)


def value_at_risk(returns: Any, cutoff: float = 0.05) -> Any:
    """Historical VaR: the ``cutoff`` percentile of the returns (empyrical ``value_at_risk``)."""
    return _whole(_kairo.value_at_risk, returns, float(cutoff))


def conditional_value_at_risk(returns: Any, cutoff: float = 0.05) -> Any:
    """Mean of the returns at or below the VaR (empyrical ``conditional_value_at_risk``)."""
    return _whole(_kairo.conditional_value_at_risk, returns, float(cutoff))


def tracking_error(
    returns: Any, factor_returns: Any, period: str = DAILY, annualization: Optional[float] = None
) -> Any:
    """Annualized standard deviation of ``r − f``."""
    return binary(_kairo.tracking_error)(returns, factor_returns, period, annualization)


# ---------------------------------------------------------------------------------------------------------------
# kairo-only metrics


def probabilistic_sharpe_ratio(returns: Any, benchmark_sharpe: float = 0.0) -> Any:
    """Probability that the true per-period Sharpe ratio exceeds ``benchmark_sharpe`` (Bailey & López de Prado)."""
    return unary(_kairo.probabilistic_sharpe_ratio)(returns, float(benchmark_sharpe))


def deflated_sharpe_ratio(returns: Any, trials: int, sharpe_variance: float) -> Any:
    """The probabilistic Sharpe ratio against the expected maximum of ``trials`` Sharpe ratios."""
    return unary(_kairo.deflated_sharpe_ratio)(returns, int(trials), float(sharpe_variance))


def cornish_fisher_var(returns: Any, cutoff: float = 0.05) -> Any:
    """VaR from the Cornish–Fisher expansion (skew- and kurtosis-adjusted normal quantile)."""
    return unary(_kairo.cornish_fisher_var)(returns, float(cutoff))


def parametric_var(returns: Any, cutoff: float = 0.05) -> Any:
    """Gaussian VaR ``μ + σ·Φ⁻¹(cutoff)``."""
    return unary(_kairo.parametric_var)(returns, float(cutoff))


def drawdown_periods(returns: Any, top: int = 10) -> List[Dict[str, Any]]:
    """The ``top`` deepest drawdowns: peak, valley and recovery positions, depth and durations."""
    result: List[Dict[str, Any]] = _kairo.drawdown_periods(as_array(returns), int(top))
    return result


def rolling_sharpe(
    returns: Any, window: int, risk_free: float = 0.0, period: str = DAILY, annualization: Optional[float] = None
) -> Any:
    """:func:`sharpe_ratio` over each window of ``window`` periods (length ``n − window + 1``)."""
    out = _kairo.rolling_sharpe(as_array(returns), int(window), float(risk_free), period, annualization)
    return _rolling(returns, out, window)


def rolling_volatility(
    returns: Any, window: int, period: str = DAILY, annualization: Optional[float] = None
) -> Any:
    """:func:`annual_volatility` over each window."""
    return _rolling(returns, _kairo.rolling_volatility(as_array(returns), int(window), period, annualization), window)


def rolling_beta(returns: Any, factor_returns: Any, window: int) -> Any:
    """:func:`beta` over each window of the two aligned series."""
    r, f = aligned(returns, factor_returns)
    return _rolling(r, _kairo.rolling_beta(as_array(r), as_array(f, "factor_returns"), int(window)), window)


def _rolling(returns: Any, out: np.ndarray, window: int) -> Any:
    """A rolling result, indexed by each window's last label for a pandas Series."""
    from ._convert import is_pandas

    if is_pandas(returns) and returns.ndim == 1:
        import pandas as pd

        return pd.Series(out, index=returns.index[window - 1 :], name=returns.name)
    if isinstance(returns, (list, tuple)):
        return out.tolist()
    return out


def metrics(
    returns: Any,
    factor_returns: Any = None,
    risk_free: float = 0.0,
    period: str = DAILY,
    annualization: Optional[float] = None,
    required_return: float = 0.0,
    omega_required_return: float = 0.0,
    cutoff: float = 0.05,
) -> Any:
    """Every metric at once (one kairo-core pass set); the benchmark metrics are added when ``factor_returns``
    is given (computed on the periods both series have: the date-matched alpha, beta and captures). For a
    DataFrame (or a 2-D array), each column's metrics: a DataFrame with a row per metric and a column per column
    (a dict of arrays for an array)."""
    if np.ndim(returns) == 2:
        return _metrics_by_column(returns, factor_returns, risk_free, period, annualization, required_return,
                                  omega_required_return, cutoff)
    r, f = aligned(returns, factor_returns) if factor_returns is not None else (returns, None)
    result: Dict[str, Any] = _kairo.metrics(
        as_array(r),
        None if f is None else as_array(f, "factor_returns"),
        float(risk_free),
        period,
        annualization,
        float(required_return),
        float(omega_required_return),
        float(cutoff),
    )
    return result


def _metrics_by_column(returns: Any, factor_returns: Any, *args: Any) -> Any:
    from ._convert import columns_of, is_pandas

    labels = columns_of(returns)
    if is_pandas(returns):
        columns = [returns.iloc[:, j] for j in range(returns.shape[1])]
    else:
        table = as_array(returns)
        columns = [table[:, j] for j in range(table.shape[1])]
        labels = list(range(table.shape[1]))
    each = [metrics(c, factor_returns, *args) for c in columns]
    if is_pandas(returns):
        import pandas as pd

        return pd.DataFrame({label: m for label, m in zip(labels, each)})
    return {name: np.array([m[name] for m in each]) for name in (each[0] if each else {})}


# ---------------------------------------------------------------------------------------------------------------
# trades, lots, returns, comparison


def lots(trades: Any, method: str = "fifo", splits: Any = None, activities: Any = None) -> Dict[str, Any]:
    """Tax lots (``fifo``, ``lifo``, ``highest_cost``, ``average_cost``): open and closed lots, positions and the
    realized P&L, money as ``Decimal``. ``splits``: ``(symbol, ex_date, ratio)`` triples, applied on their
    ex-dates (quantities × ratio, every basis unchanged); ``activities``: dicts (``SPLIT``, ``SYMBOL_CHANGE``,
    ``TRANSFER_IN`` with its ``cost_basis`` and ``acquired`` date, ``TRANSFER_OUT``), applied on their dates."""
    result: Dict[str, Any] = _kairo.lots(trade_records(trades), method, splits, activities)
    return result


def account(
    trades: Any,
    activities: Any,
    prices: Any,
    splits: Any = None,
    opening_cash: Any = None,
    end: Any = None,
    daily: bool = False,
) -> Dict[str, Any]:
    """The account basis: cash and positions valued at every close from the trades and the account's activities
    (dicts with ``type`` ``DEPOSIT``, ``WITHDRAWAL``, ``DIVIDEND``, ``INTEREST``, ``FEE``, ``TAX``, ``SPLIT``,
    ``SYMBOL_CHANGE``, ``TRANSFER_IN``, ``TRANSFER_OUT``, a ``date`` and the type's fields), with deposits,
    withdrawals and transfers as the external flows. Returns deposits, withdrawals, income, costs, the ending
    value, ``total_pnl = price_pnl + income - fees - taxes``, the time-weighted return (GIPS daily) and the
    money-weighted return (XIRR); with ``daily``, the valuations under ``"days"``. ``prices`` are raw closes,
    ``splits`` ``(symbol, ex_date, ratio)`` triples."""
    from ._trades import price_rows

    result: Dict[str, Any] = _kairo.account(
        trade_records(trades), list(activities), price_rows(prices), splits, opening_cash, end, daily
    )
    return result


def realized_pnl(trades: Any, method: str = "fifo", prices: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Realized P&L in total and by symbol; with ``prices`` ({symbol: price}) also the unrealized P&L."""
    result: Dict[str, Any] = _kairo.realized_pnl(trade_records(trades), method, prices)
    return result


def twr(trades: Any, prices: Any, end: Any = None, splits: Any = None) -> Any:
    """The daily time-weighted return series (GIPS) of the trades' portfolio: a pandas Series indexed by date when
    pandas is installed, else ``{"dates", "returns"}``. ``prices`` are raw closes; ``splits``, ``(symbol, ex_date,
    ratio)`` triples, multiply the shares held on their ex-dates."""
    from ._trades import price_rows

    out = _kairo.twr(trade_records(trades), price_rows(prices), end, splits)
    try:
        import pandas as pd
    except ImportError:
        return out
    return pd.Series(out["returns"], index=pd.Index(out["dates"], name="date"), name="twr")


@dataclasses.dataclass(frozen=True)
class Comparison:
    """kairo-core's comparison of a portfolio with a benchmark; ``to_dict()`` gives plain data."""

    benchmark: str
    dates: List[_dt.date]
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

    def to_dict(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)


def compare(
    trades: Any,
    prices: Any,
    benchmark: Union[str, Mapping[str, Any]] = "SPY",
    start: Any = None,
    end: Any = None,
    lot_method: str = "fifo",
    splits: Any = None,
    rebalance: Optional[str] = None,
) -> Comparison:
    """The user's portfolio against ``benchmark`` (a symbol, ``"SPY:0.6,AGG:0.4"``, ``"SPY:0.6,AGG:0.4@monthly"``, or
    {symbol: weight} for a blend); ``rebalance``, when the blend goes back to its weights (``daily`` by default,
    ``monthly``, ``quarterly``, ``yearly`` or ``buy_and_hold``); ``splits``, ``(symbol, ex_date, ratio)`` triples of
    the raw closes."""
    from ._trades import price_rows

    out = _kairo.compare(
        trade_records(trades), price_rows(prices), benchmark, start, end, lot_method, splits, rebalance
    )
    return Comparison(**out)


from . import compliance, frame, report, types  # noqa: E402  (submodules use the names above)

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
