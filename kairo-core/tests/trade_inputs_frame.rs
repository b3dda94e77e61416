//! The shared trade-input vectors (`tests/vectors/trade_inputs.json`) through the polars reader (feature
//! `polars`): each record as a one-row frame whose columns have the types the record's values have (a string
//! column for text, integer, float and boolean columns for JSON numbers and booleans, no column for an absent
//! field). Each good record becomes the stated trade; each bad one is refused naming the same field and kind.
#![cfg(feature = "polars")]

use kairo_core::frame::trades_from_frame;
use kairo_core::ErrorInfo;
use polars::prelude::*;
use serde_json::Value;

mod vectors;
use vectors::{as_vector, vectors};

/// A one-row frame of `record`, a column per field, typed as its JSON value.
fn frame(record: &Value) -> DataFrame {
    let columns: Vec<Column> = record
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| {
            let name = PlSmallStr::from(name.as_str());
            match value {
                Value::String(s) => Column::new(name, [s.as_str()]),
                Value::Bool(b) => Column::new(name, [*b]),
                Value::Number(n) if n.is_i64() => Column::new(name, [n.as_i64().unwrap()]),
                Value::Number(n) => Column::new(name, [n.as_f64().unwrap()]),
                Value::Null => Column::new(name, [None::<&str>]),
                other => panic!("no column type for {other}"),
            }
        })
        .collect();
    DataFrame::new_infer_height(columns).unwrap()
}

#[test]
fn good_records_become_the_stated_trades() {
    for case in vectors()["good"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let trades = trades_from_frame(&frame(&case["input"])).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(trades.len(), 1, "{name}");
        assert_eq!(as_vector(&trades[0]), case["trade"], "{name}");
    }
}

#[test]
fn bad_records_are_refused_naming_the_field_and_the_kind() {
    for case in vectors()["bad"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let e = trades_from_frame(&frame(&case["input"])).expect_err(name);
        assert_eq!(
            (ErrorInfo::field(&e), e.kind()),
            (case["field"].as_str(), case["kind"].as_str().unwrap()),
            "{name}: {e}"
        );
    }
}
