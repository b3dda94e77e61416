//! Value at risk and expected shortfall from a generalized Pareto distribution fitted to the losses beyond a
//! threshold (peaks over threshold; McNeil & Frey 2000), as empyrical `gpd_risk_estimates` computes them.

use super::nelder_mead::nelder_mead;

/// The fit and the estimates of [`gpd_risk_estimates`]; all zero when no fit was found.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GpdEstimates {
    /// The loss threshold the fit used.
    pub threshold: f64,
    /// The scale σ of the fitted distribution.
    pub scale: f64,
    /// The shape ξ of the fitted distribution.
    pub shape: f64,
    /// Value at risk at the probability asked for, a positive loss.
    pub var: f64,
    /// Expected shortfall beyond that value at risk, a positive loss (∞ when ξ ≥ 1).
    pub es: f64,
}

impl GpdEstimates {
    /// `[threshold, scale, shape, var, es]`, the order empyrical returns them in.
    pub fn to_array(self) -> [f64; 5] {
        [self.threshold, self.scale, self.shape, self.var, self.es]
    }
}

const DEFAULT_THRESHOLD: f64 = 0.2;
const MINIMUM_THRESHOLD: f64 = 0.000_000_001;

/// Peaks-over-threshold risk estimates at probability `var_p` (empyrical `gpd_risk_estimates`, default 0.01):
/// the losses are the negated negative returns; starting at a threshold of 0.2 and halving it down to 1e-9, the
/// scale and shape of a generalized Pareto distribution are fitted to the losses at or beyond the threshold by
/// maximum likelihood (Nelder–Mead from (1, 1), the SciPy convention), until a fit with ξ > 0 gives a positive VaR:
///
/// * `VaR = u + σ/ξ · ((N / N_u · p)^(−ξ) − 1)` with `N` losses of which `N_u` are beyond the threshold `u`;
/// * `ES = VaR / (1 − ξ) + (σ − ξ·u) / (1 − ξ)` (∞ for ξ ≥ 1).
///
/// The log-likelihood is `−n·ln σ − (1/ξ + 1) Σ ln(1 + ξ x / σ)` (with ξ = 0, `−n·ln σ − Σx / σ`), and
/// −`f64::MAX` where the parameters are invalid (σ < 0, ξ/σ < 0). All zero with fewer than three returns or when
/// no threshold gives a fit. NaN returns are not losses.
///
/// ```
/// use kairo_core::metrics::gpd_risk_estimates;
/// let r: Vec<f64> = (0..200).map(|i| ((i * 37 % 101) as f64 - 50.0) / 500.0).collect();
/// let e = gpd_risk_estimates(&r, 0.01);
/// assert!(e.shape > 0.0 && e.var > 0.0 && e.es > e.var);
/// ```
pub fn gpd_risk_estimates(returns: &[f64], var_p: f64) -> GpdEstimates {
    if returns.len() < 3 {
        return GpdEstimates::default();
    }
    let losses: Vec<f64> = returns.iter().map(|r| -r).filter(|l| *l > 0.0).collect();
    let mut threshold = DEFAULT_THRESHOLD;
    let mut beyond = Vec::with_capacity(losses.len());
    while threshold > MINIMUM_THRESHOLD {
        beyond.clear();
        beyond.extend(losses.iter().copied().filter(|l| *l >= threshold));
        if let Some((scale, shape)) = fit(&beyond) {
            let var = var_estimate(threshold, scale, shape, var_p, losses.len(), beyond.len());
            if shape > 0.0 && var > 0.0 {
                let es = es_estimate(var, threshold, scale, shape);
                return GpdEstimates { threshold, scale, shape, var, es };
            }
        }
        threshold /= 2.0;
    }
    GpdEstimates::default()
}

/// Expected shortfall beyond `var`.
fn es_estimate(var: f64, threshold: f64, scale: f64, shape: f64) -> f64 {
    if shape >= 1.0 {
        return f64::INFINITY;
    }
    var / (1.0 - shape) + (scale - shape * threshold) / (1.0 - shape)
}

/// Value at risk at probability `p`; 0 when nothing is beyond the threshold or ξ ≤ 0.
fn var_estimate(threshold: f64, scale: f64, shape: f64, p: f64, total: usize, beyond: usize) -> f64 {
    if beyond == 0 || shape <= 0.0 {
        return 0.0;
    }
    let ratio = total as f64 / beyond as f64 * p;
    threshold + scale / shape * (ratio.powf(-shape) - 1.0)
}

/// The maximum-likelihood (scale, shape) of the losses beyond a threshold, if the minimizer converged.
fn fit(data: &[f64]) -> Option<(f64, f64)> {
    if data.is_empty() {
        return None;
    }
    let m = nelder_mead(|p: &[f64]| -log_likelihood(p[0], p[1], data), &[1.0, 1.0]);
    m.converged.then(|| (m.x[0], m.x[1]))
}

/// The generalized Pareto log-likelihood of `data`.
fn log_likelihood(scale: f64, shape: f64, data: &[f64]) -> f64 {
    let n = data.len() as f64;
    if shape == 0.0 {
        if scale >= 0.0 {
            return -n * scale.ln() - data.iter().sum::<f64>() / scale;
        }
        return -f64::MAX;
    }
    if scale != 0.0 && shape / scale >= 0.0 && scale >= 0.0 {
        let sum: f64 = data.iter().map(|x| (shape / scale * x + 1.0).ln()).sum();
        return -n * scale.ln() - (1.0 / shape + 1.0) * sum;
    }
    -f64::MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fewer_than_three_returns_is_all_zero() {
        assert_eq!(gpd_risk_estimates(&[-0.1, 0.2], 0.01), GpdEstimates::default());
    }

    #[test]
    fn estimates_follow_the_closed_forms() {
        // VaR and ES by hand from the fitted parameters: u + σ/ξ((N/N_u · p)^−ξ − 1); VaR/(1−ξ) + (σ − ξu)/(1−ξ).
        let r: Vec<f64> = (0..500).map(|i| ((i * 7919 % 1009) as f64 / 1009.0 - 0.55) * 0.1).collect();
        let e = gpd_risk_estimates(&r, 0.01);
        let losses = r.iter().filter(|x| **x < 0.0).count() as f64;
        let beyond = r.iter().filter(|x| -**x >= e.threshold).count() as f64;
        let var = e.threshold + e.scale / e.shape * ((losses / beyond * 0.01).powf(-e.shape) - 1.0);
        assert!((e.var - var).abs() < 1e-15);
        assert!((e.es - (var / (1.0 - e.shape) + (e.scale - e.shape * e.threshold) / (1.0 - e.shape))).abs() < 1e-15);
    }
}
