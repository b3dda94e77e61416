//! Regressions: CAPM alpha and beta against a factor (empyrical `alpha`, `beta`, `alpha_beta`), Pearson
//! correlation, and the R² of a linear fit to cumulative log returns (empyrical `stability_of_timeseries`).

use super::checks::check_lengths;
use super::kernels::{paired_multi_sum, paired_sums};
use super::stats::mean_of;
use crate::error::MetricsError;

/// Beta from the factor mean over the paired periods: `Σ(f − f̄)·r / Σ(f − f̄)²`, NaN when the factor's variance
/// is below 1e-30.
#[inline]
pub(crate) fn beta_from_factor_mean(returns: &[f64], factor_returns: &[f64], factor_mean: f64, count: usize) -> f64 {
    let s = paired_multi_sum::<2, false>(returns, factor_returns, |r, f| beta_terms(r, f, factor_mean));
    beta_from_parts(s.sums[0], s.sums[1], count)
}

/// `[(f − f̄)·r, (f − f̄)²]`, the summands of beta.
#[inline]
pub(crate) fn beta_terms(r: f64, f: f64, factor_mean: f64) -> [f64; 2] {
    let d = f - factor_mean;
    [d * r, d * d]
}

#[inline]
pub(crate) fn beta_from_parts(cov_sum: f64, var_sum: f64, count: usize) -> f64 {
    if count == 0 {
        return f64::NAN;
    }
    let n = count as f64;
    let variance = var_sum / n;
    if !(variance >= 1e-30) {
        return f64::NAN;
    }
    (cov_sum / n) / variance
}

/// CAPM beta (empyrical `beta`): over the periods where both `returns` and `factor_returns` are known,
/// `β = mean((f − f̄) · r) / mean((f − f̄)²)`. The risk-free rate does not change beta (empyrical accepts and
/// ignores it). NaN for an empty series, fewer than two factor periods, or a factor variance below 1e-30.
///
/// ```
/// use kairo_core::metrics::beta;
/// // r = 2f exactly
/// let b = beta(&[0.02, -0.04, 0.06], &[0.01, -0.02, 0.03]).unwrap();
/// assert!((b - 2.0).abs() < 1e-12);
/// ```
pub fn beta(returns: &[f64], factor_returns: &[f64]) -> Result<f64, MetricsError> {
    check_lengths(returns, factor_returns)?;
    if returns.is_empty() || factor_returns.len() < 2 {
        return Ok(f64::NAN);
    }
    let (_, sum, count) = paired_sums(returns, factor_returns);
    Ok(beta_from_factor_mean(returns, factor_returns, mean_of(sum, count), count))
}

/// The mean of `(r − r_f) − β (f − r_f)` over the paired periods.
#[inline]
/// By linearity the mean of the residuals `(r − r_f) − β (f − r_f)` is `(r̄ − r_f) − β (f̄ − r_f)` with `r̄`, `f̄` the
/// means over the paired periods, so no pass over the data is needed once the means are known.
pub(crate) fn mean_alpha_residual(mean_r: f64, mean_f: f64, risk_free: f64, beta: f64) -> f64 {
    (mean_r - risk_free) - beta * (mean_f - risk_free)
}

#[inline]
pub(crate) fn annualize_alpha(mean_residual: f64, annualization: f64) -> f64 {
    (mean_residual + 1.0).powf(annualization) - 1.0
}

/// Annualized CAPM alpha (empyrical `alpha`): `(1 + mean((r − r_f) − β (f − r_f)))^A − 1` over the paired
/// periods, with β from [`beta`] and `risk_free` a per-period rate. The mean residual is taken as
/// `(r̄ − r_f) − β (f̄ − r_f)`, equal by linearity. NaN when fewer than two periods.
///
/// ```
/// use kairo_core::metrics::alpha;
/// // r = f + 0.001 every day: β = 1, daily alpha 0.001 → 1.001^252 − 1
/// let f = [0.01, -0.02, 0.015, 0.003];
/// let r: Vec<f64> = f.iter().map(|x| x + 0.001).collect();
/// assert!((alpha(&r, &f, 0.0, 252.0).unwrap() - (1.001f64.powf(252.0) - 1.0)).abs() < 1e-9);
/// ```
pub fn alpha(returns: &[f64], factor_returns: &[f64], risk_free: f64, annualization: f64) -> Result<f64, MetricsError> {
    Ok(alpha_beta(returns, factor_returns, risk_free, annualization)?.0)
}

/// Alpha and beta together, as [`alpha`] and [`beta`] (empyrical `alpha_beta`).
pub fn alpha_beta(
    returns: &[f64],
    factor_returns: &[f64],
    risk_free: f64,
    annualization: f64,
) -> Result<(f64, f64), MetricsError> {
    check_lengths(returns, factor_returns)?;
    if returns.is_empty() || factor_returns.len() < 2 {
        return Ok((f64::NAN, f64::NAN));
    }
    let (sum_r, sum_f, count) = paired_sums(returns, factor_returns);
    let (mean_r, mean_f) = (mean_of(sum_r, count), mean_of(sum_f, count));
    let b = beta_from_factor_mean(returns, factor_returns, mean_f, count);
    if returns.len() < 2 {
        return Ok((f64::NAN, b));
    }
    let a = annualize_alpha(mean_alpha_residual(mean_r, mean_f, risk_free, b), annualization);
    Ok((a, b))
}

/// Pearson correlation of the paired non-NaN periods: `Σ(r − r̄)(f − f̄) / √(Σ(r − r̄)² Σ(f − f̄)²)`, clipped to
/// [−1, 1]. NaN with fewer than two pairs or when either series is constant (all its values equal: the
/// correlation is undefined, whatever rounding noise the sums hold).
///
/// ```
/// use kairo_core::metrics::correlation;
/// assert!((correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5]).unwrap() - 0.9979487157886733).abs() < 1e-12);
/// ```
pub fn correlation(returns: &[f64], factor_returns: &[f64]) -> Result<f64, MetricsError> {
    check_lengths(returns, factor_returns)?;
    let first = paired_multi_sum::<2, true>(returns, factor_returns, |r, f| [r, f]);
    let n = first.count;
    if n < 2 || first.min[0] == first.max[0] || first.min[1] == first.max[1] {
        return Ok(f64::NAN);
    }
    let (mr, mf) = (first.sums[0] / n as f64, first.sums[1] / n as f64);
    let s = paired_multi_sum::<3, false>(returns, factor_returns, |r, f| correlation_terms(r, f, mr, mf));
    Ok(correlation_from_sums(s.sums[0], s.sums[1], s.sums[2]))
}

/// `[(r − r̄)², (f − f̄)², (r − r̄)(f − f̄)]`, the summands of the correlation.
#[inline]
pub(crate) fn correlation_terms(r: f64, f: f64, mean_r: f64, mean_f: f64) -> [f64; 3] {
    let (dr, df) = (r - mean_r, f - mean_f);
    [dr * dr, df * df, dr * df]
}

/// `Σ(r − r̄)(f − f̄) / √(Σ(r − r̄)² Σ(f − f̄)²)` clipped to [−1, 1], NaN when either sum of squares is 0.
#[inline]
pub(crate) fn correlation_from_sums(srr: f64, sff: f64, srf: f64) -> f64 {
    if srr == 0.0 || sff == 0.0 {
        return f64::NAN;
    }
    (srf / (srr * sff).sqrt()).clamp(-1.0, 1.0)
}

/// Annualized alpha for a given beta (empyrical `alpha_aligned` with a risk-free rate that varies by period):
/// `(1 + mean((r − r_f) − β (f − r_f)))^A − 1` over the paired periods of the already adjusted series
/// `r − r_f` and `f − r_f`, with `beta` taken from the unadjusted series as empyrical takes it. NaN when fewer
/// than two periods.
///
/// ```
/// use kairo_core::metrics::{alpha, alpha_for_beta, beta};
/// let (r, f) = ([0.01, -0.02, 0.015, 0.004], [0.008, -0.015, 0.01, 0.002]);
/// let b = beta(&r, &f).unwrap();
/// // with a constant rate the two agree
/// let adj = |x: &[f64]| x.iter().map(|v| v - 0.0001).collect::<Vec<_>>();
/// let a = alpha_for_beta(&adj(&r), &adj(&f), b, 252.0).unwrap();
/// assert!((a - alpha(&r, &f, 0.0001, 252.0).unwrap()).abs() < 1e-12);
/// ```
pub fn alpha_for_beta(
    adjusted_returns: &[f64],
    adjusted_factor: &[f64],
    beta: f64,
    annualization: f64,
) -> Result<f64, MetricsError> {
    check_lengths(adjusted_returns, adjusted_factor)?;
    if adjusted_returns.len() < 2 {
        return Ok(f64::NAN);
    }
    let (sum_r, sum_f, count) = paired_sums(adjusted_returns, adjusted_factor);
    let (mean_r, mean_f) = (mean_of(sum_r, count), mean_of(sum_f, count));
    Ok(annualize_alpha(mean_alpha_residual(mean_r, mean_f, 0.0, beta), annualization))
}
