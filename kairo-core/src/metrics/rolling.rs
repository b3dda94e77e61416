//! Rolling-window metrics (empyrical `roll_sharpe_ratio`, `roll_annual_volatility`, `roll_beta`): the metric of
//! every window of `window` consecutive periods, `n − window + 1` values, the first for periods `0..window`.
//! Each window is computed exactly as the full-series function computes it, so a value never drifts with the
//! length of the series; the cost is O(n · window).

use super::checks::check_lengths;
use super::ratios::{annual_volatility, sharpe_ratio};
use super::regression::beta;
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
    Ok(returns.windows(window).map(|w| sharpe_ratio(w, risk_free, annualization)).collect())
}

/// [`annual_volatility`] over each window.
pub fn rolling_volatility(returns: &[f64], window: usize, annualization: f64) -> Result<Vec<f64>, MetricsError> {
    check_window(window)?;
    Ok(returns.windows(window).map(|w| annual_volatility(w, annualization)).collect())
}

/// [`beta`] over each window of the two aligned series.
pub fn rolling_beta(returns: &[f64], factor_returns: &[f64], window: usize) -> Result<Vec<f64>, MetricsError> {
    check_window(window)?;
    check_lengths(returns, factor_returns)?;
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
