//! Money-weighted returns: the internal rate of return of dated cash flows and the modified Dietz return of a
//! period, from kairo-core. Amounts are decimal strings or numbers.

use chrono::NaiveDate;
use kairo_core::returns::{modified_dietz as core_modified_dietz, xirr as core_xirr};
use napi::bindgen_prelude::Either;
use napi_derive::napi;
use rust_decimal::Decimal;

use crate::errors::{OrThrow, Result};
use crate::input::{date, decimal};

/// A dated cash flow.
#[napi(object)]
pub struct CashFlow {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The amount (a decimal string, or a number read from its shortest text).
    pub amount: Either<String, f64>,
}

fn flows(flows: &[CashFlow]) -> Result<Vec<(NaiveDate, Decimal)>> {
    flows.iter().map(|f| Ok((date("flows", &f.date)?, decimal("flows", &f.amount).or_throw()?))).collect()
}

/// The annual internal rate of return of `flows` (payments negative, receipts positive), as Excel's `XIRR`.
#[napi]
pub fn xirr(flows: Vec<CashFlow>) -> Result<f64> {
    core_xirr(&self::flows(&flows)?).or_throw()
}

/// The modified Dietz return (GIPS) of the period `start`..`end`; `flows` put money in when positive.
#[napi(js_name = "modifiedDietz")]
pub fn modified_dietz(
    start_value: Either<String, f64>,
    end_value: Either<String, f64>,
    flows: Vec<CashFlow>,
    start: String,
    end: String,
) -> Result<f64> {
    core_modified_dietz(
        decimal("start_value", &start_value).or_throw()?,
        decimal("end_value", &end_value).or_throw()?,
        &self::flows(&flows)?,
        date("start", &start)?,
        date("end", &end)?,
    )
    .or_throw()
}
