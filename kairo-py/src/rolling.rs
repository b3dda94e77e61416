//! empyrical's rolling family (`roll_sharpe_ratio`, `roll_beta`, ...) and the metrics of the up/down family,
//! the tails and the batting average: conversion only, the numbers are kairo-core's
//! ([`kairo_core::metrics::roll`], [`kairo_core::metrics::roll_pairs`] and the metric each window takes).

use kairo_core::error::MetricsError;
use kairo_core::metrics::{self as m, annualization_factor, Period};
use numpy::{IntoPyArray, PyArray1, PyArrayMethods, PyReadonlyArrayDyn};
use pyo3::prelude::*;

use crate::arrays::{columns, detach, interleave, map_parallel, one_d, pairs};
use crate::errors::{parameter, OrRaise};

type Array<'py> = PyReadonlyArrayDyn<'py, f64>;

/// A metric of one window.
type Unary = Box<dyn Fn(&[f64]) -> f64 + Send + Sync>;

/// A metric of one window of two aligned series.
type Binary = Box<dyn Fn(&[f64], &[f64]) -> Result<f64, MetricsError> + Send + Sync>;

fn factor(period: &str, annualization: Option<f64>) -> PyResult<f64> {
    let period: Period = period.parse().or_raise()?;
    annualization_factor(period, annualization).or_raise()
}

/// A unary metric by its empyrical name, with its rate (risk-free or required return), annualization factor and
/// volatility exponent.
fn unary_metric(name: &str, rate: f64, a: f64, alpha: f64) -> PyResult<Unary> {
    Ok(match name {
        "sharpe_ratio" => Box::new(move |w| m::sharpe_ratio(w, rate, a)),
        "sortino_ratio" => Box::new(move |w| m::sortino_ratio(w, rate, a)),
        "downside_risk" => Box::new(move |w| m::downside_risk(w, rate, a)),
        "annual_volatility" => {
            m::annual_volatility_alpha(&[], a, alpha).or_raise()?;
            Box::new(move |w| m::annual_volatility_alpha(w, a, alpha).unwrap_or(f64::NAN))
        }
        "max_drawdown" => Box::new(m::max_drawdown),
        "annual_return" | "cagr" => Box::new(move |w| m::annual_return(w, a)),
        other => return Err(parameter("metric", format!("no rolling metric named {other:?}"))),
    })
}

/// Rows of windows × columns as a numpy array: 1-D for one column of 1-D input, else (windows, columns).
pub fn table<'py>(py: Python<'py>, one_d: bool, per_column: Vec<Vec<f64>>) -> PyResult<Bound<'py, PyAny>> {
    if one_d {
        return Ok(per_column.into_iter().next().unwrap_or_default().into_pyarray(py).into_any());
    }
    let rows = per_column.first().map_or(0, Vec::len);
    let width = per_column.len();
    Ok(PyArray1::from_vec(py, interleave(&per_column)).reshape([rows, width])?.into_any())
}

/// `metric` of each window of `window` periods, per column (empyrical's `roll_<metric>`).
#[pyfunction]
#[pyo3(signature = (returns, window, metric, rate=0.0, period="daily", annualization=None, alpha=2.0))]
#[allow(clippy::too_many_arguments)]
fn roll<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    window: usize,
    metric: &str,
    rate: f64,
    period: &str,
    annualization: Option<f64>,
    alpha: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let a = factor(period, annualization)?;
    let f = unary_metric(metric, rate, a, alpha)?;
    let cols = columns(&returns, "returns")?;
    let work = cols.len().saturating_mul(window.max(1));
    let out: Result<Vec<Vec<f64>>, MetricsError> = detach(py, work, || {
        map_parallel(&cols.columns, work, |c| {
            // A window longer than the series is the whole series (empyrical's min(len, window)).
            let w = window.min(c.len()).max(usize::from(window > 0));
            match metric {
                _ if c.is_empty() || window == 0 => m::roll(c, window, &f),
                "sharpe_ratio" => m::rolling_sharpe(c, w, rate, a),
                "annual_volatility" if alpha == 2.0 => m::rolling_volatility(c, w, a),
                _ => m::roll(c, window, &f),
            }
        })
        .into_iter()
        .collect()
    });
    table(py, cols.one_d, out.or_raise()?)
}

/// `metric` (`alpha`, `beta`, `alpha_beta`, `up_capture`, `down_capture`, `up_down_capture`) of each window of
/// the two aligned series, per column of `returns`; `alpha_beta` gives (windows, 2) for 1-D input.
#[pyfunction]
#[pyo3(signature = (returns, factor_returns, window, metric, risk_free=0.0, period="daily", annualization=None))]
#[allow(clippy::too_many_arguments)]
fn roll_pairs<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    factor_returns: Array<'py>,
    window: usize,
    metric: &str,
    risk_free: f64,
    period: &str,
    annualization: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let a = factor(period, annualization)?;
    let r = columns(&returns, "returns")?;
    let fr = columns(&factor_returns, "factor_returns")?;
    let pairs = pairs(&r, &fr)?;
    let work = r.len().saturating_mul(window.max(1));
    if metric == "alpha_beta" {
        if !r.one_d {
            return Err(parameter("returns", "roll_alpha_beta takes 1-D returns".to_owned()));
        }
        let (x, y) = pairs[0];
        let out = detach(py, work, || m::roll_pairs(x, y, window, |a_, b_| m::alpha_beta(a_, b_, risk_free, a)));
        let rows: Result<Vec<(f64, f64)>, MetricsError> = out.or_raise()?.into_iter().collect();
        let flat: Vec<f64> = rows.or_raise()?.into_iter().flat_map(|(al, be)| [al, be]).collect();
        let n = flat.len() / 2;
        return Ok(PyArray1::from_vec(py, flat).reshape([n, 2])?.into_any());
    }
    let f: Binary = match metric {
        "alpha" => Box::new(move |x, y| m::alpha(x, y, risk_free, a)),
        "beta" => Box::new(m::beta),
        "up_capture" => Box::new(move |x, y| m::up_capture(x, y, a)),
        "down_capture" => Box::new(move |x, y| m::down_capture(x, y, a)),
        "up_down_capture" => Box::new(move |x, y| m::up_down_capture(x, y, a)),
        other => return Err(parameter("metric", format!("no rolling metric named {other:?}"))),
    };
    let out: Result<Vec<Vec<f64>>, MetricsError> = detach(py, work, || {
        map_parallel(&pairs, work, |(x, y)| {
            if metric == "beta" && window > 0 && !x.is_empty() && x.len() == y.len() {
                return m::rolling_beta(x, y, window.min(x.len()));
            }
            m::roll_pairs(x, y, window, &f)?.into_iter().collect()
        })
        .into_iter()
        .collect()
    });
    table(py, r.one_d, out.or_raise()?)
}

/// `annual_return(returns) / annual_return(factor_returns)`, each over its own periods (empyrical `capture`).
#[pyfunction]
#[pyo3(signature = (returns, factor_returns, period="daily", annualization=None))]
fn capture(returns: Array<'_>, factor_returns: Array<'_>, period: &str, annualization: Option<f64>) -> PyResult<f64> {
    let a = factor(period, annualization)?;
    Ok(m::capture_ratio(&one_d(&returns, "returns")?, &one_d(&factor_returns, "factor_returns")?, a))
}

/// `(overall, up market, down market)` from the active returns and the benchmark's.
#[pyfunction]
fn batting_average(active_returns: Array<'_>, factor_returns: Array<'_>) -> PyResult<(f64, f64, f64)> {
    Ok(m::batting_average(&one_d(&active_returns, "returns")?, &one_d(&factor_returns, "factor_returns")?))
}

/// empyrical `beta_fragility_heuristic_aligned`.
#[pyfunction]
fn beta_fragility_heuristic(returns: Array<'_>, factor_returns: Array<'_>) -> PyResult<f64> {
    Ok(m::beta_fragility_heuristic(&one_d(&returns, "returns")?, &one_d(&factor_returns, "factor_returns")?))
}

/// `[threshold, scale, shape, var, es]` (empyrical `gpd_risk_estimates_aligned`).
#[pyfunction]
#[pyo3(signature = (returns, var_p=0.01))]
fn gpd_risk_estimates<'py>(py: Python<'py>, returns: Array<'py>, var_p: f64) -> PyResult<Bound<'py, PyAny>> {
    let r = one_d(&returns, "returns")?;
    Ok(m::gpd_risk_estimates(&r, var_p).to_array().to_vec().into_pyarray(py).into_any())
}

pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(roll, module)?)?;
    module.add_function(wrap_pyfunction!(roll_pairs, module)?)?;
    module.add_function(wrap_pyfunction!(capture, module)?)?;
    module.add_function(wrap_pyfunction!(batting_average, module)?)?;
    module.add_function(wrap_pyfunction!(beta_fragility_heuristic, module)?)?;
    module.add_function(wrap_pyfunction!(gpd_risk_estimates, module)?)?;
    Ok(())
}
