//! Value at risk and tail measures: historical VaR and CVaR and the tail ratio (empyrical `value_at_risk`,
//! `conditional_value_at_risk`, `tail_ratio`), and the parametric (Gaussian) and Cornish–Fisher VaR.
//!
//! VaR is reported as empyrical reports it: the return at the `cutoff` quantile, a negative number for a loss
//! (`−0.03` means a 5 % chance of losing 3 % or more in a period). The order statistics are exact, found by the
//! bracketing selection of `quantile.rs` in one pass without copying the series.

use statrs::distribution::{ContinuousCDF, Normal};

use super::checks::check_cutoff;
use super::kernels::nan_sum_count;
use super::quantile::{tail_stats, Tail};
use super::stats::{known_shape, mean_of, std_from_parts};
use crate::error::MetricsError;

/// Historical value at risk (empyrical `value_at_risk`): `numpy.percentile(returns, 100 · cutoff)` with linear
/// interpolation. As in numpy, a NaN anywhere in the input gives NaN; NaN for an empty series.
///
/// ```
/// use kairo_core::metrics::value_at_risk;
/// // sorted: −0.04, −0.01, 0.0, 0.02, 0.03; h = 4 · 0.05 = 0.2 → −0.04 + 0.03 · 0.2
/// let v = value_at_risk(&[0.02, -0.04, 0.0, 0.03, -0.01], 0.05).unwrap();
/// assert!((v - (-0.04 + 0.03 * 0.2)).abs() < 1e-15);
/// ```
pub fn value_at_risk(returns: &[f64], cutoff: f64) -> Result<f64, MetricsError> {
    check_cutoff(cutoff)?;
    let (v, nans) = tail_stats(returns, &[Tail::Percentile(percentile_fraction(cutoff))]);
    Ok(if nans > 0 { f64::NAN } else { v[0] })
}

/// numpy's fraction for `percentile(a, 100 · cutoff)`: `(100 · cutoff) / 100`, rounded as numpy rounds it.
#[inline]
pub(crate) fn percentile_fraction(cutoff: f64) -> f64 {
    (100.0 * cutoff) / 100.0
}

/// Conditional value at risk, expected shortfall (empyrical `conditional_value_at_risk`): the mean of the
/// `⌊(n − 1) · cutoff⌋ + 1` smallest non-NaN returns. NaN when no return is known.
///
/// ```
/// use kairo_core::metrics::conditional_value_at_risk;
/// // n = 5, ⌊4 · 0.5⌋ + 1 = 3 smallest: (−0.04 − 0.01 + 0.0) / 3
/// let c = conditional_value_at_risk(&[0.02, -0.04, 0.0, 0.03, -0.01], 0.5).unwrap();
/// assert!((c - (-0.05 / 3.0)).abs() < 1e-15);
/// ```
pub fn conditional_value_at_risk(returns: &[f64], cutoff: f64) -> Result<f64, MetricsError> {
    check_cutoff(cutoff)?;
    Ok(tail_stats(returns, &[Tail::LowerMean(cutoff)]).0[0])
}

/// Tail ratio (empyrical `tail_ratio`): `|p95| / |p5|` of the non-NaN returns, with numpy's linear percentile.
/// NaN when no return is known.
///
/// ```
/// use kairo_core::metrics::tail_ratio;
/// let r: Vec<f64> = (-10..=10).map(|i| i as f64 / 100.0).collect();
/// assert!((tail_ratio(&r) - 1.0).abs() < 1e-12);
/// ```
pub fn tail_ratio(returns: &[f64]) -> f64 {
    let (v, _) = tail_stats(returns, &[Tail::Percentile(0.95), Tail::Percentile(0.05)]);
    v[0].abs() / v[1].abs()
}

/// Parametric (Gaussian) VaR: `μ + σ · Φ⁻¹(cutoff)` with `μ` the mean and `σ` the standard deviation (ddof 1) of
/// the non-NaN returns (J.P. Morgan RiskMetrics, 1996). NaN with fewer than two known returns.
///
/// ```
/// use kairo_core::metrics::parametric_var;
/// // mean 0, std 0.01·√2 → 0.01·√2 · Φ⁻¹(0.05)
/// let v = parametric_var(&[0.01, -0.01], 0.05).unwrap();
/// assert!((v - 0.01 * 2f64.sqrt() * -1.6448536269514722).abs() < 1e-12);
/// ```
pub fn parametric_var(returns: &[f64], cutoff: f64) -> Result<f64, MetricsError> {
    check_open_cutoff(cutoff)?;
    let (mean, std) = mean_std(returns);
    Ok(mean + std * standard_normal_quantile(cutoff))
}

/// Cornish–Fisher VaR (Zangari 1996; Favre & Galeano 2002): the Gaussian quantile corrected for skewness `S` and
/// excess kurtosis `K` of the returns,
/// `z_cf = z + (z² − 1) S / 6 + (z³ − 3z) K / 24 − (2z³ − 5z) S² / 36`, `VaR = μ + σ · z_cf`,
/// with `z = Φ⁻¹(cutoff)`, `μ`, `σ` (ddof 1) over the non-NaN returns and `S`, `K` as
/// [`skew`](super::skew) and [`kurtosis`](super::kurtosis) compute them on those returns.
///
/// ```
/// use kairo_core::metrics::{cornish_fisher_var, parametric_var};
/// // symmetric returns with kurtosis −2: the correction moves the quantile
/// let r = [0.01, -0.01, 0.01, -0.01];
/// assert!(cornish_fisher_var(&r, 0.05).unwrap() != parametric_var(&r, 0.05).unwrap());
/// ```
pub fn cornish_fisher_var(returns: &[f64], cutoff: f64) -> Result<f64, MetricsError> {
    check_open_cutoff(cutoff)?;
    let (mean, std) = mean_std(returns);
    let (s, k) = known_shape(returns);
    Ok(cornish_fisher_from_parts(mean, std, s, k, cutoff))
}

/// `μ + σ · z_cf` (see [`cornish_fisher_var`]).
pub(crate) fn cornish_fisher_from_parts(mean: f64, std: f64, skew: f64, excess_kurtosis: f64, cutoff: f64) -> f64 {
    let z = standard_normal_quantile(cutoff);
    let (s, k) = (skew, excess_kurtosis);
    let z_cf =
        z + (z * z - 1.0) * s / 6.0 + (z.powi(3) - 3.0 * z) * k / 24.0 - (2.0 * z.powi(3) - 5.0 * z) * s * s / 36.0;
    mean + std * z_cf
}

fn mean_std(returns: &[f64]) -> (f64, f64) {
    let (sum, count) = nan_sum_count(returns);
    (mean_of(sum, count), std_from_parts(returns, sum, count, 1))
}

pub(crate) fn check_open_cutoff(cutoff: f64) -> Result<(), MetricsError> {
    if cutoff > 0.0 && cutoff < 1.0 {
        Ok(())
    } else {
        Err(MetricsError::InvalidParameter { name: "cutoff", reason: format!("must lie in (0, 1), got {cutoff}") })
    }
}

/// `Φ⁻¹(p)` of the standard normal distribution (statrs).
pub(crate) fn standard_normal_quantile(p: f64) -> f64 {
    Normal::standard().inverse_cdf(p)
}

/// `Φ(x) = erfc(−x / √2) / 2` of the standard normal distribution, with the `libm` (musl) `erfc`, which is
/// accurate to an ulp or two: statrs' own `Normal::cdf` is off by up to ~5e-11 relative, which would break the
/// 1e-12 agreement with scipy's `norm.cdf` that the probabilistic Sharpe ratio is tested to.
pub(crate) fn standard_normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}
