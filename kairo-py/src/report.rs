//! kairo-core's reports ([`kairo_core::report::Value`] lists) as Python dicts: the one conversion of every report
//! defined that way (amounts as `decimal.Decimal`, dates as `date`, instants as UTC `datetime`).

use kairo_core::report::Value;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// A value as a Python object.
pub fn value<'py>(py: Python<'py>, v: &Value<'_>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => pyo3::types::PyBool::new(py, *b).to_owned().into_any(),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::Float(f) => f.into_pyobject(py)?.into_any(),
        Value::Decimal(d) | Value::Money(d) => d.into_pyobject(py)?.into_any(),
        Value::Text(s) => s.as_ref().into_pyobject(py)?.into_any(),
        Value::Date(d) => d.into_pyobject(py)?.into_any(),
        Value::Time(t) => t.into_pyobject(py)?.into_any(),
        Value::List(items) => {
            PyList::new(py, items.iter().map(|i| value(py, i)).collect::<PyResult<Vec<_>>>()?)?.into_any()
        }
        Value::Record(fields) => record(py, fields)?.into_any(),
        Value::Map(entries) => {
            let d = PyDict::new(py);
            for (k, v) in entries {
                d.set_item(k.as_ref(), value(py, v)?)?;
            }
            d.into_any()
        }
    })
}

/// A report as a dict, keys in the report's order.
pub fn record<'py>(py: Python<'py>, fields: &[(&'static str, Value<'_>)]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in fields {
        d.set_item(k, value(py, v)?)?;
    }
    Ok(d)
}
