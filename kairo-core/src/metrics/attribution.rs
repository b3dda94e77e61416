//! Factor performance attribution (empyrical `perf_attrib`, `compute_exposures`; the risk model of Quantopian's
//! pyfolio): a portfolio's exposure to each factor is the position-weighted sum of its holdings' loadings; the
//! return attributed to a factor is that exposure times the factor's return; the rest of the return is specific.
//!
//! Values that are NaN (a holding without a loading, a date without a factor return) are skipped in sums, and a
//! sum over nothing is 0, as pandas sums; a mean over nothing is NaN.

/// The exposure of each group (date) to each factor: `Σ_i loading[i][f] · weight[i]` over the rows `i` of the
/// group (`groups[i]`, below `count`), products with a NaN skipped. `loadings` is row-major, `factors` wide.
///
/// ```
/// use kairo_core::metrics::group_exposures;
/// // one date, two tickers with loadings (1, 0) and (0.5, 2), positions 0.5 and −0.5
/// let e = group_exposures(&[1.0, 0.0, 0.5, 2.0], 2, &[0.5, -0.5], &[0, 0], 1);
/// assert_eq!(e, vec![0.25, -1.0]);
/// ```
pub fn group_exposures(loadings: &[f64], factors: usize, weights: &[f64], groups: &[usize], count: usize) -> Vec<f64> {
    let mut out = vec![0.0; count * factors];
    if factors == 0 {
        return out;
    }
    for ((row, &w), &g) in loadings.chunks_exact(factors).zip(weights).zip(groups) {
        if g >= count {
            continue;
        }
        for (o, &l) in out[g * factors..(g + 1) * factors].iter_mut().zip(row) {
            let p = l * w;
            if !p.is_nan() {
                *o += p;
            }
        }
    }
    out
}

/// Element-wise products of two row-major tables of the same shape and the sum of each row's products (NaN
/// skipped, 0 for a row of NaN): the return attributed to each factor and their total, the common return.
///
/// ```
/// use kairo_core::metrics::attributed_returns;
/// let (by_factor, common) = attributed_returns(&[0.5, 2.0, 1.0, f64::NAN], &[0.01, 0.02, 0.03, 0.04], 2);
/// assert_eq!(common, vec![0.5 * 0.01 + 2.0 * 0.02, 0.03]);
/// assert!(by_factor[3].is_nan());
/// ```
pub fn attributed_returns(exposures: &[f64], factor_returns: &[f64], factors: usize) -> (Vec<f64>, Vec<f64>) {
    let products: Vec<f64> = exposures.iter().zip(factor_returns).map(|(e, r)| e * r).collect();
    let sums = if factors == 0 {
        Vec::new()
    } else {
        products.chunks_exact(factors).map(|row| row.iter().filter(|p| !p.is_nan()).sum()).collect()
    };
    (products, sums)
}

/// The mean of each column of a row-major table over its non-NaN values (NaN for a column without one): the
/// portfolio's average exposure to each factor, its tilt.
///
/// ```
/// use kairo_core::metrics::column_means;
/// assert_eq!(column_means(&[1.0, f64::NAN, 3.0, 4.0], 2), vec![2.0, 4.0]);
/// ```
pub fn column_means(table: &[f64], columns: usize) -> Vec<f64> {
    let mut sums = vec![0.0; columns];
    let mut counts = vec![0usize; columns];
    if columns == 0 {
        return sums;
    }
    for row in table.chunks_exact(columns) {
        for ((s, c), &v) in sums.iter_mut().zip(counts.iter_mut()).zip(row) {
            if !v.is_nan() {
                *s += v;
                *c += 1;
            }
        }
    }
    sums.iter().zip(&counts).map(|(s, &c)| if c == 0 { f64::NAN } else { s / c as f64 }).collect()
}
