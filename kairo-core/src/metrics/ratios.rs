//! Volatility and risk-adjusted return ratios (empyrical's `annual_volatility`, `sharpe_ratio`, `sortino_ratio`,
//! `downside_risk`, `calmar_ratio`, `omega_ratio`, `excess_sharpe`), plus the annualized tracking error.

use super::checks::check_lengths;
use super::cumulative::annual_return;
use super::drawdown::max_drawdown;
use super::kernels::{
    downside_square, nan_min_max, nan_sum_count, paired_multi_sum, paired_sum_by, sum_count_by, sum_known_by,
};
use super::long_series::{spread, LONG_SERIES};
use super::stats::{mean_of, std_from_parts, std_from_sum_sq, zero_dispersion};
use crate::error::MetricsError;

/// Annualized volatility (empyrical `annual_volatility` with `alpha = 2`): `nanstd(r, ddof=1) · A^(1/2)` where
/// `A` is the annualization factor. NaN when fewer than two periods.
///
/// ```
/// use kairo_core::metrics::annual_volatility;
/// // std of [0.01, 0.03] with ddof 1 is 0.014142…; × √252
/// let v = annual_volatility(&[0.01, 0.03], 252.0);
/// assert!((v - 0.02f64.sqrt() / 10.0 * 252f64.sqrt()).abs() < 1e-15);
/// ```
pub fn annual_volatility(returns: &[f64], annualization: f64) -> f64 {
    sample_std(returns) * annualization.powf(0.5)
}

/// empyrical's `annual_volatility` with its `alpha` argument: `nanstd(r, ddof=1) · A^(1/alpha)`. With `alpha = 2`
/// it is [`annual_volatility`], bit for bit. NaN when fewer than two periods.
///
/// Errors: `alpha` zero, negative or not finite.
///
/// ```
/// use kairo_core::metrics::{annual_volatility, annual_volatility_alpha};
/// let r = [0.01, 0.03, -0.02];
/// assert_eq!(annual_volatility_alpha(&r, 252.0, 2.0).unwrap(), annual_volatility(&r, 252.0));
/// let cube_root = annual_volatility_alpha(&r, 252.0, 3.0).unwrap();
/// assert!((cube_root - annual_volatility(&r, 1.0) * 252f64.powf(1.0 / 3.0)).abs() < 1e-15);
/// ```
pub fn annual_volatility_alpha(returns: &[f64], annualization: f64, alpha: f64) -> Result<f64, MetricsError> {
    if !(alpha.is_finite() && alpha > 0.0) {
        return Err(MetricsError::InvalidParameter {
            name: "alpha",
            reason: format!("must be a finite number greater than zero, got {alpha}"),
        });
    }
    Ok(sample_std(returns) * annualization.powf(1.0 / alpha))
}

/// `nanstd(r, ddof=1)`; NaN when fewer than two periods.
fn sample_std(returns: &[f64]) -> f64 {
    if returns.len() < 2 {
        return f64::NAN;
    }
    if returns.len() >= LONG_SERIES {
        let s = spread(returns);
        return std_from_sum_sq(s.m2, s.count, 1);
    }
    let (sum, count) = nan_sum_count(returns);
    std_from_parts(returns, sum, count, 1)
}

/// Annualized Sharpe ratio (empyrical `sharpe_ratio`):
/// `mean(r − r_f) / std(r − r_f, ddof=1) · √A`, over the non-NaN returns, with `risk_free` a per-period rate.
/// A series with no dispersion has a standard deviation of exactly 0, so its ratio is ±∞ (or NaN for a zero
/// mean). NaN when fewer than two periods.
///
/// ```
/// use kairo_core::metrics::sharpe_ratio;
/// // mean 0.02, std 0.014142… → 1.41421… per period, × √252
/// let s = sharpe_ratio(&[0.01, 0.03], 0.0, 252.0);
/// assert!((s - 2f64.sqrt() * 252f64.sqrt()).abs() < 1e-12);
/// ```
pub fn sharpe_ratio(returns: &[f64], risk_free: f64, annualization: f64) -> f64 {
    if returns.len() < 2 {
        return f64::NAN;
    }
    if returns.len() >= LONG_SERIES {
        // One pass: the standard deviation of r − r_f is that of r.
        let s = spread(returns);
        let std = zero_dispersion(std_from_sum_sq(s.m2, s.count, 1), s.min, s.max);
        return ((s.mean - risk_free) / std) * annualization.sqrt();
    }
    let (sum, count) = sum_count_by(returns, |r| r - risk_free);
    let (lo, hi) = nan_min_max(returns);
    let mean = mean_of(sum, count);
    let ss = sum_known_by(returns, |r| {
        let d = (r - risk_free) - mean;
        d * d
    });
    // An infinite return leaves the deviations undefined (∞ − ∞): no standard deviation, as numpy's.
    let std = if mean.is_finite() {
        zero_dispersion(std_from_sum_sq(ss, count, 1), lo - risk_free, hi - risk_free)
    } else {
        f64::NAN
    };
    sharpe_from_parts(sum, count, std, annualization)
}

#[inline]
pub(crate) fn sharpe_from_parts(sum: f64, count: usize, std: f64, annualization: f64) -> f64 {
    let mean = if count == 0 { f64::NAN } else { sum / count as f64 };
    (mean / std) * annualization.sqrt()
}

/// Annualized downside deviation below `required_return` (empyrical `downside_risk`):
/// `sqrt(mean(min(r − r_req, 0)²)) · √A` over the non-NaN returns. NaN for an empty series.
///
/// ```
/// use kairo_core::metrics::downside_risk;
/// // only −0.02 is below 0: sqrt(0.0004 / 2) · √252
/// let d = downside_risk(&[0.01, -0.02], 0.0, 252.0);
/// assert!((d - (0.0004f64 / 2.0).sqrt() * 252f64.sqrt()).abs() < 1e-15);
/// ```
pub fn downside_risk(returns: &[f64], required_return: f64, annualization: f64) -> f64 {
    if returns.is_empty() {
        return f64::NAN;
    }
    let (sum_sq, count) = sum_count_by(returns, |r| downside_square(r - required_return));
    downside_from_parts(sum_sq, count, annualization)
}

#[inline]
pub(crate) fn downside_from_parts(sum_sq: f64, count: usize, annualization: f64) -> f64 {
    let mean = if count == 0 { f64::NAN } else { sum_sq / count as f64 };
    mean.sqrt() * annualization.sqrt()
}

/// Annualized Sortino ratio (empyrical `sortino_ratio`): `mean(r − r_req) · A / downside_risk(r, r_req)`.
/// NaN when fewer than two periods; ±∞ when there is no downside.
///
/// ```
/// use kairo_core::metrics::sortino_ratio;
/// // mean −0.005 · 252 / (sqrt(0.0002) · √252)
/// let s = sortino_ratio(&[0.01, -0.02], 0.0, 252.0);
/// assert!((s - (-0.005 * 252.0) / (0.0002f64.sqrt() * 252f64.sqrt())).abs() < 1e-12);
/// ```
pub fn sortino_ratio(returns: &[f64], required_return: f64, annualization: f64) -> f64 {
    if returns.len() < 2 {
        return f64::NAN;
    }
    let (sum, count) = sum_count_by(returns, |r| r - required_return);
    mean_of(sum, count) * annualization / downside_risk(returns, required_return, annualization)
}

/// Calmar ratio (empyrical `calmar_ratio`): `annual_return / |max_drawdown|`; NaN when there is no drawdown or the
/// ratio is infinite.
///
/// ```
/// use kairo_core::metrics::{annual_return, calmar_ratio};
/// let r = [0.1, -0.2, 0.1];
/// // max drawdown −20 % (from 110 to 88)
/// assert!((calmar_ratio(&r, 252.0) - annual_return(&r, 252.0) / 0.2).abs() < 1e-9);
/// ```
pub fn calmar_ratio(returns: &[f64], annualization: f64) -> f64 {
    calmar_from_parts(annual_return(returns, annualization), max_drawdown(returns))
}

#[inline]
pub(crate) fn calmar_from_parts(annual_return: f64, max_drawdown: f64) -> f64 {
    if max_drawdown < 0.0 {
        let ratio = annual_return / max_drawdown.abs();
        if ratio.is_infinite() {
            f64::NAN
        } else {
            ratio
        }
    } else {
        f64::NAN
    }
}

/// The per-period threshold of [`omega_ratio`]: `required_return` itself when `annualization == 1`, NaN when
/// `required_return ≤ −1`, else `(1 + required_return)^(1/annualization) − 1`.
#[inline]
pub(crate) fn omega_threshold(required_return: f64, annualization: f64) -> f64 {
    if annualization == 1.0 {
        required_return
    } else if required_return <= -1.0 {
        f64::NAN
    } else {
        (1.0 + required_return).powf(1.0 / annualization) - 1.0
    }
}

/// Omega ratio (empyrical `omega_ratio`): with `x = r − r_f − τ`, `Σ max(x, 0) / Σ max(−x, 0)`, where `τ` is the
/// **annual** `required_return` de-annualized with `annualization` (empyrical's default 252, whatever the period).
/// NaN when fewer than two periods, when `required_return ≤ −1`, or when nothing lies below the threshold.
///
/// ```
/// use kairo_core::metrics::omega_ratio;
/// // gains 0.02 + 0.01 over losses 0.01
/// assert!((omega_ratio(&[0.02, -0.01, 0.01], 0.0, 0.0, 252.0) - 3.0).abs() < 1e-12);
/// ```
pub fn omega_ratio(returns: &[f64], risk_free: f64, required_return: f64, annualization: f64) -> f64 {
    if returns.len() < 2 {
        return f64::NAN;
    }
    let threshold = omega_threshold(required_return, annualization);
    if threshold.is_nan() {
        return f64::NAN;
    }
    let (gains, losses) = omega_sums(returns, risk_free, threshold);
    omega_from_parts(gains, losses)
}

/// `(Σ max(x, 0), Σ min(x, 0))` of `x = r − r_f − τ`.
#[inline]
pub(crate) fn omega_sums(returns: &[f64], risk_free: f64, threshold: f64) -> (f64, f64) {
    let gains = sum_known_by(returns, |r| (r - risk_free - threshold).max(0.0));
    let losses = sum_known_by(returns, |r| (r - risk_free - threshold).min(0.0));
    (gains, losses)
}

#[inline]
pub(crate) fn omega_from_parts(gains: f64, losses: f64) -> f64 {
    let denominator = -losses;
    if denominator > 0.0 {
        gains / denominator
    } else {
        f64::NAN
    }
}

/// Excess Sharpe, the per-period information ratio (empyrical `excess_sharpe`):
/// `mean(r − f) / std(r − f, ddof=1)`, not annualized. NaN when fewer than two periods.
///
/// ```
/// use kairo_core::metrics::excess_sharpe;
/// // active returns 0.01 and 0.03: mean 0.02 / std 0.0141… = √2
/// let ir = excess_sharpe(&[0.02, 0.04], &[0.01, 0.01]).unwrap();
/// assert!((ir - 2f64.sqrt()).abs() < 1e-12);
/// ```
pub fn excess_sharpe(returns: &[f64], factor_returns: &[f64]) -> Result<f64, MetricsError> {
    check_lengths(returns, factor_returns)?;
    if returns.len() < 2 {
        return Ok(f64::NAN);
    }
    let (mean, std) = active_mean_std(returns, factor_returns);
    Ok(mean / std)
}

/// Annualized tracking error: `std(r − f, ddof=1) · √A` over the periods where both are known (the denominator of
/// [`excess_sharpe`], annualized; CFA Institute's definition). NaN when fewer than two periods.
///
/// ```
/// use kairo_core::metrics::tracking_error;
/// let te = tracking_error(&[0.02, 0.04], &[0.01, 0.01], 252.0).unwrap();
/// assert!((te - 0.02f64.sqrt() / 10.0 * 252f64.sqrt()).abs() < 1e-15);
/// ```
pub fn tracking_error(returns: &[f64], factor_returns: &[f64], annualization: f64) -> Result<f64, MetricsError> {
    check_lengths(returns, factor_returns)?;
    if returns.len() < 2 {
        return Ok(f64::NAN);
    }
    Ok(active_mean_std(returns, factor_returns).1 * annualization.sqrt())
}

/// Mean and standard deviation (ddof 1, zero for no dispersion) of the active returns `r − f` over the pairs
/// where both are known.
fn active_mean_std(returns: &[f64], factor_returns: &[f64]) -> (f64, f64) {
    let first = paired_multi_sum::<1, true>(returns, factor_returns, |r, f| [r - f]);
    let mean = mean_of(first.sums[0], first.count);
    let ss = paired_sum_by(returns, factor_returns, |r, f| active_square(r, f, mean));
    (mean, zero_dispersion(std_from_sum_sq(ss, first.count, 1), first.min[0], first.max[0]))
}

/// `((r − f) − mean)²`.
#[inline]
pub(crate) fn active_square(r: f64, f: f64, mean: f64) -> f64 {
    let d = (r - f) - mean;
    d * d
}
