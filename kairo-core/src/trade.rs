//! The trade model and its validation.
//!
//! A [`Trade`] is one fill: who traded, what, which way, how much, at what price and when. Quantities, prices and
//! fees are [`Decimal`]; the JSON form uses the seed's field names (`user_id`, `symbol`, `side` as `"BUY"` /
//! `"SELL"`, `qty`, `price`, `executed_at` in RFC 3339, `external_id`, `fees`). Deserializing goes through
//! [`crate::input::TradeInput`] (the one input policy of every surface) and validates, so a `Trade` read from JSON
//! always satisfies [`Trade::validate`].

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::TradeError;

/// Direction of a fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Side {
    /// A purchase (opens or adds to a long, or covers a short).
    Buy,
    /// A sale (closes or reduces a long, or opens a short).
    Sell,
}

impl Side {
    /// `"BUY"` or `"SELL"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "BUY",
            Side::Sell => "SELL",
        }
    }

    /// +1 for a buy, −1 for a sell: the sign of the position change.
    pub fn sign(self) -> Decimal {
        match self {
            Side::Buy => Decimal::ONE,
            Side::Sell => Decimal::NEGATIVE_ONE,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Side {
    type Err = TradeError;

    /// Reads `BUY` / `SELL` in any letter case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("BUY") {
            Ok(Side::Buy)
        } else if s.eq_ignore_ascii_case("SELL") {
            Ok(Side::Sell)
        } else {
            Err(TradeError::InvalidSide { side: s.to_owned() })
        }
    }
}

/// The largest accepted `qty`.
pub const MAX_QTY: i64 = 1_000_000_000_000;
/// The largest accepted `price`.
pub const MAX_PRICE: i64 = 1_000_000_000;
/// The largest accepted `fees`.
pub const MAX_FEES: i64 = 1_000_000_000_000;
/// The smallest accepted `qty`: 10⁻⁹, a billionth of a share, the finest fraction brokers trade (Alpaca's
/// fractional shares have nine decimals). With it, a lot's cost per unit (`(qty × price + fees) / qty` ≤
/// 10⁹ + 10¹² / 10⁻⁹ = 10²¹ + 10⁹) stays within `Decimal`'s range.
pub const MIN_QTY: Decimal = Decimal::from_parts(1, 0, 0, false, 9);
/// The smallest accepted `price`: 10⁻⁹ (sub-penny instruments trade down to about 10⁻⁸).
pub const MIN_PRICE: Decimal = Decimal::from_parts(1, 0, 0, false, 9);

/// The earliest accepted `executed_at`: 1900-01-01T00:00:00Z.
pub const EARLIEST_EXECUTION: DateTime<Utc> = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d.and_time(chrono::NaiveTime::MIN).and_utc(),
    None => DateTime::<Utc>::MIN_UTC,
};
/// The first instant past the accepted `executed_at` range: 2201-01-01T00:00:00Z (the last accepted day is
/// 2200-12-31). Every later stage (the market calendar, day counts, the stores' timestamp columns) handles this
/// range; a trade outside it is refused at the input instead of failing a later stage.
pub const END_OF_EXECUTIONS: DateTime<Utc> = match NaiveDate::from_ymd_opt(2201, 1, 1) {
    Some(d) => d.and_time(chrono::NaiveTime::MIN).and_utc(),
    None => DateTime::<Utc>::MAX_UTC,
};

/// Whether the non-negative `value` is above `max`, compared on the integer mantissa (no rescaling).
fn exceeds(value: Decimal, max: i64) -> bool {
    // value = mantissa / 10^scale > max  ⇔  mantissa > max · 10^scale; when that product overflows i128 it is
    // beyond any mantissa (< 2^96).
    crate::decimal_cmp::pow10(value.scale())
        .and_then(|p| p.checked_mul(i128::from(max)))
        .is_some_and(|bound| value.mantissa() > bound)
}

/// Whether the positive `value` is below `min`, a power of ten 10⁻ᵏ, compared on the integer mantissa: a value
/// with at most k decimals is at least 10⁻ᵏ; one with scale s > k is below it when its mantissa is below 10ˢ⁻ᵏ.
fn below(value: Decimal, min: Decimal) -> bool {
    debug_assert_eq!(min.mantissa(), 1, "min must be a power of ten");
    let (scale, k) = (value.scale(), min.scale());
    scale > k && crate::decimal_cmp::pow10(scale - k).is_some_and(|p| value.mantissa() < p)
}

/// One executed fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "crate::input::TradeInput")]
pub struct Trade {
    /// Unique id of the trade (a UUID in the seed's database; any non-empty text here).
    pub id: String,
    /// The owner of the trade.
    pub user_id: String,
    /// Ticker, upper case, e.g. `AAPL` or `BRK.B`.
    pub symbol: String,
    /// Buy or sell.
    pub side: Side,
    /// Quantity filled, > 0.
    pub qty: Decimal,
    /// Price per unit, > 0.
    pub price: Decimal,
    /// Execution time.
    pub executed_at: DateTime<Utc>,
    /// The broker's order or fill id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Commissions and fees paid, ≥ 0. Added to the basis of a buy and subtracted from the proceeds of a sell.
    #[serde(default)]
    pub fees: Decimal,
}

/// The id given to a trade that arrives without one (a proposed order, a JSON record from a client):
/// `user_id:symbol:nanoseconds since the epoch`. Every surface (serde, Python, Node, HTTP) uses this one.
///
/// ```
/// let at = "2024-03-01T15:00:00Z".parse().unwrap();
/// assert_eq!(kairo_core::trade::synthetic_id("u1", "AAPL", at), "u1:AAPL:1709305200000000000");
/// ```
pub fn synthetic_id(user_id: &str, symbol: &str, at: DateTime<Utc>) -> String {
    format!("{user_id}:{symbol}:{}", at.timestamp_nanos_opt().unwrap_or(at.timestamp()))
}

impl Trade {
    /// Builds and validates a trade with no fees and no external id.
    ///
    /// ```
    /// use kairo_core::{Side, Trade};
    /// use rust_decimal_macros::dec;
    ///
    /// let at = "2024-03-01T15:00:00Z".parse().unwrap();
    /// let t = Trade::new("t1", "u1", "BRK.B", Side::Buy, dec!(10), dec!(401.25), at).unwrap();
    /// assert_eq!(t.notional(), dec!(4012.50));
    /// assert!(Trade::new("t2", "u1", "brk b", Side::Buy, dec!(1), dec!(1), at).is_err());
    /// ```
    pub fn new(
        id: impl Into<String>,
        user_id: impl Into<String>,
        symbol: impl Into<String>,
        side: Side,
        qty: Decimal,
        price: Decimal,
        executed_at: DateTime<Utc>,
    ) -> Result<Self, TradeError> {
        let trade = Trade {
            id: id.into(),
            user_id: user_id.into(),
            symbol: symbol.into(),
            side,
            qty,
            price,
            executed_at,
            external_id: None,
            fees: Decimal::ZERO,
        };
        trade.validate()?;
        Ok(trade)
    }

    /// Sets the fees, validating them (0 ≤ fees ≤ [`MAX_FEES`]).
    pub fn with_fees(mut self, fees: Decimal) -> Result<Self, TradeError> {
        validate_fees(fees)?;
        self.fees = fees;
        Ok(self)
    }

    /// Sets the broker's id.
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    /// Checks every field: `id` and `user_id` non-empty, `symbol` a plausible ticker, `qty` > 0, `price` > 0,
    /// `fees` ≥ 0, and `qty` ≤ 10¹², `price` ≤ 10⁹, `fees` ≤ 10¹² (bounds far above any real fill that keep every
    /// amount kairo derives within `Decimal`'s range), `qty` and `price` ≥ 10⁻⁹ ([`MIN_QTY`], [`MIN_PRICE`]:
    /// below any real fill, and what keeps costs per unit in range), and `executed_at` within 1900-01-01 ..= 2200-12-31 UTC
    /// ([`EARLIEST_EXECUTION`], [`END_OF_EXECUTIONS`]). Returns the first violation found, in that order.
    pub fn validate(&self) -> Result<(), TradeError> {
        // `trim().is_empty()`, stopping at the first character that is not white space.
        if self.id.chars().all(char::is_whitespace) {
            return Err(TradeError::Empty { field: "id" });
        }
        if self.user_id.chars().all(char::is_whitespace) {
            return Err(TradeError::Empty { field: "user_id" });
        }
        validate_symbol(&self.symbol)?;
        if let Some(e) = &self.external_id {
            validate_text("external_id", e, MAX_ID_BYTES)?;
        }
        // Sign and zero tests read the flags and mantissa directly (no comparison with rescaling).
        if self.qty.is_sign_negative() || self.qty.is_zero() {
            return Err(TradeError::QtyNotPositive { qty: self.qty });
        }
        if self.price.is_sign_negative() || self.price.is_zero() {
            return Err(TradeError::PriceNotPositive { price: self.price });
        }
        if self.fees.is_sign_negative() && !self.fees.is_zero() {
            return Err(TradeError::FeesNegative { fees: self.fees });
        }
        for (field, value, max) in
            [("qty", self.qty, MAX_QTY), ("price", self.price, MAX_PRICE), ("fees", self.fees, MAX_FEES)]
        {
            if exceeds(value, max) {
                return Err(TradeError::TooLarge { field, value, max: Decimal::from(max) });
            }
        }
        for (field, value, min) in [("qty", self.qty, MIN_QTY), ("price", self.price, MIN_PRICE)] {
            if below(value, min) {
                return Err(TradeError::TooSmall { field, value, min });
            }
        }
        validate_executed_at(self.executed_at)
    }

    /// `qty × price`, before fees.
    #[inline]
    pub fn notional(&self) -> Decimal {
        self.qty * self.price
    }

    /// Signed quantity: `+qty` for a buy, `−qty` for a sell.
    #[inline]
    pub fn signed_qty(&self) -> Decimal {
        match self.side {
            Side::Buy => self.qty,
            Side::Sell => -self.qty,
        }
    }

    /// Cash that left the account: for a buy `qty × price + fees`; for a sell `−(qty × price − fees)`.
    /// This is the external flow of the time-weighted return (a buy is a contribution, a sell a withdrawal).
    pub fn cash_flow(&self) -> Decimal {
        match self.side {
            Side::Buy => self.notional() + self.fees,
            Side::Sell => -(self.notional() - self.fees),
        }
    }

    /// The exchange's trading date of the fill: the calendar date in America/New_York.
    pub fn trade_date(&self) -> NaiveDate {
        crate::calendar::new_york_local(self.executed_at).date()
    }

    /// The ordering every engine uses: by `executed_at`, then by `id`. Input order is never trusted.
    pub fn chronological_key(&self) -> (DateTime<Utc>, &str) {
        (self.executed_at, self.id.as_str())
    }
}

/// The longest accepted `external_id`, in bytes of UTF-8 (the broker's id, which a store keeps in a unique index).
pub const MAX_ID_BYTES: usize = 256;

/// Checks a text field: at most `max_bytes` bytes of UTF-8 and no ASCII control character (a NUL byte, which no
/// database text column stores, a line break or a tab, which no id contains).
///
/// ```
/// use kairo_core::trade::validate_text;
/// assert!(validate_text("external_id", "alpaca-fill-8f2c", 256).is_ok());
/// assert_eq!(validate_text("external_id", "a\0b", 256).unwrap_err().field(), "external_id");
/// assert!(validate_text("external_id", &"x".repeat(257), 256).is_err());
/// ```
pub fn validate_text(field: &'static str, value: &str, max_bytes: usize) -> Result<(), TradeError> {
    if value.len() > max_bytes {
        return Err(TradeError::InvalidText {
            field,
            reason: if max_bytes == MAX_ID_BYTES { "must be at most 256 bytes" } else { "is too long" },
        });
    }
    // ASCII control characters (C0 and DEL), tested byte-wise (UTF-8 never uses these bytes inside a longer
    // character) without an early exit, so that the loop vectorizes: ids are short.
    if value.bytes().fold(false, |found, b| found | (b < 0x20) | (b == 0x7f)) {
        return Err(TradeError::InvalidText {
            field,
            reason: "must not contain control characters (NUL, line breaks)",
        });
    }
    Ok(())
}

/// Checks `fees`: 0 ≤ fees ≤ [`MAX_FEES`].
pub fn validate_fees(fees: Decimal) -> Result<(), TradeError> {
    if fees.is_sign_negative() && !fees.is_zero() {
        return Err(TradeError::FeesNegative { fees });
    }
    if exceeds(fees, MAX_FEES) {
        return Err(TradeError::TooLarge { field: "fees", value: fees, max: Decimal::from(MAX_FEES) });
    }
    Ok(())
}

/// Checks that `executed_at` lies in [`EARLIEST_EXECUTION`] .. [`END_OF_EXECUTIONS`] (1900-01-01 through
/// 2200-12-31, UTC).
pub fn validate_executed_at(executed_at: DateTime<Utc>) -> Result<(), TradeError> {
    if executed_at < EARLIEST_EXECUTION || executed_at >= END_OF_EXECUTIONS {
        return Err(TradeError::ExecutedAtOutOfRange { executed_at });
    }
    Ok(())
}

/// Sorts trades by (`executed_at`, `id`), the order every engine processes them in.
pub fn sort_chronologically(trades: &mut [Trade]) {
    trades.sort_by(|a, b| a.chronological_key().cmp(&b.chronological_key()));
}

/// Checks that `symbol` is a plausible ticker: 1–10 characters of upper-case ASCII letters and digits, starting with
/// a letter, with single `.` or `-` separators inside (`BRK.B`, `BF-B`).
pub fn validate_symbol(symbol: &str) -> Result<(), TradeError> {
    let err = |reason| TradeError::InvalidSymbol { symbol: symbol.to_owned(), reason };
    if symbol.is_empty() {
        return Err(err("empty"));
    }
    if symbol.len() > 10 {
        return Err(err("longer than 10 characters"));
    }
    let bytes = symbol.as_bytes();
    if !bytes[0].is_ascii_uppercase() {
        return Err(err("must start with an upper-case letter"));
    }
    let mut previous_separator = false;
    for &b in bytes {
        let separator = b == b'.' || b == b'-';
        if !(b.is_ascii_uppercase() || b.is_ascii_digit() || separator) {
            return Err(err("only upper-case letters, digits, '.' and '-' are allowed"));
        }
        if separator && previous_separator {
            return Err(err("separators must not repeat"));
        }
        previous_separator = separator;
    }
    if previous_separator {
        return Err(err("must not end with a separator"));
    }
    Ok(())
}

/// Reads a decimal number from text for `field`, rejecting NaN, infinities and anything that is not a number.
/// Accepts scientific notation (`1e-3`).
pub fn parse_decimal(field: &'static str, text: &str) -> Result<Decimal, TradeError> {
    let t = text.trim();
    Decimal::from_str_exact(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| TradeError::NotANumber { field, value: text.to_owned() })
}

/// Converts a float to a decimal for `field`, rejecting NaN and infinities. The conversion keeps the shortest
/// decimal that round-trips to the same float (`0.1` becomes `0.1`, not `0.1000000000000000055…`).
pub fn decimal_from_f64(field: &'static str, value: f64) -> Result<Decimal, TradeError> {
    if !value.is_finite() {
        return Err(TradeError::NotANumber { field, value: value.to_string() });
    }
    parse_decimal(field, &value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn at() -> DateTime<Utc> {
        "2024-03-01T15:00:00Z".parse().unwrap()
    }

    #[test]
    fn symbols() {
        for ok in ["A", "AAPL", "BRK.B", "BF-B", "GOOGL", "ABCDEFGHIJ", "X1"] {
            assert!(validate_symbol(ok).is_ok(), "{ok}");
        }
        for bad in ["", "aapl", "1ABC", "BRK..B", "BRK.", ".A", "ABCDEFGHIJK", "A B", "ÄPL"] {
            assert!(validate_symbol(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_violation_names_its_field() {
        let e = Trade::new("t", "u", "AAPL", Side::Buy, dec!(0), dec!(1), at()).unwrap_err();
        assert_eq!(e.field(), "qty");
        let e = Trade::new("t", "u", "AAPL", Side::Buy, dec!(1), dec!(-1), at()).unwrap_err();
        assert_eq!(e.field(), "price");
        let e = Trade::new("t", "", "AAPL", Side::Buy, dec!(1), dec!(1), at()).unwrap_err();
        assert_eq!(e.field(), "user_id");
        let e = Trade::new("t", "u", "aapl", Side::Buy, dec!(1), dec!(1), at()).unwrap_err();
        assert_eq!(e.field(), "symbol");
        let t = Trade::new("t", "u", "AAPL", Side::Buy, dec!(1), dec!(1), at()).unwrap();
        assert_eq!(t.clone().with_fees(dec!(-0.01)).unwrap_err().field(), "fees");
        // The bound of `validate` holds for `with_fees` too: a trade is never built with fees it would refuse.
        assert_eq!(t.clone().with_fees(dec!(1000000000000.01)).unwrap_err().field(), "fees");
        assert!(t.with_fees(dec!(1000000000000)).is_ok());
    }

    #[test]
    fn smallest_quantities_and_prices() {
        for (qty, ok) in [
            (dec!(0.000000001), true),
            (dec!(0.0000000010), true),
            (dec!(0.00000000099), false),
            (dec!(0.0000000009999999999999999999), false),
            (dec!(1), true),
            (dec!(0.5), true),
            (Decimal::new(1, 28), false),
        ] {
            let t = Trade::new("t", "u", "AAPL", Side::Buy, qty, qty, at());
            assert_eq!(t.is_ok(), ok, "{qty}");
            if !ok {
                assert_eq!(t.unwrap_err().field(), "qty");
            }
        }
    }

    #[test]
    fn execution_times_are_bounded() {
        let trade = |at: &str| Trade::new("t", "u", "AAPL", Side::Buy, dec!(1), dec!(1), at.parse().unwrap());
        for ok in ["1900-01-01T00:00:00Z", "2200-12-31T23:59:59.999999999Z", "2024-03-01T15:00:00Z"] {
            assert!(trade(ok).is_ok(), "{ok}");
        }
        for bad in [
            "1899-12-31T23:59:59.999999999Z",
            "2201-01-01T00:00:00Z",
            "+10000-01-01T00:00:00Z",
            "-0001-06-01T00:00:00Z",
        ] {
            let e = trade(bad).unwrap_err();
            assert_eq!(e.field(), "executed_at", "{bad}");
            assert!(e.to_string().contains("1900-01-01"), "{e}");
        }
        let json = r#"{"user_id":"u1","symbol":"AAPL","side":"BUY","qty":"1","price":"1","executed_at":"2201-01-01T00:00:00Z"}"#;
        assert!(serde_json::from_str::<Trade>(json).is_err());
    }

    #[test]
    fn json_uses_the_seed_names_and_validates() {
        let json = r#"{"id":"t1","user_id":"u1","symbol":"AAPL","side":"BUY","qty":"10","price":187.5,
                       "executed_at":"2024-03-01T10:00:00-05:00"}"#;
        let t: Trade = serde_json::from_str(json).unwrap();
        assert_eq!(t.price, dec!(187.5));
        assert_eq!(t.fees, Decimal::ZERO);
        assert_eq!(t.executed_at.to_rfc3339(), "2024-03-01T15:00:00+00:00");
        let out = serde_json::to_value(&t).unwrap();
        assert_eq!(out["side"], "BUY");
        assert_eq!(out["qty"], "10");
        let bad = json.replace(r#""qty":"10""#, r#""qty":"-3""#);
        let err = serde_json::from_str::<Trade>(&bad).unwrap_err().to_string();
        assert!(err.contains("qty must be greater than zero"), "{err}");
        let bad = json.replace("BUY", "HOLD");
        assert!(serde_json::from_str::<Trade>(&bad).is_err());
    }

    #[test]
    fn numbers_from_text_and_floats() {
        assert_eq!(parse_decimal("qty", "1e-3").unwrap(), dec!(0.001));
        assert_eq!(parse_decimal("qty", " 12.50 ").unwrap(), dec!(12.50));
        assert_eq!(parse_decimal("price", "NaN").unwrap_err().field(), "price");
        assert!(parse_decimal("price", "inf").is_err());
        assert_eq!(decimal_from_f64("price", 0.1).unwrap(), dec!(0.1));
        assert!(decimal_from_f64("price", f64::NAN).is_err());
        assert!(decimal_from_f64("price", f64::INFINITY).is_err());
    }

    #[test]
    fn trade_date_is_new_york_local() {
        // 01:30 UTC on 2 March is 20:30 on 1 March in New York (EST, UTC-5).
        let t =
            Trade::new("t", "u", "AAPL", Side::Buy, dec!(1), dec!(1), "2024-03-02T01:30:00Z".parse().unwrap()).unwrap();
        assert_eq!(t.trade_date(), NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
    }

    #[test]
    fn cash_flows_carry_fees() {
        let b = Trade::new("b", "u", "AAPL", Side::Buy, dec!(10), dec!(5), at()).unwrap().with_fees(dec!(1)).unwrap();
        let s = Trade::new("s", "u", "AAPL", Side::Sell, dec!(10), dec!(6), at()).unwrap().with_fees(dec!(1)).unwrap();
        assert_eq!(b.cash_flow(), dec!(51));
        assert_eq!(s.cash_flow(), dec!(-59));
    }
}
