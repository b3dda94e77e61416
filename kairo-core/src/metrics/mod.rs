//! Risk and performance metrics over a series of periodic simple returns.
//!
//! The definitions, defaults and NaN handling follow **empyrical** (the `empyrical-reloaded` package used by
//! pyfolio and zipline) so that results agree with it to 1e-12 relative, most of them bit for bit:
//!
//! * returns are simple (non-cumulative) period returns, `0.01` meaning +1 %;
//! * NaN observations are skipped by the statistics (`nanmean`, `nanstd`), except where empyrical lets them through
//!   ([`value_at_risk`], [`skew`] and [`kurtosis`] return NaN when the input holds a NaN, as numpy and scipy do) or
//!   counts them ([`annual_return`] counts every period, NaN or not, in its number of years);
//! * standard deviations are two-pass with `ddof = 1` and plain left-to-right sums, as bottleneck computes them;
//! * annualization factors are those of [`Period`], or an explicit override;
//! * degenerate input (empty, all NaN, zero variance) gives NaN where empyrical gives NaN; input that is simply wrong
//!   (two series of different lengths, a cutoff outside [0, 1]) is a [`MetricsError`].
//!
//! Everything at once, in a few passes over the data: [`Metrics::compute`].

mod capture;
mod cumulative;
mod drawdown;
mod fused;
mod kernels;
mod quantile;
mod ratios;
mod regression;
mod rolling;
mod sharpe_inference;
mod stability;
pub(crate) mod stats;
mod summary;
mod var;

pub use capture::{down_capture, up_capture, up_down_capture};
pub use cumulative::{annual_return, cum_returns, cum_returns_final};
pub use drawdown::{drawdown_periods, drawdown_series, max_drawdown, DrawdownPeriod};
pub use ratios::{
    annual_volatility, annual_volatility_alpha, calmar_ratio, downside_risk, excess_sharpe, omega_ratio, sharpe_ratio,
    sortino_ratio, tracking_error,
};
pub use regression::{alpha, alpha_beta, beta, correlation};
pub use rolling::{rolling_beta, rolling_sharpe, rolling_volatility};
pub use sharpe_inference::{deflated_sharpe_ratio, probabilistic_sharpe_ratio};
pub use stability::stability_of_timeseries;
pub use stats::{kurtosis, nanmean, nanstd, skew};
pub use summary::{BenchmarkMetrics, Metrics, MetricsOptions};
pub use var::{conditional_value_at_risk, cornish_fisher_var, parametric_var, tail_ratio, value_at_risk};

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::MetricsError;

/// The sampling period of a return series, which fixes its annualization factor (empyrical's
/// `ANNUALIZATION_FACTORS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Trading days: 252 a year.
    #[default]
    Daily,
    /// Weeks: 52 a year.
    Weekly,
    /// Months: 12 a year.
    Monthly,
    /// Quarters: 4 a year.
    Quarterly,
    /// Years: 1 a year.
    Yearly,
}

impl Period {
    /// Periods per year: 252, 52, 12, 4 or 1.
    pub fn annualization(self) -> f64 {
        match self {
            Period::Daily => 252.0,
            Period::Weekly => 52.0,
            Period::Monthly => 12.0,
            Period::Quarterly => 4.0,
            Period::Yearly => 1.0,
        }
    }

    /// The lower-case name: `daily`, `weekly`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Daily => "daily",
            Period::Weekly => "weekly",
            Period::Monthly => "monthly",
            Period::Quarterly => "quarterly",
            Period::Yearly => "yearly",
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Period {
    type Err = MetricsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "daily" => Ok(Period::Daily),
            "weekly" => Ok(Period::Weekly),
            "monthly" => Ok(Period::Monthly),
            "quarterly" => Ok(Period::Quarterly),
            "yearly" => Ok(Period::Yearly),
            _ => Err(MetricsError::UnknownPeriod(s.to_owned())),
        }
    }
}

/// The annualization factor to use: `annualization` when given, else the period's factor (empyrical's
/// `annualization_factor`). An override must be finite and > 0.
///
/// ```
/// use kairo_core::metrics::{annualization_factor, Period};
/// assert_eq!(annualization_factor(Period::Monthly, None).unwrap(), 12.0);
/// assert_eq!(annualization_factor(Period::Daily, Some(365.0)).unwrap(), 365.0);
/// assert!(annualization_factor(Period::Daily, Some(0.0)).is_err());
/// ```
pub fn annualization_factor(period: Period, annualization: Option<f64>) -> Result<f64, MetricsError> {
    match annualization {
        None => Ok(period.annualization()),
        Some(a) if a.is_finite() && a > 0.0 => Ok(a),
        Some(a) => Err(MetricsError::InvalidParameter {
            name: "annualization",
            reason: format!("must be a finite number greater than zero, got {a}"),
        }),
    }
}

/// Checks that two series are aligned element by element.
pub(crate) fn check_lengths(returns: &[f64], factor_returns: &[f64]) -> Result<(), MetricsError> {
    if returns.len() == factor_returns.len() {
        Ok(())
    } else {
        Err(MetricsError::LengthMismatch { returns: returns.len(), factor_returns: factor_returns.len() })
    }
}

/// Checks that a tail cutoff lies in [0, 1] (numpy's percentile domain, divided by 100).
pub(crate) fn check_cutoff(cutoff: f64) -> Result<(), MetricsError> {
    if (0.0..=1.0).contains(&cutoff) {
        Ok(())
    } else {
        Err(MetricsError::InvalidParameter { name: "cutoff", reason: format!("must lie in [0, 1], got {cutoff}") })
    }
}

/// Checks that a scalar input is a finite number.
pub(crate) fn check_open_probability_inputs(name: &'static str, value: f64) -> Result<(), MetricsError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(MetricsError::InvalidParameter { name, reason: format!("must be a finite number, got {value}") })
    }
}
