//! `report(...)`: the tear sheet as an HTML document (kairo-core's [`TearSheet`]), the same page the Python
//! package and `GET /users/{id}/report` give for the same returns.

use kairo_core::metrics::Period;
use kairo_core::tear_sheet::TearSheet;
use napi_derive::napi;

use crate::errors::{OrThrow, Result};
use crate::input::{date, values, Returns};

/// What a tear sheet shows.
#[napi(object)]
pub struct ReportInput {
    /// One `YYYY-MM-DD` date per return, increasing.
    pub dates: Vec<String>,
    /// The simple return of each period.
    #[napi(ts_type = "Float64Array | number[]")]
    pub returns: Returns,
    /// The benchmark's returns on the same dates.
    #[napi(ts_type = "Float64Array | number[]")]
    pub benchmark: Option<Returns>,
    /// The benchmark's name (default `Benchmark`).
    pub benchmark_name: Option<String>,
    /// The page's title (default `Tear sheet`).
    pub title: Option<String>,
    /// `daily` (default), `weekly`, `monthly`, `quarterly` or `yearly`.
    #[napi(ts_type = "'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly'")]
    pub period: Option<String>,
}

/// The tear sheet of `input.returns` (and `input.benchmark`): a self-contained HTML document, charts as inline SVG.
#[napi]
pub fn report(input: ReportInput) -> Result<String> {
    let dates =
        input.dates.iter().enumerate().map(|(i, d)| date(&format!("dates[{i}]"), d)).collect::<Result<Vec<_>>>()?;
    let period: Period = input.period.as_deref().unwrap_or("daily").parse().or_throw()?;
    let returns = values(&input.returns);
    let title = input.title.unwrap_or_else(|| "Tear sheet".to_owned());
    let name = input.benchmark_name.unwrap_or_else(|| "Benchmark".to_owned());
    let mut sheet = TearSheet::new(&title, &dates, returns).with_period(period);
    if let Some(b) = &input.benchmark {
        sheet = sheet.with_benchmark(&name, values(b));
    }
    sheet.render().or_throw()
}
