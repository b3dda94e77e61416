//! Ledoit–Wolf shrinkage of the sample covariance towards a structured target, with the optimal shrinkage
//! intensity estimated from the data, as PyPortfolioOpt's `CovarianceShrinkage` computes it:
//!
//! * [`ShrinkageTarget::ConstantVariance`]: the identity scaled by the mean variance (Ledoit & Wolf 2004, "A
//!   well-conditioned estimator for large-dimensional covariance matrices"; scikit-learn's `ledoit_wolf`, which
//!   PyPortfolioOpt calls): the biased (`/T`) sample covariance is shrunk.
//! * [`ShrinkageTarget::SingleFactor`]: Sharpe's single-index model with the equal-weighted market (Ledoit & Wolf
//!   2003, "Improved estimation of the covariance matrix of stock returns"): the biased sample covariance is shrunk.
//! * [`ShrinkageTarget::ConstantCorrelation`]: every correlation set to the mean correlation (Ledoit & Wolf 2004,
//!   "Honey, I shrunk the sample covariance matrix"): the unbiased (`/(T − 1)`) sample covariance is shrunk, while
//!   the intensity's π and ρ terms divide by `T`, as PyPortfolioOpt does.
//!
//! Each result is annualised (× `frequency`) and made positive semidefinite like every risk model.

use faer::Mat;

use super::data::{Covariance, Returns};
use super::error::OptimizeError;
use super::expected_returns::check_frequency;
use super::risk_models::{fix_nonpositive_semidefinite, gram, need_days};

/// The structured matrix a Ledoit–Wolf estimate shrinks towards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShrinkageTarget {
    /// The mean variance times the identity.
    #[default]
    ConstantVariance,
    /// The covariance of Sharpe's single-factor model, the market being the assets' equal-weighted mean.
    SingleFactor,
    /// The sample variances with every correlation equal to the mean correlation.
    ConstantCorrelation,
}

/// A shrunk covariance matrix and the shrinkage intensity `δ ∈ [0, 1]` that made it (`δ F + (1 − δ) S`).
#[derive(Debug, Clone, PartialEq)]
pub struct Shrunk {
    /// The annualised estimate.
    pub covariance: Covariance,
    /// The weight of the target.
    pub shrinkage: f64,
}

/// The Ledoit–Wolf estimate with `target` (see the module documentation for each formula's source).
///
/// ```
/// use kairo_core::optimize::{ledoit_wolf, Returns, ShrinkageTarget};
/// let r = Returns::new(vec![0.01, -0.02, 0.015, 0.003, 0.02, -0.01, 0.01, 0.0, -0.005], 3, 3).unwrap();
/// let lw = ledoit_wolf(&r, ShrinkageTarget::ConstantVariance, 252.0).unwrap();
/// assert!((0.0..=1.0).contains(&lw.shrinkage));
/// ```
pub fn ledoit_wolf(returns: &Returns, target: ShrinkageTarget, frequency: f64) -> Result<Shrunk, OptimizeError> {
    check_frequency(frequency)?;
    need_days(returns, 2)?;
    let x = returns.demeaned();
    let (mut m, shrinkage) = match target {
        ShrinkageTarget::ConstantVariance => constant_variance(&x),
        ShrinkageTarget::SingleFactor => single_factor(&x),
        ShrinkageTarget::ConstantCorrelation => constant_correlation(&x),
    };
    for j in 0..m.ncols() {
        m.col_as_slice_mut(j).iter_mut().for_each(|v| *v *= frequency);
    }
    Ok(Shrunk { covariance: fix_nonpositive_semidefinite(m), shrinkage })
}

/// Shrinkage towards the scaled identity with a chosen intensity `delta` (PyPortfolioOpt `shrunk_covariance`):
/// `δ μ I + (1 − δ) S`, `S` the sample covariance (`ddof = 1`) and `μ` its mean variance, × `frequency`.
pub fn shrunk_covariance(returns: &Returns, delta: f64, frequency: f64) -> Result<Covariance, OptimizeError> {
    check_frequency(frequency)?;
    need_days(returns, 2)?;
    if !(0.0..=1.0).contains(&delta) {
        return Err(OptimizeError::out_of_range("delta", format!("must be within [0, 1], got {delta}")));
    }
    let x = returns.demeaned();
    let n = x.ncols();
    let mut s = gram(x.as_ref(), 1.0 / (returns.days() - 1) as f64);
    let mu = (0..n).map(|i| s[(i, i)]).sum::<f64>() / n as f64;
    for j in 0..n {
        for i in 0..n {
            s[(i, j)] = (1.0 - delta) * s[(i, j)] + if i == j { delta * mu } else { 0.0 };
            s[(i, j)] *= frequency;
        }
    }
    Ok(fix_nonpositive_semidefinite(s))
}

fn sum(m: &Mat<f64>) -> f64 {
    (0..m.ncols()).map(|j| m.col_as_slice(j).iter().sum::<f64>()).sum()
}

fn map(x: &Mat<f64>, f: impl Fn(f64) -> f64) -> Mat<f64> {
    Mat::from_fn(x.nrows(), x.ncols(), |i, j| f(x[(i, j)]))
}

/// `AᵀB / t`.
fn cross(a: &Mat<f64>, b: &Mat<f64>, t: f64) -> Mat<f64> {
    let mut out = Mat::<f64>::zeros(a.ncols(), b.ncols());
    faer::linalg::matmul::matmul(
        out.as_mut(),
        faer::Accum::Replace,
        a.transpose(),
        b.as_ref(),
        1.0 / t,
        faer::Par::Seq,
    );
    out
}

/// Ledoit & Wolf (2004) towards `μ I`, in scikit-learn's form: `β = (Σ (X²)ᵀX² / T − Σ (XᵀX)² / T) / (p T)`,
/// `δ = (Σ (XᵀX)² / T² − 2 μ tr(S) + p μ²) / p`, intensity `min(β, δ) / δ`.
fn constant_variance(x: &Mat<f64>) -> (Mat<f64>, f64) {
    let (t, p) = (x.nrows() as f64, x.ncols());
    let x2 = map(x, |v| v * v);
    let trace: Vec<f64> = (0..p).map(|j| x2.col_as_slice(j).iter().sum::<f64>() / t).collect();
    let mu = trace.iter().sum::<f64>() / p as f64;
    let beta_sum = sum(&gram(x2.as_ref(), 1.0));
    let xtx = gram(x.as_ref(), 1.0);
    let delta_sum = sum(&map(&xtx, |v| v * v)) / (t * t);
    let beta = (beta_sum / t - delta_sum) / (p as f64 * t);
    let delta = (delta_sum - 2.0 * mu * trace.iter().sum::<f64>() + p as f64 * mu * mu) / p as f64;
    let shrinkage = if beta.min(delta) == 0.0 { 0.0 } else { beta.min(delta) / delta };
    let m = Mat::from_fn(p, p, |i, j| (1.0 - shrinkage) * xtx[(i, j)] / t + if i == j { shrinkage * mu } else { 0.0 });
    (m, shrinkage)
}

/// Ledoit & Wolf (2003) towards the single-index model: `F_ij = β_i β_j / σ²_m` off the diagonal, the sample
/// variances on it; intensity `(π − ρ) / γ / T` clipped to [0, 1].
fn single_factor(x: &Mat<f64>) -> (Mat<f64>, f64) {
    let (t, n) = (x.nrows(), x.ncols());
    let tf = t as f64;
    let market: Vec<f64> = (0..t).map(|r| (0..n).map(|j| x[(r, j)]).sum::<f64>() / n as f64).collect();
    let m_mean = market.iter().sum::<f64>() / tf;
    let sample = gram(x.as_ref(), 1.0 / tf);
    let betas: Vec<f64> = (0..n)
        .map(|j| x.col_as_slice(j).iter().zip(&market).map(|(a, m)| a * (m - m_mean)).sum::<f64>() / tf)
        .collect();
    let var_m = market.iter().map(|m| (m - m_mean).powi(2)).sum::<f64>() / tf;
    let f = Mat::from_fn(n, n, |i, j| if i == j { sample[(i, i)] } else { betas[i] * betas[j] / var_m });
    let c = sum(&Mat::from_fn(n, n, |i, j| (sample[(i, j)] - f[(i, j)]).powi(2)));
    let y = map(x, |v| v * v);
    let p = sum(&gram(y.as_ref(), 1.0 / tf)) - sum(&map(&sample, |v| v * v));
    let r_diag = sum(&map(&y, |v| v * v)) / tf - (0..n).map(|i| sample[(i, i)].powi(2)).sum::<f64>();
    let z = Mat::from_fn(t, n, |r, j| x[(r, j)] * market[r]);
    let yz = cross(&y, &z, tf);
    let zz = gram(z.as_ref(), 1.0 / tf);
    let (mut roff1, mut roff3) = (0.0, 0.0);
    for i in 0..n {
        for j in 0..n {
            let v1 = yz[(i, j)] - betas[i] * sample[(i, j)];
            let v3 = zz[(i, j)] - var_m * sample[(i, j)];
            if i != j {
                roff1 += v1 * betas[j];
                roff3 += v3 * betas[i] * betas[j];
            }
        }
    }
    let r = r_diag + 2.0 * roff1 / var_m - roff3 / (var_m * var_m);
    let shrinkage = ((p - r) / c / tf).clamp(0.0, 1.0);
    let m = Mat::from_fn(n, n, |i, j| shrinkage * f[(i, j)] + (1.0 - shrinkage) * sample[(i, j)]);
    (m, shrinkage)
}

/// Ledoit & Wolf (2004) towards constant correlation: `F_ij = r̄ σ_i σ_j` off the diagonal; intensity
/// `(π − ρ) / γ / T` clipped to [0, 1], `γ = ‖S − F‖²_F`.
fn constant_correlation(x: &Mat<f64>) -> (Mat<f64>, f64) {
    let (t, n) = (x.nrows() as f64, x.ncols());
    let xtx = gram(x.as_ref(), 1.0);
    let s = Mat::from_fn(n, n, |i, j| xtx[(i, j)] / (t - 1.0));
    let sd: Vec<f64> = (0..n).map(|i| s[(i, i)].sqrt()).collect();
    let corr_sum: f64 =
        (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).map(|(i, j)| s[(i, j)] / (sd[i] * sd[j])).sum();
    let r_bar = (corr_sum - n as f64) / (n * (n - 1)).max(1) as f64;
    let f = Mat::from_fn(n, n, |i, j| if i == j { s[(i, i)] } else { r_bar * sd[i] * sd[j] });
    let y = map(x, |v| v * v);
    let yy = gram(y.as_ref(), 1.0 / t);
    let pi = Mat::from_fn(n, n, |i, j| yy[(i, j)] - 2.0 * xtx[(i, j)] * s[(i, j)] / t + s[(i, j)].powi(2));
    let pi_hat = sum(&pi);
    let x3 = map(x, |v| v * v * v);
    let term1 = cross(&x3, x, t);
    let mut theta_sum = 0.0;
    for i in 0..n {
        for j in 0..n {
            if i != j {
                let help = xtx[(i, j)] / t;
                let theta = term1[(i, j)] - xtx[(i, i)] / t * s[(i, j)] - help * s[(i, i)] + s[(i, i)] * s[(i, j)];
                theta_sum += sd[j] / sd[i] * theta;
            }
        }
    }
    let rho_hat = (0..n).map(|i| pi[(i, i)]).sum::<f64>() + r_bar * theta_sum;
    let gamma = sum(&Mat::from_fn(n, n, |i, j| (s[(i, j)] - f[(i, j)]).powi(2)));
    let shrinkage = ((pi_hat - rho_hat) / gamma / t).clamp(0.0, 1.0);
    let m = Mat::from_fn(n, n, |i, j| shrinkage * f[(i, j)] + (1.0 - shrinkage) * s[(i, j)]);
    (m, shrinkage)
}
