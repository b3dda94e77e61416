//! The probabilistic and deflated Sharpe ratios of Bailey & López de Prado: "The Sharpe Ratio Efficient Frontier"
//! (Journal of Risk, 2012) and "The Deflated Sharpe Ratio" (Journal of Portfolio Management, 2014).

use super::checks::check_open_probability_inputs;
use super::kernels::{nan_min_max, nan_sum_count};
use super::stats::{known_shape, std_from_parts, zero_dispersion};
use super::var::{standard_normal_cdf, standard_normal_quantile};
use crate::error::MetricsError;

/// Euler–Mascheroni constant γ.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// Probabilistic Sharpe ratio: the probability that the true per-period Sharpe ratio exceeds `benchmark_sharpe`,
///
/// `PSR = Φ( (ŜR − SR*) √(n − 1) / √(1 − γ̂₃ ŜR + (γ̂₄ − 1)/4 · ŜR²) )`,
///
/// where `ŜR` is the **per-period** (not annualized) Sharpe ratio `mean / std` (ddof 1) of the non-NaN returns,
/// `n` their count, `γ̂₃` their skewness and `γ̂₄` their (non-excess) kurtosis, both with population moments.
/// `benchmark_sharpe` is per-period too. NaN with fewer than three known returns or zero variance.
///
/// ```
/// use kairo_core::metrics::probabilistic_sharpe_ratio;
/// let r = [0.01, 0.02, -0.005, 0.015, 0.0, 0.007];
/// let p = probabilistic_sharpe_ratio(&r, 0.0).unwrap();
/// assert!(p > 0.5 && p < 1.0);
/// ```
pub fn probabilistic_sharpe_ratio(returns: &[f64], benchmark_sharpe: f64) -> Result<f64, MetricsError> {
    check_open_probability_inputs("benchmark_sharpe", benchmark_sharpe)?;
    Ok(psr(returns, benchmark_sharpe))
}

fn psr(returns: &[f64], benchmark_sharpe: f64) -> f64 {
    let (sum, count) = nan_sum_count(returns);
    if count < 3 {
        return f64::NAN;
    }
    let (lo, hi) = nan_min_max(returns);
    let std = zero_dispersion(std_from_parts(returns, sum, count, 1), lo, hi);
    let (skew, excess_kurtosis) = known_shape(returns);
    psr_from_parts(count, sum / count as f64, std, skew, excess_kurtosis, benchmark_sharpe)
}

/// PSR from the count, mean, standard deviation (ddof 1), skewness and excess kurtosis of the known returns.
pub(crate) fn psr_from_parts(
    count: usize,
    mean: f64,
    std: f64,
    skew: f64,
    excess_kurtosis: f64,
    benchmark: f64,
) -> f64 {
    if count < 3 || !(std > 0.0) {
        return f64::NAN;
    }
    let sr = mean / std;
    let g4 = excess_kurtosis + 3.0;
    let denominator = (1.0 - skew * sr + (g4 - 1.0) / 4.0 * sr * sr).sqrt();
    standard_normal_cdf((sr - benchmark) * ((count - 1) as f64).sqrt() / denominator)
}

/// Deflated Sharpe ratio: the [`probabilistic_sharpe_ratio`] against the Sharpe ratio expected from the best of
/// `trials` independent strategies with no skill,
///
/// `SR₀ = √V · ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e)))`,
///
/// where `N = trials`, `V = sharpe_variance` is the variance of the per-period Sharpe ratios across the trials and
/// `γ` is the Euler–Mascheroni constant. `trials` must be at least 2 and `sharpe_variance` ≥ 0.
///
/// ```
/// use kairo_core::metrics::{deflated_sharpe_ratio, probabilistic_sharpe_ratio};
/// let r = [0.01, 0.02, -0.005, 0.015, 0.0, 0.007];
/// // deflating for 100 trials lowers the confidence
/// assert!(deflated_sharpe_ratio(&r, 100, 0.01).unwrap() < probabilistic_sharpe_ratio(&r, 0.0).unwrap());
/// ```
pub fn deflated_sharpe_ratio(returns: &[f64], trials: usize, sharpe_variance: f64) -> Result<f64, MetricsError> {
    if trials < 2 {
        return Err(MetricsError::InvalidParameter {
            name: "trials",
            reason: format!("must be at least 2, got {trials}"),
        });
    }
    if !(sharpe_variance >= 0.0) || !sharpe_variance.is_finite() {
        return Err(MetricsError::InvalidParameter {
            name: "sharpe_variance",
            reason: format!("must be a finite number ≥ 0, got {sharpe_variance}"),
        });
    }
    Ok(psr(returns, expected_max_sharpe(trials, sharpe_variance)))
}

/// `SR₀`, the expected maximum per-period Sharpe ratio of `trials` unskilled strategies.
pub(crate) fn expected_max_sharpe(trials: usize, sharpe_variance: f64) -> f64 {
    let n = trials as f64;
    sharpe_variance.sqrt()
        * ((1.0 - EULER_GAMMA) * standard_normal_quantile(1.0 - 1.0 / n)
            + EULER_GAMMA * standard_normal_quantile(1.0 - 1.0 / (n * std::f64::consts::E)))
}
