//! One way in: every surface (serde/JSON, HTTP, CSV, and the bindings as they move to it) reads a trade as a
//! [`TradeInput`] and turns it into a validated [`Trade`] with [`TradeInput::into_trade`], under one policy for
//! every field:
//!
//! | field | accepted | becomes |
//! |---|---|---|
//! | `id` | optional text | the text, or [`synthetic_id`] |
//! | `user_id` | text, not blank | the text |
//! | `symbol` | a ticker in any letter case (`brk.b`) | upper case (`BRK.B`); see [`validate_symbol`] |
//! | `side` | `BUY` / `SELL` in any letter case | [`Side`] |
//! | `qty`, `price`, `fees` | a decimal string (exact), an integer (exact), or a float | a `Decimal`; a float is read from its shortest round-trip text (`0.1` → `0.1`), so a value computed in floating point (`0.1 + 0.2`) arrives as that float prints (`0.30000000000000004`): send strings for amounts that must be exact |
//! | `executed_at` | RFC 3339 with an offset, or an ISO 8601 date-time without one (read as UTC) | UTC |
//! | `external_id` | optional text, at most 256 bytes, no control character | the text |
//! | any other key | over HTTP, refused (a misspelt field of an API call is an error, not a default); in Python's dicts and Node's objects, not read (a database row's `created_at`, an ORM's extra properties) | — |
//!
//! A missing required field, a value of the wrong kind, and every bound of [`Trade::validate`] give a
//! [`TradeError`] naming the field ([`TradeError::field`]) with a stable [`TradeError::kind`]. The shared vectors
//! (`tests/vectors/trade_inputs.json`) hold good and bad records with the answer each must get, and every surface's
//! test suite runs them.
//!
//! ```
//! use kairo_core::input::TradeInput;
//! let t: TradeInput = serde_json::from_str(
//!     r#"{"user_id": "u1", "symbol": "brk.b", "side": "buy", "qty": 10, "price": "401.25",
//!         "executed_at": "2024-03-01T15:00:00"}"#,
//! ).unwrap();
//! let trade = t.into_trade().unwrap();
//! assert_eq!((trade.symbol.as_str(), trade.side.as_str()), ("BRK.B", "BUY"));
//! assert_eq!(trade.executed_at.to_rfc3339(), "2024-03-01T15:00:00+00:00");
//! ```

use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::compare::Benchmark;
use crate::error::{ReturnsError, TradeError};
use crate::trade::{decimal_from_f64, parse_decimal, synthetic_id, validate_symbol, Side, Trade};

/// An amount as a surface received it: text, an integer or a float (any other JSON value is kept to be refused
/// with the field's name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Amount {
    /// A decimal string (`"187.50"`, `"1e-3"`), read exactly.
    Text(String),
    /// An integer, read exactly.
    Integer(i64),
    /// A float, read from its shortest round-trip text.
    Float(f64),
    /// Anything else (`true`, `null`, an object): refused. A binding puts a description of a native value it cannot
    /// read here as a JSON string, which the error quotes as it is.
    Other(serde_json::Value),
}

impl Amount {
    /// The amount as a `Decimal`, for `field`.
    pub fn decimal(&self, field: &'static str) -> Result<Decimal, TradeError> {
        match self {
            Amount::Text(s) => parse_decimal(field, s),
            Amount::Integer(i) => Ok(Decimal::from(*i)),
            Amount::Float(f) => decimal_from_f64(field, *f),
            Amount::Other(serde_json::Value::String(s)) => Err(TradeError::NotANumber { field, value: s.clone() }),
            Amount::Other(v) => Err(TradeError::NotANumber { field, value: v.to_string() }),
        }
    }
}

/// An execution time as a surface received it: text, or a time a binding has already read from a native value
/// (a Python `datetime`, a JavaScript `Date`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Timestamp {
    /// RFC 3339 (`2024-03-01T10:00:00-05:00`), or ISO 8601 without an offset (`2024-03-01T15:00:00`, or with a
    /// space for the `T`), read as UTC.
    Text(String),
    /// Anything else: refused.
    Other(serde_json::Value),
    /// A time already in UTC.
    #[serde(skip_deserializing)]
    Utc(DateTime<Utc>),
}

impl Timestamp {
    /// The time in UTC.
    pub fn utc(&self) -> Result<DateTime<Utc>, TradeError> {
        match self {
            Timestamp::Utc(t) => Ok(*t),
            Timestamp::Text(s) => parse_timestamp(s),
            Timestamp::Other(serde_json::Value::String(s)) => Err(TradeError::InvalidTimestamp { value: s.clone() }),
            Timestamp::Other(v) => Err(TradeError::InvalidTimestamp { value: v.to_string() }),
        }
    }
}

/// Reads `executed_at` text: RFC 3339, or an ISO 8601 date-time without an offset read as UTC.
///
/// ```
/// use kairo_core::input::parse_timestamp;
/// assert_eq!(parse_timestamp("2024-03-01T10:00:00-05:00").unwrap().to_rfc3339(), "2024-03-01T15:00:00+00:00");
/// assert_eq!(parse_timestamp("2024-03-01 15:00:00.5").unwrap().to_rfc3339(), "2024-03-01T15:00:00.500+00:00");
/// assert_eq!(parse_timestamp("yesterday").unwrap_err().field(), "executed_at");
/// ```
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, TradeError> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(d.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f"))
        .map(|n| n.and_utc())
        .map_err(|_| TradeError::InvalidTimestamp { value: text.to_owned() })
}

/// A trade as received, before validation: the JSON model's names (`user_id`, `symbol`, `side`, `qty`, `price`,
/// `executed_at`, `external_id`, `fees`, and an optional `id`). Every field is optional here so that a missing one
/// is reported by name ([`TradeError::Missing`]) rather than by the parser.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TradeInput {
    /// The trade's id; a synthetic one when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The owner.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The ticker, any letter case.
    #[serde(default)]
    pub symbol: Option<String>,
    /// `BUY` or `SELL`, any letter case.
    #[serde(default)]
    pub side: Option<String>,
    /// Quantity.
    #[serde(default)]
    pub qty: Option<Amount>,
    /// Price per unit.
    #[serde(default)]
    pub price: Option<Amount>,
    /// Execution time.
    #[serde(default)]
    pub executed_at: Option<Timestamp>,
    /// The broker's id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Commissions and fees (0 when absent).
    #[serde(default)]
    pub fees: Option<Amount>,
}

fn required<T>(value: Option<T>, field: &'static str) -> Result<T, TradeError> {
    value.ok_or(TradeError::Missing { field })
}

impl TradeInput {
    /// The validated trade, or the first field at fault (in the order of the table in the module documentation).
    pub fn into_trade(self) -> Result<Trade, TradeError> {
        let user_id = required(self.user_id, "user_id")?;
        let mut symbol = required(self.symbol, "symbol")?;
        symbol.make_ascii_uppercase();
        validate_symbol(&symbol)?;
        let side: Side = required(self.side, "side")?.parse()?;
        let qty = required(self.qty, "qty")?.decimal("qty")?;
        let price = required(self.price, "price")?.decimal("price")?;
        let executed_at = required(self.executed_at, "executed_at")?.utc()?;
        let fees = self.fees.map(|f| f.decimal("fees")).transpose()?.unwrap_or(Decimal::ZERO);
        let id = self.id.unwrap_or_else(|| synthetic_id(&user_id, &symbol, executed_at));
        let mut trade = Trade::new(id, user_id, symbol, side, qty, price, executed_at)?.with_fees(fees)?;
        if let Some(e) = self.external_id {
            // (the rest was validated by `Trade::new`; only the id is left to check)
            crate::trade::validate_text("external_id", &e, crate::trade::MAX_ID_BYTES)?;
            trade = trade.with_external_id(e);
        }
        Ok(trade)
    }
}

impl TryFrom<TradeInput> for Trade {
    type Error = TradeError;

    fn try_from(input: TradeInput) -> Result<Self, Self::Error> {
        input.into_trade()
    }
}

/// A benchmark as a surface received it: a symbol or a blend's text (`SPY`, `SPY:0.6,AGG:0.4`), or weights by
/// symbol with each weight an [`Amount`] (read under the trades' policy: text exact, a float from its shortest
/// text). Python's `str` or `dict`, Node's `string` or object, and HTTP's query all become one.
///
/// ```
/// use kairo_core::input::{Amount, BenchmarkInput};
/// let blend = BenchmarkInput::Weights(vec![("SPY".into(), Amount::Float(0.6)), ("AGG".into(), Amount::Text("0.4".into()))]);
/// assert_eq!(blend.into_benchmark().unwrap().to_string(), "SPY:0.6,AGG:0.4");
/// assert!(BenchmarkInput::Weights(vec![("SPY".into(), Amount::Text("x".into()))]).into_benchmark().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum BenchmarkInput {
    /// A symbol or a blend's text.
    Text(String),
    /// Weights by symbol, in order.
    Weights(Vec<(String, Amount)>),
}

impl BenchmarkInput {
    /// The benchmark; an unreadable weight or a malformed blend is [`ReturnsError::InvalidBenchmark`].
    pub fn into_benchmark(self) -> Result<Benchmark, ReturnsError> {
        match self {
            BenchmarkInput::Text(s) => s.parse(),
            BenchmarkInput::Weights(weights) => {
                let mut parts = Vec::with_capacity(weights.len());
                for (symbol, w) in weights {
                    let w = w
                        .decimal("weight")
                        .map_err(|e| ReturnsError::InvalidBenchmark { reason: format!("{symbol}: {e}") })?;
                    parts.push((symbol, w));
                }
                Benchmark::blend(parts)
            }
        }
    }
}
