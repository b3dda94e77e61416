//! The metric functions: conversion of arguments and results only; every formula is kairo-core's
//! ([`kairo_core::metrics`]).

use kairo_core::metrics::{self as m, annualization_factor, Metrics, MetricsOptions, Period};
use numpy::{IntoPyArray, PyArrayMethods, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::{binary, binary_pair, detach, one_d, series, unary};
use crate::errors::OrRaise;

type Array<'py> = PyReadonlyArrayDyn<'py, f64>;

/// The annualization factor for `period` (a name) and an optional override.
fn factor(period: &str, annualization: Option<f64>) -> PyResult<f64> {
    let period: Period = period.parse().or_raise()?;
    annualization_factor(period, annualization).or_raise()
}

#[pyfunction]
#[pyo3(signature = (returns, starting_value=0.0))]
fn cum_returns<'py>(py: Python<'py>, returns: Array<'py>, starting_value: f64) -> PyResult<Bound<'py, PyAny>> {
    if returns.ndim() == 2 && returns.is_c_contiguous() {
        // row-major: every column advanced row by row, without a transpose either way
        let (rows, width) = (returns.shape()[0], returns.shape()[1]);
        let table = returns.as_slice().map_err(|e| crate::errors::input("returns", e.to_string()))?;
        let out = detach(py, table.len(), || m::cum_returns_rows(table, width, starting_value));
        return Ok(numpy::PyArray1::from_vec(py, out).reshape([rows, width])?.into_any());
    }
    if returns.ndim() == 2 && returns.is_fortran_contiguous() {
        // column-major (a pandas frame's values): the columns one after another into one buffer, handed back as
        // the transpose of a (columns, rows) array, column-major like the input
        let (rows, width) = (returns.shape()[0], returns.shape()[1]);
        let table = returns.as_slice().map_err(|e| crate::errors::input("returns", e.to_string()))?;
        let out = detach(py, table.len(), || {
            let mut out = Vec::with_capacity(table.len());
            for column in table.chunks_exact(rows.max(1)) {
                m::cum_returns_into(column, starting_value, &mut out);
            }
            out
        });
        return numpy::PyArray1::from_vec(py, out).reshape([width, rows])?.getattr("T");
    }
    series(py, returns, |r| m::cum_returns(r, starting_value))
}

#[pyfunction]
#[pyo3(signature = (returns, starting_value=0.0))]
fn cum_returns_final<'py>(py: Python<'py>, returns: Array<'py>, starting_value: f64) -> PyResult<Bound<'py, PyAny>> {
    unary(py, returns, |r| Ok(m::cum_returns_final(r, starting_value)))
}

/// A metric of `returns` with one rate parameter (default 0) and the period's annualization factor.
macro_rules! rate_fn {
    ($name:ident, $param:ident) => {
        #[pyfunction]
        #[pyo3(signature = (returns, $param=0.0, period="daily", annualization=None))]
        fn $name<'py>(
            py: Python<'py>,
            returns: Array<'py>,
            $param: f64,
            period: &str,
            annualization: Option<f64>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let a = factor(period, annualization)?;
            unary(py, returns, |r| Ok(m::$name(r, $param, a)))
        }
    };
}
rate_fn!(sharpe_ratio, risk_free);
rate_fn!(sortino_ratio, required_return);
rate_fn!(downside_risk, required_return);

/// A metric of `returns` and the period's annualization factor.
macro_rules! annualized_fn {
    ($name:ident) => {
        #[pyfunction]
        #[pyo3(signature = (returns, period="daily", annualization=None))]
        fn $name<'py>(
            py: Python<'py>,
            returns: Array<'py>,
            period: &str,
            annualization: Option<f64>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let a = factor(period, annualization)?;
            unary(py, returns, |r| Ok(m::$name(r, a)))
        }
    };
}
annualized_fn!(annual_return);
annualized_fn!(calmar_ratio);

/// A tail metric of `returns` at a probability `cutoff` (default 0.05).
macro_rules! cutoff_fn {
    ($name:ident) => {
        #[pyfunction]
        #[pyo3(signature = (returns, cutoff=0.05))]
        fn $name<'py>(py: Python<'py>, returns: Array<'py>, cutoff: f64) -> PyResult<Bound<'py, PyAny>> {
            unary(py, returns, |r| m::$name(r, cutoff))
        }
    };
}
cutoff_fn!(value_at_risk);
cutoff_fn!(conditional_value_at_risk);
cutoff_fn!(cornish_fisher_var);
cutoff_fn!(parametric_var);

#[pyfunction]
#[pyo3(signature = (returns, period="daily", alpha=2.0, annualization=None))]
fn annual_volatility<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    period: &str,
    alpha: f64,
    annualization: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let a = factor(period, annualization)?;
    unary(py, returns, |r| m::annual_volatility_alpha(r, a, alpha))
}

#[pyfunction]
fn max_drawdown<'py>(py: Python<'py>, returns: Array<'py>) -> PyResult<Bound<'py, PyAny>> {
    unary(py, returns, |r| Ok(m::max_drawdown(r)))
}

#[pyfunction]
#[pyo3(signature = (returns, risk_free=0.0, required_return=0.0, annualization=252.0))]
fn omega_ratio<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    risk_free: f64,
    required_return: f64,
    annualization: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let a = annualization_factor(Period::Daily, Some(annualization)).or_raise()?;
    unary(py, returns, |r| Ok(m::omega_ratio(r, risk_free, required_return, a)))
}

#[pyfunction]
fn tail_ratio<'py>(py: Python<'py>, returns: Array<'py>) -> PyResult<Bound<'py, PyAny>> {
    unary(py, returns, |r| Ok(m::tail_ratio(r)))
}

#[pyfunction]
fn stability_of_timeseries<'py>(py: Python<'py>, returns: Array<'py>) -> PyResult<Bound<'py, PyAny>> {
    unary(py, returns, |r| Ok(m::stability_of_timeseries(r)))
}

#[pyfunction]
#[pyo3(signature = (returns, benchmark_sharpe=0.0))]
fn probabilistic_sharpe_ratio<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    benchmark_sharpe: f64,
) -> PyResult<Bound<'py, PyAny>> {
    unary(py, returns, |r| m::probabilistic_sharpe_ratio(r, benchmark_sharpe))
}

#[pyfunction]
fn deflated_sharpe_ratio<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    trials: usize,
    sharpe_variance: f64,
) -> PyResult<Bound<'py, PyAny>> {
    unary(py, returns, |r| m::deflated_sharpe_ratio(r, trials, sharpe_variance))
}

#[pyfunction]
#[pyo3(signature = (returns, factor_returns, risk_free=0.0, period="daily", annualization=None))]
fn alpha<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    factor_returns: Array<'py>,
    risk_free: f64,
    period: &str,
    annualization: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let a = factor(period, annualization)?;
    binary(py, returns, factor_returns, |r, f| m::alpha(r, f, risk_free, a))
}

/// Alpha of series already less their per-period risk-free rates, for a beta of the unadjusted series.
#[pyfunction]
#[pyo3(signature = (adjusted_returns, adjusted_factor, beta, period="daily", annualization=None))]
fn alpha_for_beta(
    adjusted_returns: Array<'_>,
    adjusted_factor: Array<'_>,
    beta: f64,
    period: &str,
    annualization: Option<f64>,
) -> PyResult<f64> {
    let a = factor(period, annualization)?;
    let (r, f) = (one_d(&adjusted_returns, "returns")?, one_d(&adjusted_factor, "factor_returns")?);
    m::alpha_for_beta(&r, &f, beta, a).or_raise()
}

/// `risk_free` is accepted for empyrical compatibility; it does not change beta (empyrical subtracts it from both
/// series, and a covariance over a variance does not move when both series shift by the same constant).
#[pyfunction]
#[allow(unused_variables)] // `risk_free`: see above; its name is the Python keyword, so it cannot be `_risk_free`
#[pyo3(signature = (returns, factor_returns, risk_free=0.0))]
fn beta<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    factor_returns: Array<'py>,
    risk_free: f64,
) -> PyResult<Bound<'py, PyAny>> {
    binary(py, returns, factor_returns, m::beta)
}

#[pyfunction]
#[pyo3(signature = (returns, factor_returns, risk_free=0.0, period="daily", annualization=None))]
fn alpha_beta<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    factor_returns: Array<'py>,
    risk_free: f64,
    period: &str,
    annualization: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let a = factor(period, annualization)?;
    binary_pair(py, returns, factor_returns, |r, f| m::alpha_beta(r, f, risk_free, a))
}

macro_rules! capture_fn {
    ($name:ident) => {
        #[pyfunction]
        #[pyo3(signature = (returns, factor_returns, period="daily", annualization=None))]
        fn $name<'py>(
            py: Python<'py>,
            returns: Array<'py>,
            factor_returns: Array<'py>,
            period: &str,
            annualization: Option<f64>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let a = factor(period, annualization)?;
            binary(py, returns, factor_returns, |r, f| m::$name(r, f, a))
        }
    };
}
capture_fn!(up_capture);
capture_fn!(down_capture);
capture_fn!(up_down_capture);

#[pyfunction]
fn excess_sharpe<'py>(py: Python<'py>, returns: Array<'py>, factor_returns: Array<'py>) -> PyResult<Bound<'py, PyAny>> {
    binary(py, returns, factor_returns, m::excess_sharpe)
}

#[pyfunction]
#[pyo3(signature = (returns, factor_returns, period="daily", annualization=None))]
fn tracking_error<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    factor_returns: Array<'py>,
    period: &str,
    annualization: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let a = factor(period, annualization)?;
    binary(py, returns, factor_returns, |r, f| m::tracking_error(r, f, a))
}

#[pyfunction]
#[pyo3(signature = (returns, window, risk_free=0.0, period="daily", annualization=None))]
fn rolling_sharpe<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    window: usize,
    risk_free: f64,
    period: &str,
    annualization: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let a = factor(period, annualization)?;
    let r = one_d(&returns, "returns")?;
    let out = detach(py, r.len(), || m::rolling_sharpe(&r, window, risk_free, a)).or_raise()?;
    Ok(out.into_pyarray(py).into_any())
}

#[pyfunction]
#[pyo3(signature = (returns, window, period="daily", annualization=None))]
fn rolling_volatility<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    window: usize,
    period: &str,
    annualization: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let a = factor(period, annualization)?;
    let r = one_d(&returns, "returns")?;
    let out = detach(py, r.len(), || m::rolling_volatility(&r, window, a)).or_raise()?;
    Ok(out.into_pyarray(py).into_any())
}

#[pyfunction]
fn rolling_beta<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    factor_returns: Array<'py>,
    window: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let r = one_d(&returns, "returns")?;
    let f = one_d(&factor_returns, "factor_returns")?;
    let out = detach(py, r.len(), || m::rolling_beta(&r, &f, window)).or_raise()?;
    Ok(out.into_pyarray(py).into_any())
}

#[pyfunction]
#[pyo3(signature = (returns, top=10))]
fn drawdown_periods<'py>(py: Python<'py>, returns: Array<'py>, top: usize) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let r = one_d(&returns, "returns")?;
    let periods = detach(py, r.len(), || m::drawdown_periods(&r, top));
    periods
        .iter()
        .map(|p| {
            let d = PyDict::new(py);
            d.set_item("peak", p.peak)?;
            d.set_item("valley", p.valley)?;
            d.set_item("recovery", p.recovery)?;
            d.set_item("depth", p.depth)?;
            d.set_item("decline_periods", p.decline_periods)?;
            d.set_item("recovery_periods", p.recovery_periods)?;
            d.set_item("total_periods", p.total_periods)?;
            Ok(d)
        })
        .collect()
}

/// Every metric at once ([`Metrics::compute`]), as a dict; the benchmark metrics are included when
/// `factor_returns` is given.
#[pyfunction]
#[pyo3(signature = (returns, factor_returns=None, risk_free=0.0, period="daily", annualization=None,
                    required_return=0.0, omega_required_return=0.0, cutoff=0.05))]
#[allow(clippy::too_many_arguments)]
fn metrics<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    factor_returns: Option<Array<'py>>,
    risk_free: f64,
    period: &str,
    annualization: Option<f64>,
    required_return: f64,
    omega_required_return: f64,
    cutoff: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let options = MetricsOptions {
        risk_free,
        required_return,
        omega_required_return,
        period: period.parse().or_raise()?,
        annualization,
        cutoff,
    };
    let r = one_d(&returns, "returns")?;
    let f = factor_returns.as_ref().map(|f| one_d(f, "factor_returns")).transpose()?;
    let all = detach(py, r.len(), || Metrics::compute(&r, f.as_deref(), &options)).or_raise()?;
    metrics_dict(py, &all)
}

/// The dict form of [`Metrics`]: kairo-core's list of its fields ([`Metrics::fields`]), benchmark metrics
/// flattened in.
pub fn metrics_dict<'py>(py: Python<'py>, all: &Metrics) -> PyResult<Bound<'py, PyDict>> {
    crate::report::record(py, &all.fields())
}

/// Registers the metric functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    macro_rules! add {
        ($($f:ident),* $(,)?) => { $( m.add_function(wrap_pyfunction!($f, m)?)?; )* };
    }
    add!(
        cum_returns,
        cum_returns_final,
        alpha_for_beta,
        annual_return,
        annual_volatility,
        sharpe_ratio,
        sortino_ratio,
        downside_risk,
        max_drawdown,
        calmar_ratio,
        omega_ratio,
        tail_ratio,
        stability_of_timeseries,
        value_at_risk,
        conditional_value_at_risk,
        cornish_fisher_var,
        parametric_var,
        probabilistic_sharpe_ratio,
        deflated_sharpe_ratio,
        alpha,
        beta,
        alpha_beta,
        up_capture,
        down_capture,
        up_down_capture,
        excess_sharpe,
        tracking_error,
        rolling_sharpe,
        rolling_volatility,
        rolling_beta,
        drawdown_periods,
        metrics,
    );
    Ok(())
}
