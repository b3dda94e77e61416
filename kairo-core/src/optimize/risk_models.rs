//! Annualised covariance estimates of daily returns, as PyPortfolioOpt's `risk_models` defines them: the sample
//! covariance, the exponentially weighted covariance and the semicovariance (the Ledoit–Wolf estimates are in
//! [`ledoit_wolf`](super::ledoit_wolf)). Every estimate is checked to be positive semidefinite and, if rounding left
//! it slightly indefinite, repaired by clipping its negative eigenvalues to zero (PyPortfolioOpt's `spectral` fix).

use faer::linalg::matmul::matmul;
use faer::linalg::matmul::triangular::{self, BlockStructure};
use faer::{Accum, Mat, MatRef, Par, Side};

use super::data::{Covariance, Returns};
use super::error::OptimizeError;
use super::expected_returns::{check_frequency, ewm_weights};

/// The sample covariance of the returns (`ddof = 1`, pandas `DataFrame.cov`) × `frequency`.
///
/// ```
/// use kairo_core::optimize::{risk_models, Returns};
/// let r = Returns::new(vec![0.01, 0.03, -0.01, 0.02, 0.0, 0.01], 3, 2).unwrap();
/// let s = risk_models::sample_cov(&r, 252.0).unwrap();
/// // asset 0: mean 0.01, deviations 0, 0.02, −0.02 → variance 0.0008 / 2, × 252
/// assert!((s.get(0, 0) - 0.0004 * 252.0).abs() < 1e-12);
/// ```
pub fn sample_cov(returns: &Returns, frequency: f64) -> Result<Covariance, OptimizeError> {
    check_frequency(frequency)?;
    need_days(returns, 2)?;
    let x = returns.demeaned();
    let scale = frequency / (returns.days() - 1) as f64;
    Ok(fix_nonpositive_semidefinite(gram(x.as_ref(), scale)))
}

/// The exponentially weighted covariance (PyPortfolioOpt `exp_cov`): each pair's co-deviations from the full-sample
/// means, `(x_t − x̄)(y_t − ȳ)`, averaged with pandas' `ewm(span, adjust=True)` weights and read on the last day,
/// × `frequency`.
pub fn exp_cov(returns: &Returns, span: f64, frequency: f64) -> Result<Covariance, OptimizeError> {
    check_frequency(frequency)?;
    need_days(returns, 1)?;
    let weights = ewm_weights(returns.days(), span)?;
    let total: f64 = weights.iter().sum();
    let mut x = returns.demeaned();
    // Σ_t w_t a_t b_t = Σ_t (√w_t a_t)(√w_t b_t)
    for j in 0..x.ncols() {
        for (v, w) in x.col_as_slice_mut(j).iter_mut().zip(&weights) {
            *v *= w.sqrt();
        }
    }
    Ok(fix_nonpositive_semidefinite(gram(x.as_ref(), frequency / total)))
}

/// The semicovariance (PyPortfolioOpt `semicovariance`, Estrada 2006): `E[min(r_i − B, 0) · min(r_j − B, 0)]` over
/// the `T` days, × `frequency`, with `B` the daily `benchmark` return (PyPortfolioOpt's default is 0.000079, about
/// 2 % a year).
pub fn semicovariance(returns: &Returns, benchmark: f64, frequency: f64) -> Result<Covariance, OptimizeError> {
    check_frequency(frequency)?;
    if !benchmark.is_finite() {
        return Err(OptimizeError::bad_value("benchmark", "must be finite"));
    }
    let data = returns.as_slice().iter().map(|r| (r - benchmark).min(0.0)).collect::<Vec<_>>();
    let drops = MatRef::from_column_major_slice(&data, returns.days(), returns.assets());
    Ok(fix_nonpositive_semidefinite(gram(drops, frequency / returns.days() as f64)))
}

/// `scale × XᵀX`: the lower triangle computed (half the products of a full multiplication), then mirrored.
pub(crate) fn gram(x: MatRef<'_, f64>, scale: f64) -> Mat<f64> {
    let n = x.ncols();
    let mut out = Mat::<f64>::zeros(n, n);
    triangular::matmul(
        out.as_mut(),
        BlockStructure::TriangularLower,
        Accum::Replace,
        x.transpose(),
        BlockStructure::Rectangular,
        x,
        BlockStructure::Rectangular,
        scale,
        Par::Seq,
    );
    for j in 0..n {
        for i in 0..j {
            out[(i, j)] = out[(j, i)];
        }
    }
    out
}

/// The matrix as a [`Covariance`], with negative eigenvalues clipped to zero when it is not positive semidefinite
/// (PyPortfolioOpt `fix_nonpositive_semidefinite(fix_method="spectral")`; its test is a Cholesky factorisation of
/// `Σ + 10⁻¹⁶ I`).
pub(crate) fn fix_nonpositive_semidefinite(m: Mat<f64>) -> Covariance {
    let n = m.nrows();
    let shifted = Mat::from_fn(n, n, |i, j| m[(i, j)] + if i == j { 1e-16 } else { 0.0 });
    if shifted.llt(Side::Lower).is_ok() {
        return Covariance::from_mat(&m);
    }
    match m.self_adjoint_eigen(Side::Lower) {
        Ok(eig) => {
            let (u, s) = (eig.U(), eig.S());
            let mut scaled = u.to_owned();
            for k in 0..n {
                let lambda = s[k].max(0.0);
                for i in 0..n {
                    scaled[(i, k)] *= lambda;
                }
            }
            let mut fixed = Mat::<f64>::zeros(n, n);
            matmul(fixed.as_mut(), Accum::Replace, scaled.as_ref(), u.transpose(), 1.0, Par::Seq);
            Covariance::from_mat(&fixed)
        }
        Err(_) => Covariance::from_mat(&m),
    }
}

pub(crate) fn need_days(returns: &Returns, days: usize) -> Result<(), OptimizeError> {
    if returns.days() < days {
        return Err(OptimizeError::shape(
            "returns",
            format!("needs at least {days} days of returns, got {}", returns.days()),
        ));
    }
    Ok(())
}
