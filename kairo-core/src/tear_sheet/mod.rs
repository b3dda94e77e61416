//! Tear sheets: the charts and tables a person looks at to judge a return series against a benchmark, as one
//! self-contained HTML page (inline SVG and CSS; no script, no external request, printable, readable on a phone),
//! and the chart-ready series behind it ([`ChartSeries`]) for a front end that draws its own.
//!
//! The page is rendered by kairo ([`TearSheet::render`]): pure, it returns a string, so every surface (Python,
//! Node, the HTTP service) shows the same page for the same input. The charts are SVG written by kairo rather than
//! by a plotting crate: the page needs a few chart kinds only, each a handful of elements, and writing them keeps the
//! output small (long lines are thinned to their shape), deterministic and free of fonts and rasterizers.
//!
//! ```
//! use chrono::NaiveDate;
//! use kairo_core::tear_sheet::TearSheet;
//! let dates: Vec<NaiveDate> = (1..=20).map(|d| NaiveDate::from_ymd_opt(2024, 1, d).unwrap()).collect();
//! let returns: Vec<f64> = (0..20).map(|i| if i % 3 == 0 { -0.01 } else { 0.008 }).collect();
//! let html = TearSheet::new("My strategy", &dates, &returns).render().unwrap();
//! assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
//! ```

mod html;
mod series;
mod svg;
mod timeline;

use chrono::NaiveDate;

pub use series::{chart_series, Bin, ChartSeries, DrawdownSpan, MonthReturn};
pub use timeline::TimelineEvent;

use crate::compliance::Status;
use crate::error::MetricsError;
use crate::metrics::Period;

/// What a tear sheet shows. Build with [`TearSheet::new`] and the `with_*` methods.
#[derive(Debug, Clone)]
pub struct TearSheet<'a> {
    /// The page's title.
    pub title: &'a str,
    /// The date of each period, increasing.
    pub dates: &'a [NaiveDate],
    /// The simple return of each period.
    pub returns: &'a [f64],
    /// The benchmark's name and returns on the same dates.
    pub benchmark: Option<(&'a str, &'a [f64])>,
    /// The periodicity of the returns (for annualizing).
    pub period: Period,
    /// The rolling window in periods (6 months of the period by default: 126 days, 26 weeks, 6 months).
    pub rolling_window: Option<usize>,
    /// Compliance flags and failures to draw on a timeline.
    pub compliance: &'a [TimelineEvent],
    /// Extra rows for the summary table (label, value), e.g. the account's P&L.
    pub summary: &'a [(String, String)],
    /// The number of day trades in the PDT window after each trade that was checked, by date (FINRA's four-in-five
    /// rule: four or more makes a pattern day trader), drawn with the timeline.
    pub day_trades: &'a [(NaiveDate, u32)],
}

impl<'a> TearSheet<'a> {
    /// A tear sheet of daily returns without a benchmark.
    pub fn new(title: &'a str, dates: &'a [NaiveDate], returns: &'a [f64]) -> Self {
        TearSheet {
            title,
            dates,
            returns,
            benchmark: None,
            period: Period::Daily,
            rolling_window: None,
            compliance: &[],
            summary: &[],
            day_trades: &[],
        }
    }

    /// With a benchmark's returns on the same dates.
    pub fn with_benchmark(mut self, name: &'a str, returns: &'a [f64]) -> Self {
        self.benchmark = Some((name, returns));
        self
    }

    /// With the periodicity of the returns.
    pub fn with_period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }

    /// With a compliance timeline.
    pub fn with_compliance(mut self, events: &'a [TimelineEvent]) -> Self {
        self.compliance = events;
        self
    }

    /// With the PDT window's day-trade count by date.
    pub fn with_day_trades(mut self, counts: &'a [(NaiveDate, u32)]) -> Self {
        self.day_trades = counts;
        self
    }

    /// With extra summary rows.
    pub fn with_summary(mut self, rows: &'a [(String, String)]) -> Self {
        self.summary = rows;
        self
    }

    /// The rolling window in periods.
    pub fn window(&self) -> usize {
        self.rolling_window.unwrap_or(match self.period {
            Period::Daily => 126,
            Period::Weekly => 26,
            Period::Monthly => 6,
            Period::Quarterly => 2,
            Period::Yearly => 2,
        })
    }

    /// Checks the input: dates and returns of the same length, dates increasing, a benchmark of the same length.
    pub fn validate(&self) -> Result<(), MetricsError> {
        if self.dates.len() != self.returns.len() {
            return Err(MetricsError::InvalidParameter {
                name: "dates",
                reason: format!(
                    "one date per return is needed, got {} dates and {} returns",
                    self.dates.len(),
                    self.returns.len()
                ),
            });
        }
        if let Some(i) = self.dates.windows(2).position(|w| w[1] <= w[0]) {
            return Err(MetricsError::InvalidParameter {
                name: "dates",
                reason: format!("dates must increase, but {} follows {}", self.dates[i + 1], self.dates[i]),
            });
        }
        if let Some((_, b)) = self.benchmark {
            if b.len() != self.returns.len() {
                return Err(MetricsError::LengthMismatch { returns: self.returns.len(), factor_returns: b.len() });
            }
        }
        Ok(())
    }

    /// The chart-ready series of the page.
    pub fn series(&self) -> Result<ChartSeries, MetricsError> {
        self.validate()?;
        let mut s = chart_series(
            self.dates,
            self.returns,
            self.benchmark.map(|b| b.1),
            self.window(),
            self.period.annualization(),
        );
        s.compliance = self.compliance.iter().filter(|e| e.status != Status::Pass).cloned().collect();
        s.day_trades = self.day_trades.to_vec();
        Ok(s)
    }

    /// The page, a complete HTML document.
    pub fn render(&self) -> Result<String, MetricsError> {
        let series = self.series()?;
        html::page(self, &series)
    }
}
