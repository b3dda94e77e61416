//! Tear sheets (`kairo.report`): conversion only; the page and its series are kairo-core's
//! ([`kairo_core::tear_sheet::TearSheet`]).

use chrono::NaiveDate;
use kairo_core::metrics::Period;
use kairo_core::tear_sheet::TearSheet;
use numpy::PyReadonlyArrayDyn;
use pyo3::prelude::*;

use crate::arrays::one_d;
use crate::errors::OrRaise;

type Array<'py> = PyReadonlyArrayDyn<'py, f64>;

/// The tear sheet of `returns` on `dates` as an HTML document, or its chart series as JSON text (`series=True`).
#[pyfunction]
#[pyo3(signature = (dates, returns, benchmark=None, benchmark_name="Benchmark", title="Tear sheet", period="daily", series=false))]
#[allow(clippy::too_many_arguments)]
fn tear_sheet(
    py: Python<'_>,
    dates: Vec<NaiveDate>,
    returns: Array<'_>,
    benchmark: Option<Array<'_>>,
    benchmark_name: &str,
    title: &str,
    period: &str,
    series: bool,
) -> PyResult<String> {
    let period: Period = period.parse().or_raise()?;
    let r = one_d(&returns, "returns")?;
    let b = benchmark.as_ref().map(|b| one_d(b, "benchmark")).transpose()?;
    py.detach(|| {
        let mut sheet = TearSheet::new(title, &dates, &r).with_period(period);
        if let Some(b) = &b {
            sheet = sheet.with_benchmark(benchmark_name, b);
        }
        if series {
            sheet.series().map(|s| serde_json::to_string(&s).unwrap_or_default())
        } else {
            sheet.render()
        }
    })
    .or_raise()
}

pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(tear_sheet, module)?)?;
    Ok(())
}
