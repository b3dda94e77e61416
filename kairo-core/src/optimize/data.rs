//! The inputs of the estimators: a dense matrix of daily returns ([`Returns`], one column per asset) and an
//! annualised covariance matrix ([`Covariance`]).

use faer::{Mat, MatRef};

use super::error::OptimizeError;

/// Daily simple returns of `assets` assets over `days` days, stored asset by asset (column-major).
///
/// Built from prices with [`Returns::from_prices`] (`r_t = p_t / p_{t-1} − 1`, PyPortfolioOpt's
/// `returns_from_prices`) or given directly with [`Returns::new`]. The matrix is dense: a price series with gaps is
/// the caller's to fill or trim (PyPortfolioOpt computes pairwise statistics over the days both assets have; kairo
/// refuses a NaN rather than guess).
///
/// ```
/// use kairo_core::optimize::Returns;
/// // two assets, three days of prices, asset by asset
/// let r = Returns::from_prices(&[100.0, 110.0, 99.0, 50.0, 50.0, 55.0], 3, 2).unwrap();
/// assert_eq!((r.days(), r.assets()), (2, 2));
/// assert!((r.asset(0)[0] - 0.10).abs() < 1e-15 && (r.asset(1)[1] - 0.10).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Returns {
    days: usize,
    assets: usize,
    data: Vec<f64>,
}

impl Returns {
    /// Returns given directly: `data[j * days + t]` is asset `j`'s return on day `t`. Every value must be finite
    /// and above −1.
    pub fn new(data: Vec<f64>, days: usize, assets: usize) -> Result<Self, OptimizeError> {
        check_shape("returns", data.len(), days, assets)?;
        if let Some(i) = data.iter().position(|r| !r.is_finite() || *r <= -1.0) {
            return Err(OptimizeError::bad_value(
                "returns",
                format!("asset {} day {}: {} is not a finite return above -1", i / days, i % days, data[i]),
            ));
        }
        Ok(Returns { days, assets, data })
    }

    /// The returns of a price matrix of `days` rows and `assets` columns, stored asset by asset
    /// (`prices[j * days + t]`). Prices must be finite and positive; the result has `days − 1` rows.
    pub fn from_prices(prices: &[f64], days: usize, assets: usize) -> Result<Self, OptimizeError> {
        check_shape("prices", prices.len(), days, assets)?;
        if days < 2 {
            return Err(OptimizeError::shape("prices", "at least two days of prices are needed for one return"));
        }
        if let Some(i) = prices.iter().position(|p| !p.is_finite() || *p <= 0.0) {
            return Err(OptimizeError::bad_value(
                "prices",
                format!("asset {} day {}: {} is not a finite positive price", i / days, i % days, prices[i]),
            ));
        }
        let mut data = Vec::with_capacity((days - 1) * assets);
        for col in prices.chunks_exact(days) {
            data.extend(col.windows(2).map(|w| w[1] / w[0] - 1.0));
        }
        Ok(Returns { days: days - 1, assets, data })
    }

    /// The number of days (rows).
    pub fn days(&self) -> usize {
        self.days
    }

    /// The number of assets (columns).
    pub fn assets(&self) -> usize {
        self.assets
    }

    /// Asset `j`'s daily returns.
    pub fn asset(&self, j: usize) -> &[f64] {
        &self.data[j * self.days..(j + 1) * self.days]
    }

    /// The whole matrix, asset by asset.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    /// Each asset's mean return.
    pub(crate) fn means(&self) -> Vec<f64> {
        (0..self.assets).map(|j| mean(self.asset(j))).collect()
    }

    /// The returns less each asset's mean (the matrix every covariance estimate starts from).
    pub(crate) fn demeaned(&self) -> Mat<f64> {
        let means = self.means();
        Mat::from_fn(self.days, self.assets, |t, j| self.data[j * self.days + t] - means[j])
    }
}

/// An annualised covariance matrix of `n` assets (symmetric, stored row by row).
#[derive(Debug, Clone, PartialEq)]
pub struct Covariance {
    n: usize,
    data: Vec<f64>,
}

impl Covariance {
    /// A covariance matrix given directly, `data[i * n + j]`: square, finite and symmetric (to 1e-12 relative).
    pub fn new(data: Vec<f64>, n: usize) -> Result<Self, OptimizeError> {
        if data.len() != n * n || n == 0 {
            return Err(OptimizeError::shape(
                "cov_matrix",
                format!("expected a non-empty square matrix of {n} × {n}, got {} values", data.len()),
            ));
        }
        if let Some(i) = data.iter().position(|v| !v.is_finite()) {
            return Err(OptimizeError::bad_value(
                "cov_matrix",
                format!("row {} column {} is not finite", i / n, i % n),
            ));
        }
        for i in 0..n {
            if data[i * n + i] < 0.0 {
                return Err(OptimizeError::bad_value("cov_matrix", format!("variance {i} is negative")));
            }
            for j in 0..i {
                let (a, b) = (data[i * n + j], data[j * n + i]);
                if (a - b).abs() > 1e-12 * a.abs().max(b.abs()).max(f64::MIN_POSITIVE) {
                    return Err(OptimizeError::bad_value("cov_matrix", format!("not symmetric at ({i}, {j})")));
                }
            }
        }
        Ok(Covariance { n, data })
    }

    pub(crate) fn from_mat(m: &Mat<f64>) -> Self {
        let n = m.nrows();
        let mut data = Vec::with_capacity(n * n);
        for i in 0..n {
            for j in 0..n {
                // symmetric by construction: average the two triangles' rounding
                data.push(0.5 * (m[(i, j)] + m[(j, i)]));
            }
        }
        Covariance { n, data }
    }

    /// The number of assets.
    pub fn assets(&self) -> usize {
        self.n
    }

    /// Entry (`i`, `j`).
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.n + j]
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.n..(i + 1) * self.n]
    }

    /// The matrix, row by row.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    pub(crate) fn view(&self) -> MatRef<'_, f64> {
        MatRef::from_column_major_slice(&self.data, self.n, self.n)
    }

    /// `wᵀ Σ w`.
    pub fn variance(&self, w: &[f64]) -> f64 {
        self.data.chunks_exact(self.n).zip(w).map(|(row, wi)| wi * dot(row, w)).sum()
    }

    /// The matching correlation matrix, `Σ_ij / (σ_i σ_j)`.
    pub fn correlation(&self) -> Covariance {
        let sd: Vec<f64> = (0..self.n).map(|i| self.get(i, i).sqrt()).collect();
        let data = self.data.iter().enumerate().map(|(k, v)| v / (sd[k / self.n] * sd[k % self.n])).collect();
        Covariance { n: self.n, data }
    }
}

pub(crate) fn check_shape(field: &'static str, len: usize, days: usize, assets: usize) -> Result<(), OptimizeError> {
    if assets == 0 || days == 0 {
        return Err(OptimizeError::shape(field, "needs at least one day and one asset"));
    }
    if days.checked_mul(assets) != Some(len) {
        return Err(OptimizeError::shape(
            field,
            format!("{days} days × {assets} assets needs {} values, got {len}", days * assets),
        ));
    }
    Ok(())
}

#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[inline]
pub(crate) fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}
