//! Regressions: CAPM alpha and beta against a factor (empyrical `alpha`, `beta`, `alpha_beta`), Pearson
//! correlation, and the R² of a linear fit to cumulative log returns (empyrical `stability_of_timeseries`).

use super::check_lengths;
use crate::error::MetricsError;

/// Sums over the periods where both series are known: `(Σf, count)`.
#[inline]
pub(crate) fn paired_factor_sum(returns: &[f64], factor_returns: &[f64]) -> (f64, usize) {
    let mut sum = 0.0;
    let mut count = 0usize;
    for (&r, &f) in returns.iter().zip(factor_returns) {
        if !r.is_nan() && !f.is_nan() {
            sum += f;
            count += 1;
        }
    }
    (sum, count)
}

/// Beta from the factor mean over the paired periods: `Σ(f − f̄)·r / Σ(f − f̄)²`, NaN when the factor's variance
/// is below 1e-30.
#[inline]
pub(crate) fn beta_from_factor_mean(returns: &[f64], factor_returns: &[f64], factor_mean: f64, count: usize) -> f64 {
    let (mut cov, mut var) = (0.0, 0.0);
    for (&r, &f) in returns.iter().zip(factor_returns) {
        if !r.is_nan() && !f.is_nan() {
            let d = f - factor_mean;
            cov += d * r;
            var += d * d;
        }
    }
    beta_from_parts(cov, var, count)
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
    let (sum, count) = paired_factor_sum(returns, factor_returns);
    let mean = if count == 0 { f64::NAN } else { sum / count as f64 };
    Ok(beta_from_factor_mean(returns, factor_returns, mean, count))
}

/// The mean of `(r − r_f) − β (f − r_f)` over the paired periods.
#[inline]
pub(crate) fn mean_alpha_residual(returns: &[f64], factor_returns: &[f64], risk_free: f64, beta: f64) -> f64 {
    let mut sum = 0.0;
    let mut count = 0usize;
    for (&r, &f) in returns.iter().zip(factor_returns) {
        let x = (r - risk_free) - beta * (f - risk_free);
        if !x.is_nan() {
            sum += x;
            count += 1;
        }
    }
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

#[inline]
pub(crate) fn annualize_alpha(mean_residual: f64, annualization: f64) -> f64 {
    (mean_residual + 1.0).powf(annualization) - 1.0
}

/// Annualized CAPM alpha (empyrical `alpha`): `(1 + mean((r − r_f) − β (f − r_f)))^A − 1` over the paired
/// periods, with β from [`beta`] and `risk_free` a per-period rate. NaN when fewer than two periods.
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
    let b = beta(returns, factor_returns)?;
    if returns.len() < 2 {
        return Ok((f64::NAN, b));
    }
    let a = annualize_alpha(mean_alpha_residual(returns, factor_returns, risk_free, b), annualization);
    Ok((a, b))
}

/// Pearson correlation of the paired non-NaN periods: `Σ(r − r̄)(f − f̄) / √(Σ(r − r̄)² Σ(f − f̄)²)`, clipped to
/// [−1, 1]. NaN with fewer than two pairs or when either series is constant.
///
/// ```
/// use kairo_core::metrics::correlation;
/// assert!((correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5]).unwrap() - 0.9979487157886733).abs() < 1e-12);
/// ```
pub fn correlation(returns: &[f64], factor_returns: &[f64]) -> Result<f64, MetricsError> {
    check_lengths(returns, factor_returns)?;
    let (mut sr, mut sf, mut n) = (0.0, 0.0, 0usize);
    for (&r, &f) in returns.iter().zip(factor_returns) {
        if !r.is_nan() && !f.is_nan() {
            sr += r;
            sf += f;
            n += 1;
        }
    }
    if n < 2 {
        return Ok(f64::NAN);
    }
    let (mr, mf) = (sr / n as f64, sf / n as f64);
    let (mut srr, mut sff, mut srf) = (0.0, 0.0, 0.0);
    for (&r, &f) in returns.iter().zip(factor_returns) {
        if !r.is_nan() && !f.is_nan() {
            let (dr, df) = (r - mr, f - mf);
            srr += dr * dr;
            sff += df * df;
            srf += dr * df;
        }
    }
    if srr == 0.0 || sff == 0.0 {
        return Ok(f64::NAN);
    }
    Ok((srf / (srr * sff).sqrt()).clamp(-1.0, 1.0))
}

/// Accumulates the regression of `yᵢ = Σ_{j≤i} ln(1 + rⱼ)` on `xᵢ = i`, block by block: each block's centred sums
/// are exact two-pass sums over values that sit in cache, and blocks are merged with the pairwise update of
/// Chan, Golub & LeVeque (1979). One pass over memory, no allocation proportional to the input.
pub(crate) struct StabilityAccumulator {
    count: f64,
    mean_x: f64,
    mean_y: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
    level: f64,
    block: Vec<f64>,
}

const STABILITY_BLOCK: usize = 4096;

impl StabilityAccumulator {
    pub(crate) fn new() -> Self {
        StabilityAccumulator {
            count: 0.0,
            mean_x: 0.0,
            mean_y: 0.0,
            sxx: 0.0,
            syy: 0.0,
            sxy: 0.0,
            level: 0.0,
            block: Vec::with_capacity(STABILITY_BLOCK),
        }
    }

    /// Adds one return (NaN returns are skipped, as empyrical drops them before the fit).
    #[inline]
    pub(crate) fn push(&mut self, r: f64) {
        if r.is_nan() {
            return;
        }
        self.level += r.ln_1p();
        self.block.push(self.level);
        if self.block.len() == STABILITY_BLOCK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let m = self.block.len();
        if m == 0 {
            return;
        }
        let mb = m as f64;
        let x0 = self.count;
        let mean_x = x0 + (mb - 1.0) / 2.0;
        let mean_y = self.block.iter().sum::<f64>() / mb;
        let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
        for (k, &y) in self.block.iter().enumerate() {
            let dx = x0 + k as f64 - mean_x;
            let dy = y - mean_y;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
        let na = self.count;
        let total = na + mb;
        let (ddx, ddy) = (mean_x - self.mean_x, mean_y - self.mean_y);
        let w = na * mb / total;
        self.sxx += sxx + ddx * ddx * w;
        self.syy += syy + ddy * ddy * w;
        self.sxy += sxy + ddx * ddy * w;
        self.mean_x += ddx * mb / total;
        self.mean_y += ddy * mb / total;
        self.count = total;
        self.block.clear();
    }

    /// R² of the fit, as `scipy.stats.linregress(...).rvalue ** 2`.
    pub(crate) fn r_squared(mut self) -> f64 {
        self.flush();
        if self.count < 2.0 {
            return f64::NAN;
        }
        if self.sxx == 0.0 || self.syy == 0.0 {
            return if self.sxy == 0.0 { f64::NAN } else { 0.0 };
        }
        let r = (self.sxy / (self.sxx * self.syy).sqrt()).clamp(-1.0, 1.0);
        r * r
    }
}

/// Stability of a return series (empyrical `stability_of_timeseries`): the R² of an ordinary least-squares fit of
/// the cumulative log returns `yᵢ = Σ_{j≤i} ln(1 + rⱼ)` on time `xᵢ = i`, NaN returns dropped first.
/// NaN for fewer than two periods (counting NaN ones) or fewer than two known returns, or when the cumulative
/// log return is constant.
///
/// ```
/// use kairo_core::metrics::stability_of_timeseries;
/// // constant growth: log wealth is exactly linear in time
/// assert!((stability_of_timeseries(&[0.01; 50]) - 1.0).abs() < 1e-12);
/// ```
pub fn stability_of_timeseries(returns: &[f64]) -> f64 {
    if returns.len() < 2 {
        return f64::NAN;
    }
    let mut acc = StabilityAccumulator::new();
    for &r in returns {
        acc.push(r);
    }
    acc.r_squared()
}
