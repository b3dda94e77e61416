//! Money-weighted returns: the internal rate of return of dated cash flows and the modified Dietz return of a
//! period, from kairo-core.

use chrono::NaiveDate;
use kairo_core::returns::{modified_dietz as core_modified_dietz, xirr as core_xirr};
use pyo3::prelude::*;
use rust_decimal::Decimal;

use crate::errors::{parameter, OrRaise};
use crate::scalars::{date, decimal};

/// `(date, amount)` pairs from an iterable of 2-item sequences (a list of tuples, a dict's items).
fn flows(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(NaiveDate, Decimal)>> {
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        let item = item?;
        let (d, a): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item
            .extract()
            .map_err(|_| parameter("flows", format!("each flow must be a (date, amount) pair, got {item}")))?;
        out.push((date("flows", &d)?, decimal("flows", &a)?));
    }
    Ok(out)
}

/// The annual internal rate of return of `flows` (`(date, amount)` pairs; payments negative, receipts
/// positive), as Excel's `XIRR`.
#[pyfunction]
fn xirr(py: Python<'_>, flows: &Bound<'_, PyAny>) -> PyResult<f64> {
    let flows = self::flows(flows)?;
    py.detach(|| core_xirr(&flows)).or_raise()
}

/// The modified Dietz return of the period `start`..`end` (GIPS): `flows` are `(date, amount)` pairs, money put
/// in positive.
#[pyfunction]
fn modified_dietz(
    start_value: &Bound<'_, PyAny>,
    end_value: &Bound<'_, PyAny>,
    flows: &Bound<'_, PyAny>,
    start: &Bound<'_, PyAny>,
    end: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    core_modified_dietz(
        decimal("start_value", start_value)?,
        decimal("end_value", end_value)?,
        &self::flows(flows)?,
        date("start", start)?,
        date("end", end)?,
    )
    .or_raise()
}

/// Registers the functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(xirr, m)?)?;
    m.add_function(wrap_pyfunction!(modified_dietz, m)?)?;
    Ok(())
}
