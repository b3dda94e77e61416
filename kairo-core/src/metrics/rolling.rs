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
