//! The sampling period of a return series and its annualization factor.

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
