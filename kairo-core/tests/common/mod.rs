//! Helpers shared by the compliance tests.
#![allow(dead_code)]

use chrono::{NaiveDateTime, TimeZone, Utc};
use chrono_tz::America::New_York;
use kairo_core::compliance::{CheckResult, Status};
use kairo_core::{Side, Trade};
use rust_decimal::Decimal;

/// A trade at `local`, a New York wall-clock time `YYYY-MM-DD HH:MM`.
pub fn trade(id: &str, symbol: &str, side: Side, qty: Decimal, price: Decimal, local: &str) -> Trade {
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
    let at = New_York.from_local_datetime(&naive).single().unwrap().with_timezone(&Utc);
    Trade::new(id, "u1", symbol, side, qty, price, at).unwrap()
}

pub fn buy(id: &str, symbol: &str, qty: Decimal, price: Decimal, local: &str) -> Trade {
    trade(id, symbol, Side::Buy, qty, price, local)
}

pub fn sell(id: &str, symbol: &str, qty: Decimal, price: Decimal, local: &str) -> Trade {
    trade(id, symbol, Side::Sell, qty, price, local)
}

/// The result of check `name` on trade `id`.
pub fn result<'a, 't>(results: &'a [CheckResult<'t>], id: &str, name: &str) -> &'a CheckResult<'t> {
    results
        .iter()
        .find(|r| &*r.trade_id == id && r.check_name == name)
        .unwrap_or_else(|| panic!("no {name} result for {id}"))
}

/// The status of check `name` on trade `id`.
pub fn status(results: &[CheckResult], id: &str, name: &str) -> Status {
    result(results, id, name).status
}

/// Metadata field `key` of a result, as JSON.
pub fn meta(r: &CheckResult, key: &str) -> serde_json::Value {
    r.metadata.to_json()[key].clone()
}
