//! Rolling-window metrics (empyrical `roll_sharpe_ratio`, `roll_annual_volatility`, `roll_beta`): the metric of
//! every window of `window` consecutive periods, `n − window + 1` values, the first for periods `0..window`.
//! [`rolling_sharpe`], [`rolling_volatility`] and [`rolling_beta`] slide their sums in one pass (O(n); see
//! `sliding.rs`) and agree with the full-series function of each window to 1e-12 of the value; [`roll`] and [`roll_pairs`] compute any metric of each window exactly, O(n · window).

use super::checks::check_lengths;
use super::ratios::{annual_volatility, sharpe_ratio};
use super::regression::beta;
use super::sliding::{sliding, sliding_beta};
use crate::error::MetricsError;

fn check_window(window: usize) -> Result<(), MetricsError> {
    if window == 0 {
        Err(MetricsError::InvalidParameter { name: "window", reason: "must be at least 1".into() })
    } else {
        Ok(())
    }
}

/// [`sharpe_ratio`] over each window. Empty when the series is shorter than the window.
///
/// ```
/// use kairo_core::metrics::{rolling_sharpe, sharpe_ratio};
/// let r = [0.01, 0.02, -0.01, 0.03];
/// let s = rolling_sharpe(&r, 3, 0.0, 252.0).unwrap();
/// assert_eq!(s, vec![sharpe_ratio(&r[..3], 0.0, 252.0), sharpe_ratio(&r[1..], 0.0, 252.0)]);
/// ```
pub fn rolling_sharpe(
    returns: &[f64],
    window: usize,
    risk_free: f64,
    annualization: f64,
) -> Result<Vec<f64>, MetricsError> {
    check_window(window)?;
    let exact = |w: &[f64]| sharpe_ratio(w, risk_free, annualization);
    let root = annualization.sqrt();
    let fast = sliding(returns, window, exact, |m| {
        // a constant window: a standard deviation of exactly 0 (empyrical's zero-dispersion rule)
        let std = if m.constant { 0.0 } else { (m.squared_deviations / (m.count - 1) as f64).sqrt() };
        ((m.mean - risk_free) / std) * root
    });
    Ok(fast.unwrap_or_else(|| returns.windows(window).map(exact).collect()))
}

/// [`annual_volatility`] over each window.
pub fn rolling_volatility(returns: &[f64], window: usize, annualization: f64) -> Result<Vec<f64>, MetricsError> {
    check_window(window)?;
    let exact = |w: &[f64]| annual_volatility(w, annualization);
    let root = annualization.powf(0.5);
    let fast = sliding(returns, window, exact, |m| {
        let std = if m.constant { 0.0 } else { (m.squared_deviations / (m.count - 1) as f64).sqrt() };
        std * root
    });
    Ok(fast.unwrap_or_else(|| returns.windows(window).map(exact).collect()))
}

/// [`beta`] over each window of the two aligned series.
pub fn rolling_beta(returns: &[f64], factor_returns: &[f64], window: usize) -> Result<Vec<f64>, MetricsError> {
    check_window(window)?;
    check_lengths(returns, factor_returns)?;
    let exact = |r: &[f64], f: &[f64]| beta(r, f).unwrap_or(f64::NAN);
    if let Some(fast) = sliding_beta(returns, factor_returns, window, exact) {
        return Ok(fast);
    }
    returns.windows(window).zip(factor_returns.windows(window)).map(|(r, f)| beta(r, f)).collect()
}

/// Any metric `f` of each window of `window` periods (empyrical's `roll_*` functions): `n − w + 1` values, with
/// `w = min(window, n)` (a window longer than the series is the whole series, as empyrical takes it); empty for an
/// empty series.
///
/// ```
/// use kairo_core::metrics::{max_drawdown, roll};
/// let r = [0.01, -0.02, 0.03, -0.01];
/// let dd = roll(&r, 2, max_drawdown).unwrap();
/// assert_eq!(dd, vec![max_drawdown(&r[..2]), max_drawdown(&r[1..3]), max_drawdown(&r[2..])]);
/// assert!((dd[0] + 0.02).abs() < 1e-15 && (dd[2] + 0.01).abs() < 1e-15);
/// assert_eq!(roll(&r, 10, max_drawdown).unwrap(), vec![max_drawdown(&r)]);
/// ```
pub fn roll<T>(returns: &[f64], window: usize, f: impl FnMut(&[f64]) -> T) -> Result<Vec<T>, MetricsError> {
    check_window(window)?;
    if returns.is_empty() {
        return Ok(Vec::new());
    }
    Ok(returns.windows(window.min(returns.len())).map(f).collect())
}

/// Any metric `f` of each window of two aligned series (empyrical's binary `roll_*` functions), windows as in
/// [`roll`].
///
/// Errors: the series differ in length.
pub fn roll_pairs<T>(
    returns: &[f64],
    factor_returns: &[f64],
    window: usize,
    mut f: impl FnMut(&[f64], &[f64]) -> T,
) -> Result<Vec<T>, MetricsError> {
    check_window(window)?;
    check_lengths(returns, factor_returns)?;
    if returns.is_empty() {
        return Ok(Vec::new());
    }
    let w = window.min(returns.len());
    Ok(returns.windows(w).zip(factor_returns.windows(w)).map(|(r, b)| f(r, b)).collect())
}
