//! Equal risk contribution (Maillard, Roncalli & Teïletche 2010, "The properties of equally weighted risk
//! contribution portfolios"): the long-only portfolio in which each asset's share of the variance,
//! `RC_i = w_i (Σw)_i / wᵀΣw`, equals its budget `b_i` (`1/n` for equal contribution).
//!
//! Formulation (Spinu 2013, "An algorithm for computing risk parity weights"): the unique minimiser `y* > 0` of
//! the strictly convex `½ yᵀΣy − Σ b_i ln y_i` satisfies `y_i (Σy)_i = b_i`, so `w = y* / Σ y*` has the budgeted
//! contributions. Each `t_i ≤ ln y_i` is an exponential cone `(t_i, 1, y_i)`; Clarabel minimises
//! `½ yᵀΣy − Σ b_i t_i`.

use super::data::Covariance;
use super::error::OptimizeError;
use super::solver::{Program, Row};

/// The equal-risk-contribution weights of `cov` (every asset carries `1/n` of the variance).
///
/// ```
/// use kairo_core::optimize::{equal_risk_contribution, risk_contributions, Covariance};
/// let cov = Covariance::new(vec![0.04, 0.006, 0.006, 0.09], 2).unwrap();
/// let w = equal_risk_contribution(&cov).unwrap();
/// let rc = risk_contributions(&cov, &w);
/// assert!((rc[0] - 0.5).abs() < 1e-6 && (rc[1] - 0.5).abs() < 1e-6);
/// // two assets: w ∝ 1/σ whatever the correlation, so 0.6 and 0.4
/// assert!((w[0] - 0.6).abs() < 1e-6);
/// ```
pub fn equal_risk_contribution(cov: &Covariance) -> Result<Vec<f64>, OptimizeError> {
    let n = cov.assets();
    risk_budget(cov, &vec![1.0 / n as f64; n])
}

/// The long-only weights whose risk contributions are `budgets` (positive, summing to 1).
pub fn risk_budget(cov: &Covariance, budgets: &[f64]) -> Result<Vec<f64>, OptimizeError> {
    let n = cov.assets();
    if budgets.len() != n {
        return Err(OptimizeError::shape("risk_budgets", format!("{} budgets for {n} assets", budgets.len())));
    }
    if let Some(i) = budgets.iter().position(|b| !(*b > 0.0) || !b.is_finite()) {
        return Err(OptimizeError::out_of_range("risk_budgets", format!("budget {i} must be positive")));
    }
    if (budgets.iter().sum::<f64>() - 1.0).abs() > 1e-9 {
        return Err(OptimizeError::out_of_range("risk_budgets", "budgets must sum to 1"));
    }
    if let Some(i) = (0..n).find(|&i| !(cov.get(i, i) > 0.0)) {
        return Err(OptimizeError::bad_value("cov_matrix", format!("asset {i} has no variance")));
    }
    // Scale Σ to unit mean variance: the solution scales as y ∝ 1/√scale, and the solver works best near 1.
    let scale = (0..n).map(|i| cov.get(i, i)).sum::<f64>() / n as f64;
    let mut p = Program::new(2 * n);
    p.quadratic(cov.as_slice(), n, 0, 1.0 / scale);
    for (i, b) in budgets.iter().enumerate() {
        p.linear(n + i, -b);
        p.exponential([Row::new(vec![(n + i, -1.0)], 0.0), Row::new(Vec::new(), 1.0), Row::new(vec![(i, -1.0)], 0.0)]);
    }
    let x = p.solve("risk_budgets")?;
    let total: f64 = x[..n].iter().sum();
    Ok(x[..n].iter().map(|y| y / total).collect())
}

/// Each asset's share of the portfolio variance, `w_i (Σw)_i / wᵀΣw` (they sum to 1).
pub fn risk_contributions(cov: &Covariance, weights: &[f64]) -> Vec<f64> {
    let variance = cov.variance(weights);
    (0..cov.assets()).map(|i| weights[i] * super::data::dot(cov.row(i), weights) / variance).collect()
}
