//! Returns from prices, and returns compounded over calendar groups (empyrical `simple_returns`,
//! `aggregate_returns`).

/// Simple returns of a price series, `(p_t − p_{t−1}) / p_{t−1}` (empyrical `simple_returns` on arrays; a price of
/// zero gives ±∞ or NaN as the division does): one value fewer than the prices.
///
/// ```
/// use kairo_core::metrics::simple_returns;
/// assert_eq!(simple_returns(&[100.0, 110.0, 99.0]), vec![0.1, -0.1]);
/// ```
pub fn simple_returns(prices: &[f64]) -> Vec<f64> {
    prices.windows(2).map(|w| (w[1] - w[0]) / w[0]).collect()
}

/// `changes[i] / bases[i]`: simple returns from price changes computed exactly elsewhere (integer prices beyond
/// 2^53, whose difference a float subtraction would lose).
pub fn returns_from_changes(changes: &[f64], bases: &[f64]) -> Vec<f64> {
    changes.iter().zip(bases).map(|(c, b)| c / b).collect()
}

/// Percentage change as pandas' `pct_change` computes it, `p_t / p_{t−1} − 1` (empyrical `simple_returns` on a
/// Series or DataFrame): one value fewer than the prices.
///
/// ```
/// use kairo_core::metrics::pct_change;
/// assert_eq!(pct_change(&[100.0, 150.0]), vec![0.5]);
/// ```
pub fn pct_change(prices: &[f64]) -> Vec<f64> {
    prices.windows(2).map(|w| w[1] / w[0] - 1.0).collect()
}

/// The compounded return of each group, `Π(1 + r) − 1` over the group's non-NaN returns (empyrical
/// `aggregate_returns`, which cumulates each week, month, quarter or year): `groups[i]` is the group of period `i`,
/// below `count`.
///
/// ```
/// use kairo_core::metrics::compound_by_group;
/// let g = compound_by_group(&[0.1, 0.1, f64::NAN, -0.5], &[0, 0, 1, 1], 2);
/// assert!((g[0] - 0.21).abs() < 1e-15 && g[1] == -0.5);
/// ```
pub fn compound_by_group(returns: &[f64], groups: &[usize], count: usize) -> Vec<f64> {
    let mut growth = vec![1.0; count];
    for (&r, &g) in returns.iter().zip(groups) {
        if let Some(x) = growth.get_mut(g) {
            if !r.is_nan() {
                *x *= 1.0 + r;
            }
        }
    }
    growth.into_iter().map(|x| x - 1.0).collect()
}
