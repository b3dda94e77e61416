//! JavaScript values to kairo-core's types: return series (`Float64Array`, read in place, or `number[]`), trades
//! (`{ id?, userId, symbol, side, qty, price, executedAt, externalId?, fees? }` with decimal strings or numbers
//! and a `Date` or ISO string), prices and the compliance context (plain JSON with the configuration's keys).

use chrono::{DateTime, NaiveDate, Utc};
use kairo_core::compliance::AccountContext;
use kairo_core::input::{Amount, Timestamp, TradeInput};
use kairo_core::lots::{LotMethod, Split};
use kairo_core::returns::PriceTable;
use kairo_core::trade::{decimal_from_f64, parse_decimal, Trade};
use napi::bindgen_prelude::{Either, Float64Array, Object};
use napi_derive::napi;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::errors::{error, js_error, js_field, Code, Details, OrThrow, Result};

/// A return series from JavaScript.
pub type Returns = Either<Float64Array, Vec<f64>>;

/// The values of a return series, borrowed (a `Float64Array` is not copied).
pub fn values(r: &Returns) -> &[f64] {
    match r {
        Either::A(a) => a,
        Either::B(v) => v,
    }
}

/// A decimal from a decimal string or a number (a number becomes the shortest decimal that reads back as it).
pub fn decimal(field: &'static str, v: &Either<String, f64>) -> std::result::Result<Decimal, kairo_core::TradeError> {
    match v {
        Either::A(s) => parse_decimal(field, s),
        Either::B(f) => decimal_from_f64(field, *f),
    }
}

/// An `Error` with code `KAIRO_INVALID_TRADE` for `field` (kairo-core's spelling) and `kind`, its message prefixed
/// with the trade's place in the input.
fn bad_trade(at: &str, field: &str, kind: &str, message: impl std::fmt::Display) -> crate::errors::Error {
    let field = js_field(field);
    js_error(
        Code::InvalidTrade,
        format!("{at}{field}: {message}"),
        Details { field: Some(field), kind: Some(kind), trade_id: None },
    )
}

fn get<V: napi::bindgen_prelude::FromNapiValue + napi::bindgen_prelude::ValidateNapiValue>(
    obj: &Object,
    at: &str,
    field: &'static str,
    expected: &str,
) -> Result<Option<V>> {
    // A value of the wrong JavaScript type is the fault kairo-core names for a value it cannot read as the field.
    let kind = match field {
        "qty" | "price" | "fees" => "not_a_number",
        "executedAt" => "invalid_timestamp",
        "side" => "invalid_side",
        "symbol" => "invalid_symbol",
        _ => "invalid_text",
    };
    obj.get::<V>(field).map_err(|_| bad_trade(at, field, kind, format!("must be {expected}")))
}

/// A trade from a JavaScript object through kairo-core's input path (`TradeInput`); `index` is its place in a list
/// (for messages). Only the JavaScript types are checked here (a string or a number, a `Date` or a string); what
/// the values are worth is kairo-core's to decide, as on every surface.
pub fn trade(obj: &Object, index: Option<usize>) -> Result<Trade> {
    let at = index.map_or_else(String::new, |i| format!("trades[{i}]."));
    let num = "a decimal string or a number";
    let amount = |field: &'static str| -> Result<Option<Amount>> {
        Ok(get::<Either<String, f64>>(obj, &at, field, num)?.map(|v| match v {
            Either::A(s) => Amount::Text(s),
            Either::B(f) => Amount::Float(f),
        }))
    };
    let text = |field: &'static str, expected: &str| get::<String>(obj, &at, field, expected);
    let executed: Option<Either<String, DateTime<Utc>>> = get(obj, &at, "executedAt", "a Date or an ISO 8601 string")?;
    TradeInput {
        id: text("id", "a string")?,
        user_id: text("userId", "a string")?,
        symbol: text("symbol", "a string")?,
        side: text("side", "'BUY' or 'SELL'")?,
        qty: amount("qty")?,
        price: amount("price")?,
        executed_at: executed.map(|e| match e {
            Either::A(s) => Timestamp::Text(s),
            Either::B(d) => Timestamp::Utc(d),
        }),
        external_id: text("externalId", "a string")?,
        fees: amount("fees")?,
    }
    .into_trade()
    .map_err(|e| bad_trade(&at, e.field(), e.kind(), e))
}

/// Trades from a list of JavaScript objects.
pub fn trades(list: &[Object]) -> Result<Vec<Trade>> {
    list.iter().enumerate().map(|(i, o)| trade(o, Some(i))).collect()
}

/// A calendar date `YYYY-MM-DD` for `field`.
pub fn date(field: &str, text: &str) -> Result<NaiveDate> {
    text.trim()
        .parse()
        .map_err(|_| error(Code::InvalidInput, field, format!("{field} must be a date YYYY-MM-DD, got {text:?}")))
}

/// Prices `{ SYMBOL: { 'YYYY-MM-DD': close } }` with closes as decimal strings or numbers.
pub fn prices(
    prices: &std::collections::HashMap<String, std::collections::HashMap<String, Either<String, f64>>>,
) -> Result<PriceTable> {
    let mut table = PriceTable::new();
    for (symbol, closes) in prices {
        for (d, close) in closes {
            let close = decimal("close", close)
                .map_err(|e| error(Code::InvalidInput, "prices", format!("prices.{symbol}.{d}: {e}")))?;
            table.insert(symbol.clone(), date(&format!("prices.{symbol}"), d)?, close).or_throw()?;
        }
    }
    Ok(table)
}

/// The compliance context from plain JSON (the configuration's `account` keys); the defaults when absent.
pub fn context(ctx: Option<Value>) -> Result<AccountContext> {
    match ctx {
        None | Some(Value::Null) => Ok(AccountContext::default()),
        Some(v) => AccountContext::from_json(v).or_throw(),
    }
}

/// Closing prices: `{ SYMBOL: { 'YYYY-MM-DD': close } }`.
pub type Prices = std::collections::HashMap<String, std::collections::HashMap<String, Either<String, f64>>>;

/// A lot method by name (`fifo` by default).
pub fn method(name: Option<String>) -> Result<LotMethod> {
    name.as_deref().unwrap_or("fifo").parse().or_throw()
}

/// A stock split: on `exDate` every share of `symbol` becomes `ratio` shares.
#[napi(object)]
pub struct StockSplit {
    pub symbol: String,
    /// `YYYY-MM-DD`.
    pub ex_date: String,
    /// New shares per old share (a decimal string or a number).
    pub ratio: Either<String, f64>,
}

/// Stock splits from their JavaScript objects.
pub fn splits(list: &[StockSplit]) -> Result<Vec<Split>> {
    list.iter()
        .map(|s| {
            Ok(Split {
                symbol: s.symbol.clone(),
                ex_date: date("exDate", &s.ex_date)?,
                ratio: decimal("ratio", &s.ratio).or_throw()?,
            })
        })
        .collect()
}
