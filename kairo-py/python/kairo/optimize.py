"""Portfolio optimization with PyPortfolioOpt's names: expected returns, risk models, the efficient frontier,
hierarchical risk parity, equal risk contribution, discrete allocation, and a tax-aware rebalance that PyPortfolioOpt
does not have. pandas or numpy in, pandas out (numpy in gives numpy out); every number comes from kairo-core.

    from kairo import optimize as ko
    mu = ko.mean_historical_return(prices)
    S = ko.CovarianceShrinkage(prices).ledoit_wolf()
    ef = ko.EfficientFrontier(mu, S)
    weights = ef.max_sharpe()
    ret, vol, sharpe = ef.portfolio_performance()

Price or return tables must be dense (no NaN): drop or fill gaps first (``prices.dropna()``).
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _kairo
from ._convert import as_array, is_pandas

__all__ = [
    "mean_historical_return",
    "ema_historical_return",
    "capm_return",
    "sample_cov",
    "exp_cov",
    "semicovariance",
    "CovarianceShrinkage",
    "EfficientFrontier",
    "HRPOpt",
    "equal_risk_contribution",
    "risk_budget",
    "DiscreteAllocation",
    "rebalance",
]

Bounds = Union[Tuple[float, float], Sequence[Tuple[float, float]]]


def _table(data: Any, name: str) -> Tuple[np.ndarray, Optional[List[Any]]]:
    """A 2-D float array (days × assets) and the column labels, if any."""
    labels = [c for c in data.columns] if is_pandas(data) and hasattr(data, "columns") else None
    a = as_array(data, name)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    return a, labels


def _series(values: np.ndarray, labels: Optional[List[Any]]) -> Any:
    if labels is None:
        return values
    import pandas as pd

    return pd.Series(values, index=labels)


def _frame(values: np.ndarray, labels: Optional[List[Any]]) -> Any:
    if labels is None:
        return values
    import pandas as pd

    return pd.DataFrame(values, index=labels, columns=labels)


def mean_historical_return(
    prices: Any, returns_data: bool = False, compounding: bool = True, frequency: int = 252
) -> Any:
    """Annualised mean daily return: ``(∏(1 + r))^(frequency / T) − 1`` (or ``mean × frequency``)."""
    a, labels = _table(prices, "prices")
    return _series(_kairo.opt_expected_returns(a, "mean_historical_return", returns_data, compounding, float(frequency), 500.0, None, 0.0), labels)


def ema_historical_return(
    prices: Any, returns_data: bool = False, compounding: bool = True, span: int = 500, frequency: int = 252
) -> Any:
    """Annualised exponentially weighted mean daily return (pandas ``ewm(span)``, most recent day heaviest)."""
    a, labels = _table(prices, "prices")
    return _series(_kairo.opt_expected_returns(a, "ema_historical_return", returns_data, compounding, float(frequency), float(span), None, 0.0), labels)


def capm_return(
    prices: Any,
    market_prices: Any = None,
    returns_data: bool = False,
    risk_free_rate: float = 0.0,
    compounding: bool = True,
    frequency: int = 252,
) -> Any:
    """CAPM returns ``R_f + β (E[R_m] − R_f)``; the market is ``market_prices`` or the assets' equal-weighted mean."""
    a, labels = _table(prices, "prices")
    m = None if market_prices is None else _table(market_prices, "market_prices")[0]
    return _series(_kairo.opt_expected_returns(a, "capm_return", returns_data, compounding, float(frequency), 500.0, m, float(risk_free_rate)), labels)


def _risk(data: Any, method: str, returns_data: bool, frequency: float, span: float = 180.0, benchmark: float = 0.000079, delta: float = 0.2) -> Tuple[Any, Optional[float]]:
    a, labels = _table(data, "prices")
    cov, shrinkage = _kairo.opt_risk_matrix(a, method, returns_data, float(frequency), float(span), float(benchmark), float(delta))
    return _frame(cov, labels), shrinkage


def sample_cov(prices: Any, returns_data: bool = False, frequency: int = 252) -> Any:
    """Annualised sample covariance (``ddof = 1``)."""
    return _risk(prices, "sample_cov", returns_data, frequency)[0]


def exp_cov(prices: Any, returns_data: bool = False, span: int = 180, frequency: int = 252) -> Any:
    """Annualised exponentially weighted covariance."""
    return _risk(prices, "exp_cov", returns_data, frequency, span=span)[0]


def semicovariance(prices: Any, returns_data: bool = False, benchmark: float = 0.000079, frequency: int = 252) -> Any:
    """Annualised semicovariance of the returns below ``benchmark`` (a daily return)."""
    return _risk(prices, "semicovariance", returns_data, frequency, benchmark=benchmark)[0]


class CovarianceShrinkage:
    """Shrinkage estimates of the covariance; ``delta`` holds the last intensity used."""

    def __init__(self, prices: Any, returns_data: bool = False, frequency: int = 252) -> None:
        self._data = prices
        self._returns_data = returns_data
        self.frequency = frequency
        self.delta: Optional[float] = None

    def _run(self, method: str, delta: float = 0.2) -> Any:
        cov, self.delta = _risk(self._data, method, self._returns_data, self.frequency, delta=delta)
        return cov

    def shrunk_covariance(self, delta: float = 0.2) -> Any:
        """``δ μ I + (1 − δ) S`` with a chosen ``delta``."""
        return self._run("shrunk_covariance", delta)

    def ledoit_wolf(self, shrinkage_target: str = "constant_variance") -> Any:
        """Ledoit–Wolf with ``constant_variance``, ``single_factor`` or ``constant_correlation`` as the target."""
        return self._run("ledoit_wolf_" + shrinkage_target)


def _bound(x: Any, missing: float) -> float:
    return missing if x is None else float(x)


def _bounds(weight_bounds: Any, n: int) -> List[Tuple[float, float]]:
    """One (lower, upper) pair per asset from a pair for all or a list of pairs; ``None`` is unbounded."""
    if len(weight_bounds) == 2 and not isinstance(weight_bounds[0], (tuple, list)):
        lo, hi = weight_bounds
        return [(_bound(lo, float("-inf")), _bound(hi, float("inf")))] * n
    return [(_bound(lo, float("-inf")), _bound(hi, float("inf"))) for lo, hi in weight_bounds]


class EfficientFrontier:
    """Mean–variance optimization; each objective returns the weights (a pandas Series when labels are known)."""

    def __init__(
        self,
        expected_returns: Any,
        cov_matrix: Any,
        weight_bounds: Bounds = (0, 1),
        l2_gamma: float = 0.0,
    ) -> None:
        self._labels = list(cov_matrix.columns) if is_pandas(cov_matrix) else (list(expected_returns.index) if is_pandas(expected_returns) else None)
        self._cov = _table(cov_matrix, "cov_matrix")[0]
        n = self._cov.shape[0]
        if is_pandas(expected_returns) and is_pandas(cov_matrix) and hasattr(cov_matrix, "columns"):
            # the same assets in the covariance's order, whatever the order of the Series
            missing = [c for c in cov_matrix.columns if c not in expected_returns.index]
            if missing:
                from ._kairo import InputError

                err = InputError(f"expected_returns has no value for {missing[:5]}")
                err.field = "expected_returns"
                raise err
            expected_returns = expected_returns.reindex(cov_matrix.columns)
        self._mu = None if expected_returns is None else as_array(expected_returns, "expected_returns")
        self._bounds = _bounds(weight_bounds, n)
        self._sectors: List[Tuple[List[int], Optional[float], Optional[float]]] = []
        self._gamma = float(l2_gamma)
        self._rf = 0.0
        self.weights: Optional[np.ndarray] = None

    def add_sector_constraints(self, sector_mapper: Mapping[Any, Any], sector_lower: Mapping[Any, float], sector_upper: Mapping[Any, float]) -> None:
        """Caps (and floors) on the total weight of each sector; ``sector_mapper`` maps an asset label to its sector."""
        labels = self._labels or list(range(self._cov.shape[0]))
        for sector in set(sector_lower) | set(sector_upper):
            assets = [i for i, a in enumerate(labels) if sector_mapper.get(a) == sector]
            self._sectors.append((assets, sector_lower.get(sector), sector_upper.get(sector)))

    def add_l2_reg(self, gamma: float = 1.0) -> None:
        """L2 regularisation ``γ‖w‖²`` (PyPortfolioOpt's ``add_objective(objective_functions.L2_reg, gamma=...)``)."""
        self._gamma = float(gamma)

    def _solve(self, objective: str, target: float = 0.0, market_neutral: bool = False, risk_free_rate: float = 0.0) -> Any:
        w, ret, vol, sharpe = _kairo.opt_efficient(self._mu, self._cov, self._bounds, self._sectors, self._gamma, objective, float(target), market_neutral, float(risk_free_rate))
        self.weights = w
        self._rf = risk_free_rate
        return _series(w, self._labels)

    def min_volatility(self) -> Any:
        """The minimum-volatility portfolio."""
        return self._solve("min_volatility")

    def max_sharpe(self, risk_free_rate: float = 0.0) -> Any:
        """The maximum-Sharpe (tangency) portfolio."""
        return self._solve("max_sharpe", risk_free_rate=risk_free_rate)

    def efficient_return(self, target_return: float, market_neutral: bool = False) -> Any:
        """The least-volatile portfolio with at least ``target_return``."""
        return self._solve("efficient_return", target_return, market_neutral)

    def efficient_risk(self, target_volatility: float, market_neutral: bool = False) -> Any:
        """The highest-return portfolio with at most ``target_volatility``."""
        return self._solve("efficient_risk", target_volatility, market_neutral)

    def max_quadratic_utility(self, risk_aversion: float = 1, market_neutral: bool = False) -> Any:
        """The portfolio maximising ``μᵀw − ½ δ wᵀΣw``."""
        return self._solve("max_quadratic_utility", risk_aversion, market_neutral)

    def portfolio_performance(self, risk_free_rate: Optional[float] = None) -> Tuple[Optional[float], float, Optional[float]]:
        """(expected return, volatility, Sharpe ratio) of the last weights."""
        if self.weights is None:
            from ._kairo import ParameterError

            err = ParameterError("no weights yet: run an objective first")
            err.field = "weights"
            raise err
        rf = self._rf if risk_free_rate is None else risk_free_rate
        return _kairo.opt_performance(self._mu, self._cov, list(self.weights), float(rf))

    def clean_weights(self, cutoff: float = 1e-4, rounding: Optional[int] = 5) -> Any:
        """The last weights with those below ``cutoff`` set to 0 and the rest rounded to ``rounding`` decimals."""
        if self.weights is None:
            from ._kairo import ParameterError

            err = ParameterError("no weights yet: run an objective first")
            err.field = "weights"
            raise err
        return _series(np.asarray(_kairo.opt_clean_weights(list(self.weights), float(cutoff), rounding)), self._labels)

    def efficient_frontier(self, points: int = 50, risk_free_rate: float = 0.0) -> Any:
        """Points of the frontier for a chart: a DataFrame of ``volatility``, ``expected_return``, ``sharpe``."""
        rows = _kairo.opt_frontier(self._mu, self._cov, self._bounds, self._sectors, self._gamma, int(points), float(risk_free_rate))
        import pandas as pd

        return pd.DataFrame(rows, columns=["volatility", "expected_return", "sharpe"])


class HRPOpt:
    """Hierarchical risk parity from returns (or a covariance matrix)."""

    def __init__(self, returns: Any = None, cov_matrix: Any = None) -> None:
        if returns is None and cov_matrix is None:
            from ._kairo import InputError

            err = InputError("HRPOpt needs returns or a covariance matrix")
            err.field = "returns"
            raise err
        self._returns = returns
        self._cov = cov_matrix
        self.weights: Optional[np.ndarray] = None

    def optimize(self) -> Any:
        """The HRP weights."""
        if self._returns is not None:
            a, labels = _table(self._returns, "returns")
            self.weights = _kairo.opt_hrp(a, "returns")
        else:
            a, labels = _table(self._cov, "cov_matrix")
            self.weights = _kairo.opt_hrp(a, "cov")
        return _series(self.weights, labels)


def equal_risk_contribution(cov_matrix: Any) -> Any:
    """Long-only weights in which every asset contributes the same share of the variance."""
    a, labels = _table(cov_matrix, "cov_matrix")
    return _series(_kairo.opt_risk_budget(a, None), labels)


def risk_budget(cov_matrix: Any, budgets: Sequence[float]) -> Any:
    """Long-only weights whose risk contributions are ``budgets``."""
    a, labels = _table(cov_matrix, "cov_matrix")
    return _series(_kairo.opt_risk_budget(a, [float(b) for b in budgets]), labels)


class DiscreteAllocation:
    """Whole (or fractional) shares from weights, latest prices and a budget."""

    def __init__(self, weights: Mapping[Any, float], latest_prices: Any, total_portfolio_value: Any = 10000) -> None:
        self._weights = dict(weights)
        self._prices = dict(latest_prices)
        self._budget = total_portfolio_value

    def greedy_portfolio(self, fractional_digits: Optional[int] = None) -> Tuple[Dict[Any, Decimal], Decimal]:
        """``({asset: shares}, leftover)``: PyPortfolioOpt's greedy method, or fractional shares to
        ``fractional_digits`` places."""
        assets = list(self._weights)
        named = [(str(a), float(self._weights[a])) for a in assets]
        shares, leftover = _kairo.opt_allocate(named, [self._prices.get(a) for a in assets], self._budget, fractional_digits)
        return {a: q for a, q in zip(assets, shares) if q > 0}, leftover


def rebalance(
    trades: Any,
    prices: Mapping[str, Any],
    targets: Mapping[str, float],
    as_of: Union[_dt.date, str],
    cash: Any = 0,
    turnover_limit: Optional[float] = None,
    allow_wash_sales: bool = False,
    fractional_digits: Optional[int] = None,
    lot_method: str = "fifo",
) -> Dict[str, Any]:
    """A tax-aware rebalance of the account whose history is ``trades`` to ``targets`` (symbol → weight): the
    orders (lots to sell, least tax first), realized gains by term, turnover, and what was skipped to avoid a wash
    sale."""
    from ._trades import trade_records

    return _kairo.opt_rebalance(trade_records(trades), dict(prices), {k: float(v) for k, v in targets.items()}, as_of, cash, turnover_limit, allow_wash_sales, fractional_digits, lot_method)
