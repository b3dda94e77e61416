//! Compounding a daily series into weekly, monthly, quarterly or yearly returns (empyrical `aggregate_returns`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::series::ReturnSeries;
use crate::metrics::cum_returns_final;

/// The period to compound into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    /// ISO weeks (keyed by ISO year and week number, as empyrical's `isocalendar` grouping).
    Weekly,
    /// Calendar months.
    Monthly,
    /// Calendar quarters.
    Quarterly,
    /// Calendar years.
    Yearly,
}

/// The compounded return of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodReturn {
    /// The (ISO, for weeks) year.
    pub year: i32,
    /// Week (1–53), month (1–12), quarter (1–4), or 0 for a year.
    pub period: u32,
    /// First date of the series in the period.
    pub start: NaiveDate,
    /// Last date of the series in the period.
    pub end: NaiveDate,
    /// `Π(1 + rᵢ) − 1` over the period's returns, NaN ones counting as 0.
    pub value: f64,
}

fn key(date: NaiveDate, frequency: Frequency) -> (i32, u32) {
    match frequency {
        Frequency::Weekly => {
            let w = date.iso_week();
            (w.year(), w.week())
        }
        Frequency::Monthly => (date.year(), date.month()),
        Frequency::Quarterly => (date.year(), date.month().div_ceil(3)),
        Frequency::Yearly => (date.year(), 0),
    }
}

/// Compounds `series` into periods of `frequency`, in date order (one pass).
///
/// ```
/// use chrono::NaiveDate;
/// use kairo_core::returns::{resample, Frequency, ReturnSeries};
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
/// let s = ReturnSeries { dates: vec![d(1, 30), d(1, 31), d(2, 1)], returns: vec![0.1, 0.1, -0.05] };
/// let m = resample(&s, Frequency::Monthly);
/// assert_eq!((m[0].year, m[0].period), (2024, 1));
/// assert!((m[0].value - 0.21).abs() < 1e-15);
/// assert!((m[1].value + 0.05).abs() < 1e-15);
/// ```
pub fn resample(series: &ReturnSeries, frequency: Frequency) -> Vec<PeriodReturn> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=series.dates.len() {
        let boundary =
            i == series.dates.len() || key(series.dates[i], frequency) != key(series.dates[start], frequency);
        if boundary {
            let (year, period) = key(series.dates[start], frequency);
            out.push(PeriodReturn {
                year,
                period,
                start: series.dates[start],
                end: series.dates[i - 1],
                value: cum_returns_final(&series.returns[start..i], 0.0),
            });
            start = i;
        }
    }
    out
}
