//! Hierarchical risk parity (López de Prado 2016, "Building diversified portfolios that outperform out of
//! sample"), as PyPortfolioOpt's `HRPOpt.optimize` computes it:
//!
//! 1. distances `d_ij = √(clip((1 − ρ_ij) / 2, 0, 1))` from the correlation matrix;
//! 2. single-linkage hierarchical clustering of the distances (the `kodama` crate; SciPy's `linkage` labels, the
//!    smaller cluster on the left);
//! 3. the leaves in the dendrogram's pre-order (quasi-diagonalisation);
//! 4. recursive bisection of that list into halves by position; each half gets `α = 1 − V₁ / (V₁ + V₂)` of its
//!    parent's weight, where `V` is the variance of the half's inverse-variance portfolio.

use kodama::{linkage, Method};

use super::data::{Covariance, Returns};
use super::error::OptimizeError;
use super::risk_models::sample_cov;

/// HRP weights from daily returns: the correlation and the covariance are the returns' sample estimates (the
/// covariance's scale does not change the weights).
///
/// ```
/// use kairo_core::optimize::{hrp, Returns};
/// let r = Returns::new(vec![0.01, -0.02, 0.03, 0.0, 0.01, -0.01, 0.02, -0.01, 0.005, 0.004, -0.003, 0.002], 4, 3).unwrap();
/// let w = hrp(&r).unwrap();
/// assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12 && w.iter().all(|&x| x > 0.0));
/// ```
pub fn hrp(returns: &Returns) -> Result<Vec<f64>, OptimizeError> {
    let cov = sample_cov(returns, 1.0)?;
    Ok(hrp_from(&cov, &cov.correlation()))
}

/// HRP weights from a covariance matrix alone: the correlation derived from it and rounded to 6 decimals, as
/// PyPortfolioOpt does when it is given no returns.
pub fn hrp_from_covariance(cov: &Covariance) -> Result<Vec<f64>, OptimizeError> {
    if let Some(i) = (0..cov.assets()).find(|&i| !(cov.get(i, i) > 0.0)) {
        return Err(OptimizeError::bad_value("cov_matrix", format!("asset {i} has no variance")));
    }
    let corr = cov.correlation();
    let rounded = corr.as_slice().iter().map(|v| (v * 1e6).round() / 1e6).collect();
    let corr = Covariance::new(rounded, cov.assets())?;
    Ok(hrp_from(cov, &corr))
}

fn hrp_from(cov: &Covariance, corr: &Covariance) -> Vec<f64> {
    let n = cov.assets();
    if n == 1 {
        return vec![1.0];
    }
    let order = quasi_diagonal(corr);
    let mut w = vec![1.0; n];
    let mut clusters = vec![&order[..]];
    let mut next = Vec::with_capacity(n);
    while !clusters.is_empty() {
        next.clear();
        for c in &clusters {
            if c.len() > 1 {
                let (a, b) = c.split_at(c.len() / 2);
                let (va, vb) = (cluster_variance(cov, a), cluster_variance(cov, b));
                let alpha = 1.0 - va / (va + vb);
                a.iter().for_each(|&i| w[i] *= alpha);
                b.iter().for_each(|&i| w[i] *= 1.0 - alpha);
                next.push(a);
                next.push(b);
            }
        }
        std::mem::swap(&mut clusters, &mut next);
    }
    w
}

/// The leaves of the single-linkage dendrogram of `corr`'s distances, in pre-order.
fn quasi_diagonal(corr: &Covariance) -> Vec<usize> {
    let n = corr.assets();
    let mut condensed = Vec::with_capacity(n * (n - 1) / 2);
    for i in 0..n {
        for j in i + 1..n {
            condensed.push(((1.0 - corr.get(i, j)) / 2.0).clamp(0.0, 1.0).sqrt());
        }
    }
    let dendrogram = linkage(&mut condensed, n, Method::Single);
    let steps = dendrogram.steps();
    let mut order = Vec::with_capacity(n);
    let mut stack = vec![n + steps.len() - 1];
    while let Some(node) = stack.pop() {
        if node < n {
            order.push(node);
        } else {
            let s = &steps[node - n];
            stack.push(s.cluster2);
            stack.push(s.cluster1);
        }
    }
    order
}

/// The variance of the inverse-variance portfolio of `items`: `w_i ∝ 1 / Σ_ii`, `wᵀ Σ_items w`.
fn cluster_variance(cov: &Covariance, items: &[usize]) -> f64 {
    let inv: Vec<f64> = items.iter().map(|&i| 1.0 / cov.get(i, i)).collect();
    let total: f64 = inv.iter().sum();
    let mut v = 0.0;
    for (a, &i) in items.iter().enumerate() {
        let row = cov.row(i);
        let s: f64 = items.iter().zip(&inv).map(|(&j, wj)| row[j] * wj).sum();
        v += inv[a] * s;
    }
    v / (total * total)
}
