//! The numbers behind a decision: an ordered list of named values that serializes as a JSON object.
//!
//! A result's metadata is built for every (trade, check) pair, millions of times in a batch run, so it is a small
//! vector of `(&'static str, Field)` pairs rather than a JSON tree: no key is allocated, decimals and dates are kept
//! as values and written as text only when serialized, and up to two fields (what a passing check reports) live
//! inline without a heap allocation. A field is 24 bytes, so a result moves in a few vector stores.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use smallvec::SmallVec;

use super::text::{push_date, push_local_time};

/// One metadata value.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// JSON `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A count.
    Int(i64),
    /// An amount, quantity or percentage; serialized as a decimal string (`"1050.00"`), like every amount in kairo.
    Decimal(Decimal),
    /// Fixed text (a reference, a unit).
    Text(&'static str),
    /// Text made for this result.
    String(Box<str>),
    /// A trade id (shared with the trade's results, not copied).
    Id(Arc<str>),
    /// A list of trade ids.
    Ids(Box<[Arc<str>]>),
    /// A calendar date, `YYYY-MM-DD`.
    Date(NaiveDate),
    /// A local (New York) date and time, `YYYY-MM-DD HH:MM:SS`.
    LocalTime(NaiveDateTime),
    /// An instant, RFC 3339.
    Time(DateTime<Utc>),
    /// Any JSON (for rules of your own).
    Json(Box<serde_json::Value>),
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Null => s.serialize_unit(),
            Field::Bool(b) => s.serialize_bool(*b),
            Field::Int(i) => s.serialize_i64(*i),
            Field::Decimal(d) => s.collect_str(&d.normalize()),
            Field::Text(t) => s.serialize_str(t),
            Field::String(t) => s.serialize_str(t),
            Field::Id(id) => s.serialize_str(id),
            Field::Ids(ids) => {
                let mut seq = s.serialize_seq(Some(ids.len()))?;
                for id in ids {
                    seq.serialize_element(&**id)?;
                }
                seq.end()
            }
            // Written directly: chrono's `format` parses its pattern on every call.
            Field::Date(d) => {
                let mut text = String::with_capacity(10);
                push_date(&mut text, *d);
                s.serialize_str(&text)
            }
            Field::LocalTime(t) => {
                let mut text = String::with_capacity(19);
                push_local_time(&mut text, *t);
                s.serialize_str(&text)
            }
            Field::Time(t) => s.collect_str(&t.to_rfc3339()),
            Field::Json(v) => v.serialize(s),
        }
    }
}

macro_rules! field_from {
    ($($t:ty => $variant:ident),* $(,)?) => {$(
        impl From<$t> for Field {
            #[inline]
            fn from(v: $t) -> Self {
                Field::$variant(v.into())
            }
        }
    )*};
}

field_from!(
    bool => Bool, i64 => Int, Decimal => Decimal, &'static str => Text, String => String, Arc<str> => Id,
    Vec<Arc<str>> => Ids, NaiveDate => Date, NaiveDateTime => LocalTime, DateTime<Utc> => Time,
    serde_json::Value => Json,
);

impl From<u32> for Field {
    fn from(v: u32) -> Self {
        Field::Int(i64::from(v))
    }
}

impl From<usize> for Field {
    fn from(v: usize) -> Self {
        Field::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl<T: Into<Field>> From<Option<T>> for Field {
    fn from(v: Option<T>) -> Self {
        v.map_or(Field::Null, Into::into)
    }
}

/// The metadata of a result: named fields in insertion order, serialized as a JSON object.
///
/// ```
/// use kairo_core::compliance::Metadata;
/// use rust_decimal_macros::dec;
/// let m = Metadata::with_capacity(2).with("day_trades_in_window", 3_i64).with("equity", dec!(24000.50));
/// assert_eq!(m.to_json(), serde_json::json!({"day_trades_in_window": 3, "equity": "24000.5"}));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metadata(SmallVec<[(&'static str, Field); 2]>);

impl Metadata {
    /// Empty metadata (allocates nothing).
    #[inline]
    pub fn new() -> Self {
        Metadata(SmallVec::new())
    }

    /// Empty metadata with room for `n` fields (allocates only beyond two).
    #[inline]
    pub fn with_capacity(n: usize) -> Self {
        Metadata(SmallVec::with_capacity(n))
    }

    /// Adds a field.
    #[inline]
    pub fn with(mut self, key: &'static str, value: impl Into<Field>) -> Self {
        self.0.push((key, value.into()));
        self
    }

    /// Adds a field in place.
    #[inline]
    pub fn insert(&mut self, key: &'static str, value: impl Into<Field>) {
        self.0.push((key, value.into()));
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Field> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The trade ids of `key` (a list of ids, or one id; none when absent or another kind of value).
    pub fn ids(&self, key: &str) -> &[Arc<str>] {
        match self.get(key) {
            Some(Field::Ids(ids)) => ids,
            Some(Field::Id(id)) => std::slice::from_ref(id),
            _ => &[],
        }
    }

    /// The fields, in order.
    pub fn fields(&self) -> &[(&'static str, Field)] {
        &self.0
    }

    /// The metadata as a JSON value (an object).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl Serialize for Metadata {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_serialize_as_chrono_formats_them() {
        let start = NaiveDate::from_ymd_opt(1899, 12, 25).unwrap_or_default();
        for days in (0..120_000).step_by(97) {
            let d = start + chrono::Duration::days(days);
            let t = d.and_hms_opt((days % 24) as u32, (days % 60) as u32, (days * 7 % 60) as u32).unwrap_or_default();
            let m = Metadata::new().with("d", d).with("t", t);
            assert_eq!(
                m.to_json(),
                serde_json::json!({"d": d.format("%Y-%m-%d").to_string(), "t": t.format("%Y-%m-%d %H:%M:%S").to_string()})
            );
        }
    }
}
