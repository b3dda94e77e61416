//! A report as a list of named values: the one definition of a report's fields that the bindings build their
//! dicts and objects from (Python: `Decimal`, `date` and `datetime` values, snake_case keys; Node: decimal strings,
//! ISO dates and times, camelCase keys) and the HTTP service its JSON ([`to_json`]). Each report's list is held to
//! its serde JSON by a test, so the HTTP JSON, the Python dict and the Node object cannot drift apart.
//!
//! Amounts of money are [`Value::Money`], apart from quantities, prices and unit costs ([`Value::Decimal`]): every
//! surface keeps them exact, except that [`to_json`] can write them at a scale (the HTTP service writes cents,
//! [`MONEY_SCALE`]), so that a response shows `"30331.34"` where the exact sum of a split cost basis is
//! `30331.340522645677812392036737`.

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
    /// A quantity, a price or a unit cost: exact everywhere.
    Decimal(Decimal),
    /// An amount of money (a P&L, a cost basis, proceeds, a value): exact, or at a scale in [`to_json`].
    Money(Decimal),
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

/// The scale of money in the HTTP service's responses: cents.
pub const MONEY_SCALE: u32 = 2;

/// `amount` at `scale` decimal places, a midpoint to the even neighbour (banker's rounding, which adds no bias
/// over many amounts; the convention of IEEE 754 and of GAAP-reporting ledgers): `2.345` → `2.34`,
/// `2.355` → `2.36`, `-2.345` → `-2.34`. Amounts with fewer places are unchanged (`5` stays `5`).
///
/// ```
/// use kairo_core::report::round_money;
/// use rust_decimal_macros::dec;
/// assert_eq!(round_money(dec!(30331.340522645677812392036737), 2), dec!(30331.34));
/// assert_eq!(round_money(dec!(2.345), 2), dec!(2.34));
/// assert_eq!(round_money(dec!(2.355), 2), dec!(2.36));
/// ```
pub fn round_money(amount: Decimal, scale: u32) -> Decimal {
    amount.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointNearestEven)
}

/// A report's JSON: a record's fields as an object in their order, decimals as strings (serde's form), money exact
/// or, with `money_scale`, at that scale ([`round_money`]).
pub fn to_json(fields: &[(&'static str, Value<'_>)], money_scale: Option<u32>) -> serde_json::Value {
    fields.iter().map(|(k, v)| ((*k).to_owned(), value_json(v, money_scale))).collect::<serde_json::Map<_, _>>().into()
}

/// One value's JSON (see [`to_json`]).
pub fn value_json(v: &Value<'_>, money_scale: Option<u32>) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Int(i) => (*i).into(),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Decimal(d) => d.to_string().into(),
        Value::Money(d) => money_scale.map_or(*d, |s| round_money(*d, s)).to_string().into(),
        Value::Text(s) => s.as_ref().into(),
        Value::Date(d) => d.to_string().into(),
        Value::Time(t) => serde_json::to_value(t).unwrap_or(serde_json::Value::Null),
        Value::List(items) => items.iter().map(|i| value_json(i, money_scale)).collect(),
        Value::Record(fields) => to_json(fields, money_scale),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| (k.to_string(), value_json(v, money_scale)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::{to_json, Value};

    fn record(fields: &[(&'static str, Value<'_>)]) -> serde_json::Value {
        to_json(fields, None)
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
