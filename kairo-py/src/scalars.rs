//! Python values as kairo-core's values and input: decimals, dates, amounts and times. Decimal fields accept
//! `decimal.Decimal`, `str`, `int` or `float` (a float becomes the shortest decimal that reads back as the same
//! float, as in kairo-core's frame reader).

use chrono::NaiveDate;
use kairo_core::input::{Amount, Timestamp};
use kairo_core::trade::{decimal_from_f64, parse_decimal};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDateTime, PyFloat, PyInt, PyString};
use rust_decimal::Decimal;

use crate::errors::{input, IntoPyErr, OrRaise};

/// A decimal for `field` from a Decimal, str, int or float.
pub fn decimal(field: &'static str, obj: &Bound<'_, PyAny>) -> PyResult<Decimal> {
    if obj.is_instance_of::<PyBool>() {
        return Err(kairo_core::TradeError::NotANumber { field, value: obj.to_string() }.into_py_err());
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return decimal_from_f64(field, f.value()).or_raise();
    }
    if obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyString>() || is_decimal(obj)? {
        return parse_decimal(field, &obj.str()?.to_cow()?).or_raise();
    }
    Err(kairo_core::TradeError::NotANumber { field, value: format!("{} of type {}", obj, type_name(obj)) }
        .into_py_err())
}

pub fn is_decimal(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let decimal = obj.py().import("decimal")?.getattr("Decimal")?;
    obj.is_instance(&decimal)
}

pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

/// A calendar date for `field` from a date, a datetime (its date), or a `YYYY-MM-DD` string.
pub fn date(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        return text
            .trim()
            .parse()
            .map_err(|_| input(field, format!("{field} must be a date YYYY-MM-DD, got {text:?}")));
    }
    if obj.is_instance_of::<PyDateTime>() || (obj.hasattr("date")? && !obj.is_instance_of::<PyDate>()) {
        return date(field, &obj.call_method0("date")?);
    }
    if obj.is_instance_of::<PyDate>() {
        return obj.extract::<NaiveDate>();
    }
    Err(input(
        field,
        format!("{field} must be a date, a datetime or a YYYY-MM-DD string, got {obj} of type {}", type_name(obj)),
    ))
}

/// A Python amount as kairo-core's input [`Amount`]: `str` and `Decimal` as their text, `int` exactly, `float` as a
/// float (read by kairo-core from its shortest text); anything else (a `bool`, `None`, an object) is refused there.
pub fn amount(obj: &Bound<'_, PyAny>) -> PyResult<Amount> {
    if obj.is_instance_of::<PyBool>() {
        return Ok(Amount::Other(serde_json::Value::String(obj.str()?.to_cow()?.into_owned())));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Amount::Float(f.value()));
    }
    if obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyString>() || is_decimal(obj)? {
        return Ok(Amount::Text(obj.str()?.to_cow()?.into_owned()));
    }
    Ok(Amount::Other(serde_json::Value::String(format!("{} of type {}", obj, type_name(obj)))))
}

/// A Python time as kairo-core's input [`Timestamp`]: a `datetime` or pandas `Timestamp` by its ISO text (naive
/// ones are UTC, as kairo-core reads text without an offset), a numpy `datetime64` by its text, a `str` as it is.
pub fn when(obj: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Timestamp::Text(s.to_cow()?.into_owned()));
    }
    if obj.is_instance_of::<PyDateTime>() || obj.hasattr("isoformat")? && !obj.is_instance_of::<PyDate>() {
        return Ok(Timestamp::Text(obj.call_method0("isoformat")?.extract()?));
    }
    if type_name(obj) == "datetime64" {
        return Ok(Timestamp::Text(obj.str()?.to_cow()?.into_owned()));
    }
    Ok(Timestamp::Other(serde_json::Value::String(format!("{obj} of type {}", type_name(obj)))))
}
