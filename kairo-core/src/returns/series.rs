//! A dated series of simple returns.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A dated series of simple period returns, dates strictly increasing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReturnSeries {
    /// The date each return ends on.
    pub dates: Vec<NaiveDate>,
    /// Simple returns, `0.01` meaning +1 %.
    pub returns: Vec<f64>,
}

impl ReturnSeries {
    /// Number of periods.
    pub fn len(&self) -> usize {
        self.returns.len()
    }

    /// Whether the series is empty.
    pub fn is_empty(&self) -> bool {
        self.returns.is_empty()
    }

    /// Close-to-close returns of a price series, `cₜ / cₜ₋₁ − 1`, computed in decimal and converted to `f64`
    /// once. The first close starts the series and has no return of its own.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use chrono::NaiveDate;
    /// use kairo_core::returns::ReturnSeries;
    /// use rust_decimal_macros::dec;
    ///
    /// let d = |day| NaiveDate::from_ymd_opt(2024, 1, day).unwrap();
    /// let closes = BTreeMap::from([(d(2), dec!(100)), (d(3), dec!(101)), (d(4), dec!(99.99))]);
    /// let r = ReturnSeries::from_closes(&closes);
    /// assert_eq!(r.dates, vec![d(3), d(4)]);
    /// assert_eq!(r.returns, vec![0.01, -0.01]);
    /// ```
    pub fn from_closes(closes: &std::collections::BTreeMap<NaiveDate, Decimal>) -> ReturnSeries {
        let mut out = ReturnSeries::default();
        let mut previous: Option<Decimal> = None;
        for (&date, &close) in closes {
            if let Some(p) = previous {
                out.dates.push(date);
                out.returns.push(decimal_return(close, p));
            }
            previous = Some(close);
        }
        out
    }
}

/// A drawdown of a dated series: [`crate::metrics::DrawdownPeriod`] with dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatedDrawdown {
    /// Date of the peak: the date of the return after which wealth peaked, or the first date when the peak is the
    /// starting capital.
    pub peak: NaiveDate,
    /// Date of the lowest wealth.
    pub valley: NaiveDate,
    /// Date wealth was back at the peak, if it recovered.
    pub recovery: Option<NaiveDate>,
    /// Depth at the valley, a negative fraction.
    pub depth: f64,
    /// Periods from the peak to the valley.
    pub decline_periods: usize,
    /// Periods from the valley to the recovery.
    pub recovery_periods: Option<usize>,
    /// Periods from the peak to the recovery, or to the end of the series.
    pub total_periods: usize,
}

impl ReturnSeries {
    /// The `top` deepest drawdowns with their dates (see [`crate::metrics::drawdown_periods`]).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use kairo_core::returns::ReturnSeries;
    ///
    /// let d = |day| NaiveDate::from_ymd_opt(2024, 1, day).unwrap();
    /// let s = ReturnSeries { dates: vec![d(2), d(3), d(4), d(5)], returns: vec![0.1, -0.2, 0.1, 0.2] };
    /// let dd = s.drawdown_periods(1);
    /// assert_eq!((dd[0].peak, dd[0].valley, dd[0].recovery), (d(2), d(3), Some(d(5))));
    /// ```
    pub fn drawdown_periods(&self, top: usize) -> Vec<DatedDrawdown> {
        let Some(&first) = self.dates.first() else { return Vec::new() };
        crate::metrics::drawdown_periods(&self.returns, top)
            .into_iter()
            .map(|p| DatedDrawdown {
                peak: p.peak.map_or(first, |i| self.dates[i]),
                valley: self.dates[p.valley],
                recovery: p.recovery.map(|i| self.dates[i]),
                depth: p.depth,
                decline_periods: p.decline_periods,
                recovery_periods: p.recovery_periods,
                total_periods: p.total_periods,
            })
            .collect()
    }
}

/// `now / before − 1` in decimal, as `f64` (NaN when `before` is zero).
fn decimal_return(now: Decimal, before: Decimal) -> f64 {
    if before.is_zero() {
        return f64::NAN;
    }
    // Exact when the quotient fits `Decimal`; beyond it (a level of 10⁹ over one of 10⁻²⁸) the float quotient.
    match now.checked_div(before) {
        Some(q) => to_f64(q - Decimal::ONE),
        None => to_f64(now) / to_f64(before) - 1.0,
    }
}

/// The one conversion from money to statistics.
pub(crate) fn to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(f64::NAN)
}
