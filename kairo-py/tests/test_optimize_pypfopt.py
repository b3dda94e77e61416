"""kairo.optimize against PyPortfolioOpt (installed from PyPI) on PyPortfolioOpt's own test prices.

Estimators must agree to 1e-12 (they are the same formulas in floating point). Optimized weights and their
performance figures must agree within 1e-6; PyPortfolioOpt is solved with Clarabel at the tolerance kairo uses
(1e-12) so that the comparison is of solutions, not of solver stopping points. For efficient_risk its Clarabel run
stops short ("optimal_inaccurate", 4e-7 from the optimum, with a lower return than kairo's), so that objective is
compared with PyPortfolioOpt solved by SCS at 1e-12.
"""
from __future__ import annotations

import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

pypfopt = pytest.importorskip("pypfopt")
from pypfopt import CovarianceShrinkage, EfficientFrontier, HRPOpt, expected_returns, risk_models  # noqa: E402

from kairo import optimize as ko  # noqa: E402

DATA = pathlib.Path(__file__).resolve().parents[2] / "kairo-core" / "tests" / "data" / "stock_prices.csv"
TIGHT = {"solver": "CLARABEL", "solver_options": {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12}}
SCS = {"solver": "SCS", "solver_options": {"eps": 1e-12, "max_iters": 200000}}


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    return pd.read_csv(DATA, parse_dates=True, index_col="date").dropna()


def gap(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))))


@pytest.fixture(autouse=True)
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_the_prices_are_pypfopts(prices):
    assert prices.shape == (896, 20)
    assert list(prices.columns[:3]) == ["GOOG", "AAPL", "FB"]


@pytest.mark.parametrize("compounding", [True, False])
def test_expected_returns(prices, compounding):
    assert gap(expected_returns.mean_historical_return(prices, compounding=compounding), ko.mean_historical_return(prices, compounding=compounding)) < 1e-12
    assert gap(expected_returns.ema_historical_return(prices, compounding=compounding), ko.ema_historical_return(prices, compounding=compounding)) < 1e-12
    assert gap(expected_returns.ema_historical_return(prices, span=60), ko.ema_historical_return(prices, span=60)) < 1e-12
    assert gap(expected_returns.capm_return(prices, compounding=compounding), ko.capm_return(prices, compounding=compounding)) < 1e-12
    spy = prices["AAPL"].to_frame()
    assert gap(expected_returns.capm_return(prices, market_prices=spy, risk_free_rate=0.02), ko.capm_return(prices, market_prices=spy, risk_free_rate=0.02)) < 1e-12


def test_risk_models(prices):
    assert gap(risk_models.sample_cov(prices), ko.sample_cov(prices)) < 1e-12
    assert gap(risk_models.exp_cov(prices), ko.exp_cov(prices)) < 1e-12
    assert gap(risk_models.exp_cov(prices, span=30), ko.exp_cov(prices, span=30)) < 1e-12
    assert gap(risk_models.semicovariance(prices), ko.semicovariance(prices)) < 1e-12
    assert gap(risk_models.semicovariance(prices, benchmark=0), ko.semicovariance(prices, benchmark=0)) < 1e-12
    returns = expected_returns.returns_from_prices(prices)
    assert gap(risk_models.sample_cov(returns, returns_data=True), ko.sample_cov(returns, returns_data=True)) < 1e-12


@pytest.mark.parametrize("target", ["constant_variance", "single_factor", "constant_correlation"])
def test_ledoit_wolf(prices, target):
    theirs, ours = CovarianceShrinkage(prices), ko.CovarianceShrinkage(prices)
    assert gap(theirs.ledoit_wolf(target), ours.ledoit_wolf(target)) < 1e-12
    assert abs(theirs.delta - ours.delta) < 1e-12


def test_shrunk_covariance(prices):
    assert gap(CovarianceShrinkage(prices).shrunk_covariance(0.3), ko.CovarianceShrinkage(prices).shrunk_covariance(0.3)) < 1e-12


CASES = [
    ("min_volatility", (), {}, TIGHT),
    ("max_sharpe", (), {}, TIGHT),
    ("max_sharpe", (0.02,), {}, TIGHT),
    ("efficient_return", (0.2,), {}, TIGHT),
    ("efficient_return", (0.3,), {}, TIGHT),
    ("max_quadratic_utility", (1,), {}, TIGHT),
    ("max_quadratic_utility", (5,), {}, TIGHT),
    ("efficient_risk", (0.15,), {}, SCS),
    ("efficient_risk", (0.2,), {}, SCS),
]


@pytest.mark.parametrize("objective,args,kwargs,solver", CASES)
def test_objectives(prices, objective, args, kwargs, solver):
    mu = expected_returns.mean_historical_return(prices)
    cov = risk_models.sample_cov(prices)
    theirs = EfficientFrontier(mu, cov, **solver)
    w_theirs = pd.Series(getattr(theirs, objective)(*args, **kwargs))
    ours = ko.EfficientFrontier(mu, cov)
    w_ours = getattr(ours, objective)(*args, **kwargs)
    assert list(w_ours.index) == list(w_theirs.index)
    assert gap(w_theirs, w_ours) < 1e-6
    rf = args[0] if objective == "max_sharpe" and args else 0.0
    assert gap(theirs.portfolio_performance(risk_free_rate=rf), ours.portfolio_performance(risk_free_rate=rf)) < 1e-6


@pytest.mark.parametrize("objective,target,solver", [("efficient_return", 0.1, TIGHT), ("efficient_risk", 0.2, SCS), ("max_quadratic_utility", 2.0, TIGHT)])
def test_market_neutral(prices, objective, target, solver):
    mu = expected_returns.mean_historical_return(prices)
    cov = risk_models.sample_cov(prices)
    theirs = EfficientFrontier(mu, cov, weight_bounds=(-1, 1), **solver)
    ours = ko.EfficientFrontier(mu, cov, weight_bounds=(-1, 1))
    w_theirs = pd.Series(getattr(theirs, objective)(target, market_neutral=True))
    w_ours = getattr(ours, objective)(target, market_neutral=True)
    assert abs(w_ours.sum()) < 1e-9
    assert gap(w_theirs, w_ours) < 1e-6


def test_l2_regularisation_and_sectors(prices):
    from pypfopt import objective_functions

    mu = expected_returns.mean_historical_return(prices)
    cov = CovarianceShrinkage(prices).ledoit_wolf()
    mapper = {t: ("tech" if t in {"GOOG", "AAPL", "FB", "AMZN", "AMD", "MA"} else "other") for t in prices.columns}
    theirs = EfficientFrontier(mu, cov, **TIGHT)
    theirs.add_objective(objective_functions.L2_reg, gamma=0.1)
    theirs.add_sector_constraints(mapper, {"tech": 0.1}, {"tech": 0.3})
    ours = ko.EfficientFrontier(mu, cov, l2_gamma=0.1)
    ours.add_sector_constraints(mapper, {"tech": 0.1}, {"tech": 0.3})
    w_theirs, w_ours = pd.Series(theirs.min_volatility()), ours.min_volatility()
    assert gap(w_theirs, w_ours) < 1e-6
    tech = [t for t, s in mapper.items() if s == "tech"]
    assert w_ours[tech].sum() <= 0.3 + 1e-9


def test_bounds(prices):
    mu = expected_returns.mean_historical_return(prices)
    cov = risk_models.sample_cov(prices)
    theirs = EfficientFrontier(mu, cov, weight_bounds=(0.02, 0.2), **TIGHT)
    ours = ko.EfficientFrontier(mu, cov, weight_bounds=(0.02, 0.2))
    assert gap(pd.Series(theirs.max_sharpe()), ours.max_sharpe()) < 1e-6


def test_hrp(prices):
    returns = expected_returns.returns_from_prices(prices)
    theirs = pd.Series(HRPOpt(returns).optimize())
    ours = ko.HRPOpt(returns).optimize()
    assert gap(theirs[ours.index], ours) < 1e-12
    cov = risk_models.sample_cov(prices)
    theirs_cov = pd.Series(HRPOpt(cov_matrix=cov).optimize())
    ours_cov = ko.HRPOpt(cov_matrix=cov).optimize()
    assert gap(theirs_cov[ours_cov.index], ours_cov) < 1e-12


@pytest.fixture(scope="module")
def many() -> pd.DataFrame:
    """150 stocks × 1,000 days from a three-factor model: enough assets for kairo's working sets."""
    rng = np.random.default_rng(3)
    t, n = 1000, 150
    factors = rng.normal(0, 0.01, size=(t, 3))
    r = factors @ rng.normal(1, 0.4, size=(3, n)) * 0.6 + rng.normal(0.0004, 0.015, size=(t, n)) + rng.normal(0, 0.0003, size=n)
    return pd.DataFrame(100 * np.cumprod(1 + r, axis=0), columns=[f"S{i:03d}" for i in range(n)])


@pytest.mark.parametrize("bounds", [(0, 1), (0, 0.05), (0.001, 0.1)])
@pytest.mark.parametrize("sectors", [False, True])
@pytest.mark.parametrize("objective,args", [("min_volatility", ()), ("max_sharpe", ()), ("max_sharpe", (0.02,)), ("efficient_return", (0.33,)), ("efficient_risk", (0.2,)), ("max_quadratic_utility", (2,))])
def test_many_assets(many, bounds, sectors, objective, args):
    mu = expected_returns.mean_historical_return(many)
    cov = risk_models.sample_cov(many)
    theirs = EfficientFrontier(mu, cov, weight_bounds=bounds, **TIGHT)
    ours = ko.EfficientFrontier(mu, cov, weight_bounds=bounds)
    if sectors:
        mapper = {c: "abc"[i % 3] for i, c in enumerate(many.columns)}
        theirs.add_sector_constraints(mapper, {"a": 0.2}, {"b": 0.3})
        ours.add_sector_constraints(mapper, {"a": 0.2}, {"b": 0.3})
    w_theirs = pd.Series(getattr(theirs, objective)(*args))
    w_ours = getattr(ours, objective)(*args)
    assert gap(w_theirs, w_ours) < 1e-6
