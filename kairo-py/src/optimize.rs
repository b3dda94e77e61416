//! `kairo.optimize`'s native functions: numpy arrays in and out, every number from `kairo_core::optimize`.

use std::collections::BTreeMap;

use kairo_core::optimize::{
    self as opt, equal_risk_contribution, hrp, hrp_from_covariance, ledoit_wolf, rebalance, risk_budget, risk_models,
    shrunk_covariance, Annualize, Covariance, EfficientFrontier, RebalanceOptions, Returns, Sector, Shares,
    ShrinkageTarget,
};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArrayDyn};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rust_decimal::Decimal;

use crate::arrays::columns;
use crate::errors::{parameter, OrRaise};
use crate::report::record;
use crate::scalars::{date, decimal};

/// A 2-D array as one column-major vector with its shape.
fn matrix(array: &PyReadonlyArrayDyn<'_, f64>, name: &str) -> PyResult<(Vec<f64>, usize, usize)> {
    let cols = columns(array, name)?;
    let rows = cols.columns.first().map_or(0, |c| c.len());
    let width = cols.columns.len();
    let mut data = Vec::with_capacity(rows * width);
    cols.columns.iter().for_each(|c| data.extend_from_slice(c));
    Ok((data, rows, width))
}

fn returns_of(data: &PyReadonlyArrayDyn<'_, f64>, returns_data: bool) -> PyResult<Returns> {
    let (values, rows, cols) = matrix(data, if returns_data { "returns" } else { "prices" })?;
    if returns_data {
        Returns::new(values, rows, cols).or_raise()
    } else {
        Returns::from_prices(&values, rows, cols).or_raise()
    }
}

fn covariance(cov: &PyReadonlyArrayDyn<'_, f64>) -> PyResult<Covariance> {
    let (values, n, m) = matrix(cov, "cov_matrix")?;
    if n != m {
        return Err(crate::errors::input("cov_matrix", format!("must be square, got {n} × {m}")));
    }
    Covariance::new(values, n).or_raise()
}

fn cov_array<'py>(py: Python<'py>, c: &Covariance) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let n = c.assets();
    c.as_slice().to_vec().into_pyarray(py).reshape([n, n])
}

fn annualize(compounding: bool) -> Annualize {
    if compounding {
        Annualize::Compound
    } else {
        Annualize::Simple
    }
}

/// Expected annual returns by `method`: `mean_historical_return`, `ema_historical_return` or `capm_return`.
#[pyfunction]
#[pyo3(signature = (data, method, returns_data, compounding, frequency, span, market, risk_free_rate))]
#[allow(clippy::too_many_arguments)] // PyPortfolioOpt's parameters
fn opt_expected_returns<'py>(
    py: Python<'py>,
    data: PyReadonlyArrayDyn<'py, f64>,
    method: &str,
    returns_data: bool,
    compounding: bool,
    frequency: f64,
    span: f64,
    market: Option<PyReadonlyArrayDyn<'py, f64>>,
    risk_free_rate: f64,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let r = returns_of(&data, returns_data)?;
    let how = annualize(compounding);
    let mu = match method {
        "mean_historical_return" => opt::expected_returns::mean_historical(&r, how, frequency),
        "ema_historical_return" => opt::expected_returns::ema_historical(&r, span, how, frequency),
        "capm_return" => {
            let m = match market {
                Some(m) => Some(returns_of(&m, returns_data)?),
                None => None,
            };
            opt::expected_returns::capm(&r, m.as_ref().map(|m| m.asset(0)), risk_free_rate, how, frequency)
        }
        other => return Err(parameter("method", format!("unknown expected-returns method {other:?}"))),
    }
    .or_raise()?;
    Ok(mu.into_pyarray(py))
}

/// A covariance estimate by `method`, with the shrinkage intensity for the shrunk ones.
#[pyfunction]
#[pyo3(signature = (data, method, returns_data, frequency, span, benchmark, delta))]
#[allow(clippy::too_many_arguments)] // PyPortfolioOpt's parameters
fn opt_risk_matrix<'py>(
    py: Python<'py>,
    data: PyReadonlyArrayDyn<'py, f64>,
    method: &str,
    returns_data: bool,
    frequency: f64,
    span: f64,
    benchmark: f64,
    delta: f64,
) -> PyResult<(Bound<'py, PyArray2<f64>>, Option<f64>)> {
    let r = returns_of(&data, returns_data)?;
    let lw = |t| ledoit_wolf(&r, t, frequency).map(|s| (s.covariance, Some(s.shrinkage)));
    let (cov, shrinkage) = py
        .detach(|| match method {
            "sample_cov" => Ok(risk_models::sample_cov(&r, frequency).map(|c| (c, None))),
            "exp_cov" => Ok(risk_models::exp_cov(&r, span, frequency).map(|c| (c, None))),
            "semicovariance" => Ok(risk_models::semicovariance(&r, benchmark, frequency).map(|c| (c, None))),
            "ledoit_wolf" | "ledoit_wolf_constant_variance" => Ok(lw(ShrinkageTarget::ConstantVariance)),
            "ledoit_wolf_single_factor" => Ok(lw(ShrinkageTarget::SingleFactor)),
            "ledoit_wolf_constant_correlation" => Ok(lw(ShrinkageTarget::ConstantCorrelation)),
            "shrunk_covariance" => Ok(shrunk_covariance(&r, delta, frequency).map(|c| (c, Some(delta)))),
            other => Err(other.to_owned()),
        })
        .map_err(|other| parameter("method", format!("unknown risk model {other:?}")))?
        .or_raise()?;
    Ok((cov_array(py, &cov)?, shrinkage))
}

type SectorSpec = (Vec<usize>, Option<f64>, Option<f64>);

/// Weights, expected return, volatility, Sharpe ratio.
type Performance<'py> = (Bound<'py, PyArray1<f64>>, Option<f64>, f64, Option<f64>);

fn frontier(
    mu: Option<PyReadonlyArrayDyn<'_, f64>>,
    cov: &PyReadonlyArrayDyn<'_, f64>,
    bounds: Vec<(f64, f64)>,
    sectors: Vec<SectorSpec>,
    gamma: f64,
) -> PyResult<EfficientFrontier> {
    let mu = match mu {
        Some(m) => Some(matrix(&m, "expected_returns")?.0),
        None => None,
    };
    let mut ef = EfficientFrontier::new(mu, covariance(cov)?).or_raise()?.bounds_per_asset(bounds).or_raise()?;
    for (assets, lower, upper) in sectors {
        ef = ef.sector(Sector { assets, lower, upper }).or_raise()?;
    }
    ef.l2(gamma).or_raise()
}

/// One objective: weights, expected return, volatility, Sharpe ratio.
#[pyfunction]
#[pyo3(signature = (mu, cov, bounds, sectors, gamma, objective, target, market_neutral, risk_free_rate))]
#[allow(clippy::too_many_arguments)] // PyPortfolioOpt's parameters
fn opt_efficient<'py>(
    py: Python<'py>,
    mu: Option<PyReadonlyArrayDyn<'py, f64>>,
    cov: PyReadonlyArrayDyn<'py, f64>,
    bounds: Vec<(f64, f64)>,
    sectors: Vec<SectorSpec>,
    gamma: f64,
    objective: &str,
    target: f64,
    market_neutral: bool,
    risk_free_rate: f64,
) -> PyResult<Performance<'py>> {
    let ef = frontier(mu, &cov, bounds, sectors, gamma)?;
    let p = py
        .detach(|| match objective {
            "min_volatility" => Ok(ef.min_volatility()),
            "max_sharpe" => Ok(ef.max_sharpe(risk_free_rate)),
            "efficient_return" => Ok(ef.efficient_return(target, market_neutral)),
            "efficient_risk" => Ok(ef.efficient_risk(target, market_neutral)),
            "max_quadratic_utility" => Ok(ef.max_quadratic_utility(target, market_neutral)),
            "max_return" => Ok(ef.max_return()),
            other => Err(other.to_owned()),
        })
        .map_err(|other| parameter("objective", format!("unknown objective {other:?}")))?
        .or_raise()?;
    let p = ef.performance(p.weights, risk_free_rate);
    Ok((p.weights.into_pyarray(py), p.expected_return, p.volatility, p.sharpe))
}

/// Expected return, volatility and Sharpe ratio of `weights` (kairo-core's `EfficientFrontier::performance`).
#[pyfunction]
#[pyo3(signature = (mu, cov, weights, risk_free_rate))]
fn opt_performance(
    mu: Option<PyReadonlyArrayDyn<'_, f64>>,
    cov: PyReadonlyArrayDyn<'_, f64>,
    weights: Vec<f64>,
    risk_free_rate: f64,
) -> PyResult<(Option<f64>, f64, Option<f64>)> {
    let mu = match mu {
        Some(m) => Some(matrix(&m, "expected_returns")?.0),
        None => None,
    };
    let ef = EfficientFrontier::new(mu, covariance(&cov)?).or_raise()?;
    if weights.len() != ef.assets() {
        return Err(crate::errors::input("weights", format!("{} weights for {} assets", weights.len(), ef.assets())));
    }
    let p = ef.performance(weights, risk_free_rate);
    Ok((p.expected_return, p.volatility, p.sharpe))
}

/// `points` points of the efficient frontier: (volatility, expected return, Sharpe ratio).
#[pyfunction]
#[pyo3(signature = (mu, cov, bounds, sectors, gamma, points, risk_free_rate))]
#[allow(clippy::too_many_arguments)] // the frontier's constraints
fn opt_frontier(
    py: Python<'_>,
    mu: Option<PyReadonlyArrayDyn<'_, f64>>,
    cov: PyReadonlyArrayDyn<'_, f64>,
    bounds: Vec<(f64, f64)>,
    sectors: Vec<SectorSpec>,
    gamma: f64,
    points: usize,
    risk_free_rate: f64,
) -> PyResult<Vec<(f64, f64, f64)>> {
    let ef = frontier(mu, &cov, bounds, sectors, gamma)?;
    let pts = py.detach(|| ef.frontier(points, risk_free_rate)).or_raise()?;
    Ok(pts.into_iter().map(|p| (p.volatility, p.expected_return, p.sharpe)).collect())
}

/// HRP weights from returns (or prices), or from a covariance matrix.
#[pyfunction]
#[pyo3(signature = (data, kind))]
fn opt_hrp<'py>(
    py: Python<'py>,
    data: PyReadonlyArrayDyn<'py, f64>,
    kind: &str,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let w = match kind {
        "cov" => {
            let c = covariance(&data)?;
            py.detach(|| hrp_from_covariance(&c)).or_raise()?
        }
        _ => {
            let r = returns_of(&data, kind == "returns")?;
            py.detach(|| hrp(&r)).or_raise()?
        }
    };
    Ok(w.into_pyarray(py))
}

/// Risk-budget (equal risk contribution when `budgets` is None) weights.
#[pyfunction]
#[pyo3(signature = (cov, budgets=None))]
fn opt_risk_budget<'py>(
    py: Python<'py>,
    cov: PyReadonlyArrayDyn<'py, f64>,
    budgets: Option<Vec<f64>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let c = covariance(&cov)?;
    let w = py
        .detach(|| match &budgets {
            Some(b) => risk_budget(&c, b),
            None => equal_risk_contribution(&c),
        })
        .or_raise()?;
    Ok(w.into_pyarray(py))
}

fn shares(fractional_digits: Option<u32>) -> Shares {
    fractional_digits.map_or(Shares::Whole, Shares::Fractional)
}

/// Shares of each named asset (0 for those with no positive weight) and the leftover cash.
#[pyfunction]
#[pyo3(signature = (weights, prices, budget, fractional_digits=None))]
fn opt_allocate(
    weights: Vec<(String, f64)>,
    prices: Vec<Option<Bound<'_, PyAny>>>,
    budget: Bound<'_, PyAny>,
    fractional_digits: Option<u32>,
) -> PyResult<(Vec<Decimal>, Decimal)> {
    let prices = prices
        .iter()
        .map(|p| p.as_ref().map(|p| decimal("latest_prices", p)).transpose())
        .collect::<PyResult<Vec<_>>>()?;
    let budget = decimal("total_portfolio_value", &budget)?;
    let a = opt::allocate_named(&weights, &prices, budget, shares(fractional_digits)).or_raise()?;
    Ok((a.shares, a.leftover))
}

/// Weights below `cutoff` set to 0, the rest rounded to `rounding` decimals.
#[pyfunction]
#[pyo3(signature = (weights, cutoff, rounding=None))]
fn opt_clean_weights(weights: Vec<f64>, cutoff: f64, rounding: Option<u32>) -> Vec<f64> {
    opt::clean_weights(&weights, cutoff, rounding)
}

/// The tax-aware rebalance plan, as a dict.
#[pyfunction]
#[pyo3(signature = (trades, prices, targets, as_of, cash, turnover_limit=None, allow_wash_sales=false, fractional_digits=None, lot_method="fifo"))]
#[allow(clippy::too_many_arguments)] // the plan's options
fn opt_rebalance<'py>(
    py: Python<'py>,
    trades: &Bound<'py, PyAny>,
    prices: BTreeMap<String, Bound<'py, PyAny>>,
    targets: BTreeMap<String, f64>,
    as_of: &Bound<'py, PyAny>,
    cash: &Bound<'py, PyAny>,
    turnover_limit: Option<f64>,
    allow_wash_sales: bool,
    fractional_digits: Option<u32>,
    lot_method: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let trades = crate::convert::trades(trades)?;
    let prices =
        prices.iter().map(|(s, p)| Ok((s.clone(), decimal("prices", p)?))).collect::<PyResult<BTreeMap<_, _>>>()?;
    let mut opts = RebalanceOptions::new(date("as_of", as_of)?, decimal("cash", cash)?);
    opts.turnover_limit = turnover_limit;
    opts.allow_wash_sales = allow_wash_sales;
    opts.shares = shares(fractional_digits);
    opts.lot_method = lot_method.parse().or_raise()?;
    let plan = py.detach(|| rebalance(&trades[..], &prices, &targets, &opts)).or_raise()?;
    record(py, &plan.fields())
}

/// Registers the functions on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(opt_expected_returns, m)?)?;
    m.add_function(wrap_pyfunction!(opt_risk_matrix, m)?)?;
    m.add_function(wrap_pyfunction!(opt_efficient, m)?)?;
    m.add_function(wrap_pyfunction!(opt_frontier, m)?)?;
    m.add_function(wrap_pyfunction!(opt_hrp, m)?)?;
    m.add_function(wrap_pyfunction!(opt_risk_budget, m)?)?;
    m.add_function(wrap_pyfunction!(opt_allocate, m)?)?;
    m.add_function(wrap_pyfunction!(opt_rebalance, m)?)?;
    m.add_function(wrap_pyfunction!(opt_clean_weights, m)?)?;
    m.add_function(wrap_pyfunction!(opt_performance, m)?)?;
    Ok(())
}
