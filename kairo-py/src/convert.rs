//! Python records to kairo-core's types: trades, price tables, JSON-like configs.

use kairo_core::input::TradeInput;
use kairo_core::lots::Split;
use kairo_core::returns::PriceTable;
use kairo_core::trade::{decimal_from_f64, Trade};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::Value;

use crate::errors::{input, invalid_trade, OrRaise};
use crate::scalars::{amount, date, decimal, is_decimal, type_name, when};
use crate::trade::PyTrade;

/// A required text field of a trade record.
fn text(field: &'static str, obj: &Bound<'_, PyAny>) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) if obj.is_instance_of::<PyInt>() && field.ends_with("id") => Ok(obj.str()?.to_cow()?.into_owned()),
        Err(_) => Err(invalid_trade(
            format!("{field} must be a string, got {obj} of type {}", type_name(obj)),
            field,
            None,
            None,
        )),
    }
}

/// A field of a mapping, `None` when absent or None.
pub(crate) fn get<'py>(record: &Bound<'py, PyMapping>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    match record.get_item(key) {
        Ok(v) if v.is_none() => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyKeyError>(record.py()) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A trade from a mapping with the JSON model's field names, through kairo-core's input path (keys outside the
/// model, such as a database row's `created_at`, are not read).
pub fn trade_from_mapping(record: &Bound<'_, PyMapping>) -> PyResult<Trade> {
    let text_of = |key: &'static str| get(record, key)?.map(|v| text(key, &v)).transpose();
    let amount_of = |key: &'static str| get(record, key)?.map(|v| amount(&v)).transpose();
    TradeInput {
        id: text_of("id")?,
        user_id: text_of("user_id")?,
        symbol: text_of("symbol")?,
        side: text_of("side")?,
        qty: amount_of("qty")?,
        price: amount_of("price")?,
        executed_at: get(record, "executed_at")?.map(|v| when(&v)).transpose()?,
        external_id: text_of("external_id")?,
        fees: amount_of("fees")?,
    }
    .into_trade()
    .or_raise()
}

/// One trade from a `kairo.Trade` or a mapping.
pub fn trade(obj: &Bound<'_, PyAny>) -> PyResult<Trade> {
    if let Ok(t) = obj.cast::<PyTrade>() {
        return Ok(t.get().inner.clone());
    }
    match obj.cast::<PyMapping>() {
        Ok(m) => trade_from_mapping(m),
        Err(_) => Err(input("trades", format!("a trade must be a kairo.Trade or a dict, got {}", type_name(obj)))),
    }
}

/// Adds the position of the trade in the input to an `InvalidTradeError`.
fn at_index(err: PyErr, py: Python<'_>, index: usize) -> PyErr {
    let value = err.value(py);
    if value.hasattr("index").unwrap_or(false) {
        let _ = value.setattr("index", index);
        let message = value.str().map(|s| s.to_string()).unwrap_or_default();
        let _ = value.setattr("args", (format!("trades[{index}]: {message}"),));
    }
    err
}

/// Trades from any iterable of `kairo.Trade` or dicts.
pub fn trades(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Trade>> {
    let py = obj.py();
    if obj.is_instance_of::<PyString>() || obj.cast::<PyMapping>().is_ok() {
        return Err(input("trades", "trades must be a list of kairo.Trade or dicts".into()));
    }
    let mut out = Vec::with_capacity(obj.len().unwrap_or(0));
    for (i, item) in obj.try_iter()?.enumerate() {
        out.push(trade(&item?).map_err(|e| at_index(e, py, i))?);
    }
    Ok(out)
}

/// A price table from `{symbol: {date: close}}` or an iterable of `(symbol, date, close)` rows or
/// `{"symbol", "date", "close"}` dicts.
pub fn prices(obj: &Bound<'_, PyAny>) -> PyResult<PriceTable> {
    let mut table = PriceTable::new();
    if let Ok(by_symbol) = obj.cast::<PyDict>() {
        for (symbol, closes) in by_symbol.iter() {
            let symbol: String = symbol.extract()?;
            let closes = closes
                .cast_into::<PyMapping>()
                .map_err(|_| input("prices", format!("prices[{symbol:?}] must map dates to closes")))?;
            for item in closes.items()?.iter() {
                let (d, close): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
                table.insert(symbol.clone(), date("date", &d)?, decimal("close", &close)?).or_raise()?;
            }
        }
        return Ok(table);
    }
    for row in obj.try_iter()? {
        let row = row?;
        let (symbol, d, close) = if let Ok(m) = row.cast::<PyMapping>() {
            let field = |k: &str| m.get_item(k).map_err(|_| input("prices", format!("a price row needs {k:?}")));
            (field("symbol")?, field("date")?, field("close")?)
        } else if let Ok(t) = row.cast::<PyTuple>() {
            if t.len() != 3 {
                return Err(input("prices", "a price row must be (symbol, date, close)".into()));
            }
            (t.get_item(0)?, t.get_item(1)?, t.get_item(2)?)
        } else {
            return Err(input("prices", format!("a price row must be a tuple or dict, got {}", type_name(&row))));
        };
        table.insert(text("symbol", &symbol)?, date("date", &d)?, decimal("close", &close)?).or_raise()?;
    }
    Ok(table)
}

/// A JSON value from plain Python data (dict, list, str, int, float, bool, None, Decimal, date), for
/// deserializing kairo-core's serde configurations.
pub fn json(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(match obj.extract::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) => Value::String(obj.str()?.to_string()),
        });
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Value::String(
            decimal_from_f64("value", f.value()).map(|d| d.to_string()).unwrap_or_else(|_| f.value().to_string()),
        ));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if is_decimal(obj)? {
        return Ok(Value::String(obj.str()?.to_string()));
    }
    if obj.is_instance_of::<PyDate>() {
        return Ok(Value::String(date(path, obj)?.to_string()));
    }
    if let Ok(d) = obj.cast::<PyMapping>() {
        let mut map = serde_json::Map::new();
        for item in d.items()?.iter() {
            let (k, v): (String, Bound<'_, PyAny>) = item.extract()?;
            let value = json(&v, &format!("{path}.{k}"))?;
            map.insert(k, value);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() || obj.hasattr("__iter__")? {
        let mut items = Vec::new();
        for (i, v) in obj.try_iter()?.enumerate() {
            items.push(json(&v?, &format!("{path}[{i}]"))?);
        }
        return Ok(Value::Array(items));
    }
    Err(input(path, format!("{path}: unsupported value {obj} of type {}", type_name(obj))))
}

/// Stock splits from an iterable of `(symbol, ex_date, ratio)` triples.
pub fn splits(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Split>> {
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        let item = item?;
        let (symbol, ex_date, ratio): (String, Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract().map_err(|_| {
            crate::errors::parameter(
                "splits",
                format!("each split must be a (symbol, ex_date, ratio) triple, got {item}"),
            )
        })?;
        out.push(Split { symbol, ex_date: date("splits", &ex_date)?, ratio: decimal("splits", &ratio)? });
    }
    Ok(out)
}
