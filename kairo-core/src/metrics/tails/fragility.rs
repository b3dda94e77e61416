//! The beta fragility heuristic (Wang, Ozik et al., as empyrical `beta_fragility_heuristic` computes it).

/// How fragile a strategy's beta is: with the paired periods (both values known) sorted by the factor's return,
/// take the lowest (`s`), the median (`m`, index `n / 2`) and the highest (`e`) factor period; the heuristic is
/// `w_s · r_s + w_e · r_e − r_m` with `w_s = (f_e − f_m) / (f_e − f_s)` and `w_e = (f_m − f_s) / (f_e − f_s)`
/// (both ½ when the factor's range is zero): how far the strategy's return at the median factor period lies
/// below the straight line through its returns at the extremes. NaN with fewer than three pairs.
///
/// Periods with the same factor return keep their order in the series (a stable sort; empyrical sorts with
/// pandas' default, which keeps that order for the short series it is used on).
///
/// ```
/// use kairo_core::metrics::beta_fragility_heuristic;
/// // sorted by factor: (f −0.02, r −0.01), (f 0.00, r 0.03), (f 0.02, r 0.01); w_s = w_e = ½
/// let h = beta_fragility_heuristic(&[0.03, -0.01, 0.01], &[0.0, -0.02, 0.02]);
/// assert!((h - (0.5 * -0.01 + 0.5 * 0.01 - 0.03)).abs() < 1e-15);
/// ```
pub fn beta_fragility_heuristic(returns: &[f64], factor_returns: &[f64]) -> f64 {
    let mut pairs: Vec<(f64, f64)> =
        returns.iter().zip(factor_returns).filter(|(r, f)| !r.is_nan() && !f.is_nan()).map(|(&r, &f)| (r, f)).collect();
    if returns.len() < 3 || factor_returns.len() < 3 || pairs.len() < 3 {
        return f64::NAN;
    }
    pairs.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (start, mid, end) = (pairs[0], pairs[pairs.len() / 2], pairs[pairs.len() - 1]);
    let range = end.1 - start.1;
    let (w_start, w_end) = if range == 0.0 { (0.5, 0.5) } else { ((end.1 - mid.1) / range, (mid.1 - start.1) / range) };
    w_start * start.0 + w_end * end.0 - mid.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_between_the_extremes() {
        // factor −0.04, 0.00, 0.01, 0.04 → start (−0.04, r −0.05), median index 2 (0.01, r 0.00), end (0.04, r 0.06)
        // w_s = (0.04 − 0.01) / 0.08 = 0.375, w_e = (0.01 + 0.04) / 0.08 = 0.625
        let h = beta_fragility_heuristic(&[0.06, 0.0, -0.05, 0.01], &[0.04, 0.01, -0.04, 0.0]);
        let expected = 0.375 * -0.05 + 0.625 * 0.06 - 0.0;
        assert!((h - expected).abs() < 1e-15, "{h}");
    }

    #[test]
    fn too_few_pairs_is_nan() {
        assert!(beta_fragility_heuristic(&[0.01, f64::NAN, 0.02], &[0.01, 0.02, 0.03]).is_nan());
        assert!(beta_fragility_heuristic(&[0.01, 0.02], &[0.01, 0.02]).is_nan());
    }
}
