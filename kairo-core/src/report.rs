//! A report as a list of named values: the one definition of a report's fields that the bindings build their
//! dicts and objects from (Python: `Decimal`, `date` and `datetime` values, snake_case keys; Node: decimal strings,
//! ISO dates and times, camelCase keys). Each report's list is held to its JSON by a test, so the HTTP JSON, the
//! Python dict and the Node object cannot drift apart.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

/// One value of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// Nothing (`None`, `null`).
    Null,
    /// Yes or no.
    Bool(bool),
    /// A count or a number of days.
    Int(i64),
    /// A statistic.
    Float(f64),
    /// An amount or a quantity.
    Decimal(Decimal),
    /// Text (an id, a symbol, a name).
    Text(Cow<'a, str>),
    /// A calendar date.
    Date(NaiveDate),
    /// An instant.
    Time(DateTime<Utc>),
    /// A list.
    List(Vec<Value<'a>>),
    /// A nested report.
    Record(Vec<(&'static str, Value<'a>)>),
    /// A map whose keys are data (symbols), kept as they are by every surface.
    Map(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl<'a> Value<'a> {
    /// Borrowed text.
    pub fn text(s: &'a str) -> Self {
        Value::Text(Cow::Borrowed(s))
    }

    /// Owned text.
    pub fn owned(s: String) -> Value<'static> {
        Value::Text(Cow::Owned(s))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::Value;

    /// The JSON a report's field list stands for, written as serde writes the report's own fields.
    fn json(v: &Value<'_>) -> serde_json::Value {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::Float(f) => serde_json::json!(f),
            Value::Decimal(d) => serde_json::to_value(d).unwrap(),
            Value::Text(s) => s.as_ref().into(),
            Value::Date(d) => serde_json::to_value(d).unwrap(),
            Value::Time(t) => serde_json::to_value(t).unwrap(),
            Value::List(items) => items.iter().map(json).collect(),
            Value::Record(fields) => record(fields),
            Value::Map(entries) => {
                entries.iter().map(|(k, v)| (k.to_string(), json(v))).collect::<serde_json::Map<_, _>>().into()
            }
        }
    }

    fn record(fields: &[(&'static str, Value<'_>)]) -> serde_json::Value {
        fields.iter().map(|(k, v)| ((*k).to_owned(), json(v))).collect::<serde_json::Map<_, _>>().into()
    }

    /// Asserts that `fields` are the fields of `report`'s JSON, with the same values and in the same order.
    pub(crate) fn same_as_json<T: serde::Serialize>(report: &T, fields: &[(&'static str, Value<'_>)]) {
        let text = serde_json::to_string(report).unwrap();
        let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(record(fields), expected);
        // the order: the report's keys as serde writes them, first level
        let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
        let mut written: Vec<&str> = Vec::new();
        let mut depth = 0;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth -= 1,
                b'"' => {
                    let end = i + 1 + text[i + 1..].find('"').unwrap();
                    if depth == 1 && bytes.get(end + 1) == Some(&b':') {
                        written.push(&text[i + 1..end]);
                    }
                    i = end;
                }
                _ => {}
            }
            i += 1;
        }
        assert_eq!(keys, written);
    }
}
