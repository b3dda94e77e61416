//! Expected annual returns of each asset from its daily returns, as PyPortfolioOpt's `expected_returns` module
//! defines them (the same parameters and defaults: 252 periods a year, compounding on, span 500).

use super::data::{mean, Returns};
use super::error::OptimizeError;

/// How a mean daily return becomes an annual one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Annualize {
    /// Geometric: `(∏(1 + r_t))^(frequency / T) − 1` (PyPortfolioOpt's `compounding=True`, its default).
    #[default]
    Compound,
    /// Arithmetic: `mean(r) × frequency`.
    Simple,
}

/// The mean historical return of each asset (PyPortfolioOpt `mean_historical_return`):
/// `(∏_t (1 + r_t))^(frequency / T) − 1` when compounding, `frequency × mean(r)` otherwise.
///
/// ```
/// use kairo_core::optimize::{expected_returns, Annualize, Returns};
/// let r = Returns::new(vec![0.01, 0.02, -0.01, 0.0], 2, 2).unwrap();
/// let mu = expected_returns::mean_historical(&r, Annualize::Compound, 252.0).unwrap();
/// // asset 0: (1.01 × 1.02)^(252/2) − 1, written out
/// assert!((mu[0] - (1.01f64 * 1.02).powf(126.0) + 1.0).abs() < 1e-9);
/// ```
pub fn mean_historical(returns: &Returns, how: Annualize, frequency: f64) -> Result<Vec<f64>, OptimizeError> {
    check_frequency(frequency)?;
    let t = returns.days() as f64;
    Ok((0..returns.assets())
        .map(|j| {
            let r = returns.asset(j);
            match how {
                Annualize::Compound => r.iter().map(|x| 1.0 + x).product::<f64>().powf(frequency / t) - 1.0,
                Annualize::Simple => mean(r) * frequency,
            }
        })
        .collect())
}

/// The exponentially weighted mean return of each asset (PyPortfolioOpt `ema_historical_return`, pandas
/// `ewm(span).mean()` with `adjust=True`): weights `(1 − α)^k` on the return `k` days before the last, with
/// `α = 2 / (span + 1)`; annualised as `(1 + m)^frequency − 1` when compounding, `m × frequency` otherwise.
pub fn ema_historical(returns: &Returns, span: f64, how: Annualize, frequency: f64) -> Result<Vec<f64>, OptimizeError> {
    check_frequency(frequency)?;
    let weights = ewm_weights(returns.days(), span)?;
    let total: f64 = weights.iter().sum();
    Ok((0..returns.assets())
        .map(|j| {
            let m = returns.asset(j).iter().zip(&weights).map(|(r, w)| r * w).sum::<f64>() / total;
            match how {
                Annualize::Compound => (1.0 + m).powf(frequency) - 1.0,
                Annualize::Simple => m * frequency,
            }
        })
        .collect())
}

/// CAPM expected returns (PyPortfolioOpt `capm_return`): `R_f + β_i (E[R_m] − R_f)`, with
/// `β_i = cov(r_i, r_m) / var(r_m)` and `E[R_m]` the market's mean historical return annualised as `how` says. The
/// market is `market` (its daily returns, aligned with `returns`) or, when `None`, the equal-weighted mean of the
/// assets each day, as PyPortfolioOpt does.
pub fn capm(
    returns: &Returns,
    market: Option<&[f64]>,
    risk_free_rate: f64,
    how: Annualize,
    frequency: f64,
) -> Result<Vec<f64>, OptimizeError> {
    check_frequency(frequency)?;
    let days = returns.days();
    let mkt: Vec<f64> = match market {
        Some(m) if m.len() != days => {
            return Err(OptimizeError::shape(
                "market_returns",
                format!("{} returns for {days} days of asset returns", m.len()),
            ))
        }
        Some(m) => {
            if let Some(i) = m.iter().position(|x| !x.is_finite()) {
                return Err(OptimizeError::bad_value("market_returns", format!("day {i} is not finite")));
            }
            m.to_vec()
        }
        None => (0..days)
            .map(|t| (0..returns.assets()).map(|j| returns.asset(j)[t]).sum::<f64>())
            .map(|s| s / returns.assets() as f64)
            .collect(),
    };
    if days < 2 {
        return Err(OptimizeError::shape("returns", "CAPM needs at least two days of returns"));
    }
    let m_mean = mean(&mkt);
    let var_m: f64 = mkt.iter().map(|x| (x - m_mean).powi(2)).sum();
    let market_return = match how {
        Annualize::Compound => mkt.iter().map(|x| 1.0 + x).product::<f64>().powf(frequency / days as f64) - 1.0,
        Annualize::Simple => m_mean * frequency,
    };
    Ok((0..returns.assets())
        .map(|j| {
            let r = returns.asset(j);
            let r_mean = mean(r);
            let cov: f64 = r.iter().zip(&mkt).map(|(x, m)| (x - r_mean) * (m - m_mean)).sum();
            risk_free_rate + cov / var_m * (market_return - risk_free_rate)
        })
        .collect())
}

/// pandas' `ewm(span, adjust=True)` weights of `n` observations, oldest first: `(1 − α)^(n − 1 − t)`.
pub(crate) fn ewm_weights(n: usize, span: f64) -> Result<Vec<f64>, OptimizeError> {
    if !(span >= 1.0) || !span.is_finite() {
        return Err(OptimizeError::out_of_range("span", format!("must be at least 1, got {span}")));
    }
    let decay = 1.0 - 2.0 / (span + 1.0);
    let mut w = vec![0.0; n];
    let mut x = 1.0;
    for slot in w.iter_mut().rev() {
        *slot = x;
        x *= decay;
    }
    Ok(w)
}

pub(crate) fn check_frequency(frequency: f64) -> Result<(), OptimizeError> {
    // a year of one-minute bars is about 98,000 periods; a million leaves room and keeps the estimates finite
    if frequency > 0.0 && frequency <= 1e6 {
        Ok(())
    } else {
        Err(OptimizeError::out_of_range(
            "frequency",
            format!("must be a number of periods a year in (0, 1e6], got {frequency}"),
        ))
    }
}
