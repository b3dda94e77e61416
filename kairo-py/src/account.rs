//! The account basis and lots through activities: Python dicts of activities read by kairo-core's input path.

use kairo_core::account::{account_summary, account_valuations, AccountOptions};
use kairo_core::activity::{read_all, Activity, ActivityInput};
use kairo_core::lots::{match_lots_with_activities, LotMethod};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyMapping, PyString};

use crate::convert::{self, get};
use crate::errors::{input, OrRaise};
use crate::report::record;
use crate::scalars::{amount, date, decimal, type_name};

/// Text of a record's field: a `str` as it is, a date or datetime as its ISO text, anything else as its `str()`
/// (so that kairo-core names the field when it does not read).
fn text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if obj.hasattr("isoformat")? {
        return obj.call_method0("isoformat")?.extract();
    }
    Ok(obj.str()?.to_cow()?.into_owned())
}

/// Activities from an iterable of dicts with the input's names (`type`, `date`, `amount`, ...), all or nothing:
/// an `InputError` names the record (`index`) and the field.
pub fn activities(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Activity>> {
    if obj.is_instance_of::<PyString>() || obj.cast::<PyMapping>().is_ok() {
        return Err(input("activities", "activities must be a list of dicts".into()));
    }
    let mut inputs = Vec::new();
    for item in obj.try_iter()? {
        let item = item?;
        let record = item
            .cast::<PyMapping>()
            .map_err(|_| input("activities", format!("an activity must be a dict, got {}", type_name(&item))))?;
        let text_of = |key: &str| get(record, key)?.map(|v| text(&v)).transpose();
        let amount_of = |key: &str| get(record, key)?.map(|v| amount(&v)).transpose();
        inputs.push(ActivityInput {
            id: text_of("id")?,
            user_id: text_of("user_id")?,
            kind: text_of("type")?,
            date: text_of("date")?,
            symbol: text_of("symbol")?,
            amount: amount_of("amount")?,
            qty: amount_of("qty")?,
            ratio: amount_of("ratio")?,
            cash_in_lieu: amount_of("cash_in_lieu")?,
            new_symbol: text_of("new_symbol")?,
            cost_basis: amount_of("cost_basis")?,
            acquired: text_of("acquired")?,
        });
    }
    read_all(inputs).or_raise()
}

/// The account basis of `trades` and `activities` valued at `prices` (raw closes; `splits` as `(symbol, ex_date,
/// ratio)` triples): kairo-core's `AccountSummary` as a dict, with the daily valuations under `"days"` when `daily`.
#[pyfunction]
#[pyo3(signature = (trades, activities, prices, splits=None, opening_cash=None, end=None, daily=false))]
#[allow(clippy::too_many_arguments)]
fn account<'py>(
    py: Python<'py>,
    trades: &Bound<'py, PyAny>,
    activities: &Bound<'py, PyAny>,
    prices: &Bound<'py, PyAny>,
    splits: Option<&Bound<'py, PyAny>>,
    opening_cash: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    daily: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let trades = convert::trades(trades)?;
    let activities = self::activities(activities)?;
    let mut table = convert::prices(prices)?;
    for s in splits.map(convert::splits).transpose()?.unwrap_or_default() {
        table.insert_split(s.symbol, s.ex_date, s.ratio).or_raise()?;
    }
    let options = AccountOptions {
        opening_cash: opening_cash.map(|c| decimal("opening_cash", c)).transpose()?.unwrap_or_default(),
        end: end.map(|e| date("end", e)).transpose()?,
    };
    let summary = py.detach(|| account_summary(&trades, &activities, &table, &options)).or_raise()?;
    let out = match &summary {
        Some(s) => record(py, &s.fields())?,
        None => PyDict::new(py),
    };
    if daily {
        let days = py.detach(|| account_valuations(&trades, &activities, &table, &options)).or_raise()?;
        let list = PyList::empty(py);
        for d in days {
            list.append(record(py, &d.fields())?)?;
        }
        out.set_item("days", list)?;
    }
    Ok(out)
}

/// Tax lots through `activities` (splits, symbol changes, transfers of shares) and `splits` triples.
pub fn lots_with_activities(
    py: Python<'_>,
    trades: &Bound<'_, PyAny>,
    method: LotMethod,
    activities: &Bound<'_, PyAny>,
    splits: Option<&Bound<'_, PyAny>>,
) -> PyResult<kairo_core::lots::LotReport> {
    let trades = convert::trades(trades)?;
    let activities = self::activities(activities)?;
    let splits = splits.map(convert::splits).transpose()?.unwrap_or_default();
    py.detach(|| match_lots_with_activities(&trades, method, &activities, &splits)).or_raise()
}

/// Registers the account functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(account, m)?)?;
    Ok(())
}
