//! Error types, one enum per area of the crate.
//!
//! Every variant names the offending field or input so that a binding can turn it into a typed exception
//! (`InvalidTradeError(field=...)` in Python, an `Error` with a stable `code` in JavaScript, an HTTP 422 in the
//! server) without parsing messages.

use rust_decimal::Decimal;
use thiserror::Error;

/// A trade that fails validation. [`TradeError::field`] names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TradeError {
    /// `qty` was zero or negative.
    #[error("qty must be greater than zero, got {qty}")]
    QtyNotPositive {
        /// The rejected quantity.
        qty: Decimal,
    },
    /// `price` was zero or negative.
    #[error("price must be greater than zero, got {price}")]
    PriceNotPositive {
        /// The rejected price.
        price: Decimal,
    },
    /// `fees` was negative.
    #[error("fees must not be negative, got {fees}")]
    FeesNegative {
        /// The rejected fees.
        fees: Decimal,
    },
    /// A numeric field is above its bound.
    #[error("{field} must be at most {max}, got {value}")]
    TooLarge {
        /// The field.
        field: &'static str,
        /// The rejected value.
        value: Decimal,
        /// The bound.
        max: Decimal,
    },
    /// A positive numeric field is below its smallest accepted value.
    #[error("{field} must be at least {min}, got {value}")]
    TooSmall {
        /// The field.
        field: &'static str,
        /// The rejected value.
        value: Decimal,
        /// The bound.
        min: Decimal,
    },
    /// A text field is too long or holds a control character (a NUL byte, a line break).
    #[error("{field} {reason}")]
    InvalidText {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `symbol` is not a plausible ticker.
    #[error("symbol {symbol:?} is not a valid ticker: {reason}")]
    InvalidSymbol {
        /// The rejected symbol.
        symbol: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A required text field (`id`, `user_id`) was empty.
    #[error("{field} must not be empty")]
    Empty {
        /// The empty field.
        field: &'static str,
    },
    /// `side` was neither BUY nor SELL.
    #[error("side must be \"BUY\" or \"SELL\", got {side:?}")]
    InvalidSide {
        /// The rejected side.
        side: String,
    },
    /// A numeric field was not a finite decimal number (NaN, infinity, or text that is not a number).
    #[error("{field} must be a finite decimal number, got {value:?}")]
    NotANumber {
        /// The field at fault.
        field: &'static str,
        /// The rejected value as text.
        value: String,
    },
    /// A required field is absent.
    #[error("{field} is required")]
    Missing {
        /// The field.
        field: &'static str,
    },
    /// `executed_at` is outside the accepted range.
    #[error("executed_at must be between 1900-01-01T00:00:00Z and 2200-12-31T23:59:59.999999999Z, got {executed_at}")]
    ExecutedAtOutOfRange {
        /// The rejected time.
        executed_at: chrono::DateTime<chrono::Utc>,
    },
    /// `executed_at` could not be read as an RFC 3339 timestamp.
    #[error("executed_at must be an RFC 3339 timestamp, got {value:?}")]
    InvalidTimestamp {
        /// The rejected value.
        value: String,
    },
}

impl TradeError {
    /// What is wrong, as a stable machine-readable word (the same on every surface): `missing`, `empty`,
    /// `not_a_number`, `not_positive`, `too_large`, `too_small`, `out_of_range`, `invalid_symbol`, `invalid_side`,
    /// `invalid_timestamp` or `invalid_text`.
    pub fn kind(&self) -> &'static str {
        match self {
            TradeError::Missing { .. } => "missing",
            TradeError::Empty { .. } => "empty",
            TradeError::NotANumber { .. } => "not_a_number",
            TradeError::QtyNotPositive { .. }
            | TradeError::PriceNotPositive { .. }
            | TradeError::FeesNegative { .. } => "not_positive",
            TradeError::TooLarge { .. } => "too_large",
            TradeError::TooSmall { .. } => "too_small",
            TradeError::ExecutedAtOutOfRange { .. } => "out_of_range",
            TradeError::InvalidSymbol { .. } => "invalid_symbol",
            TradeError::InvalidSide { .. } => "invalid_side",
            TradeError::InvalidTimestamp { .. } => "invalid_timestamp",
            TradeError::InvalidText { .. } => "invalid_text",
        }
    }

    /// The name of the trade field at fault, as spelled in the JSON model (`qty`, `price`, `symbol`, ...).
    pub fn field(&self) -> &'static str {
        match self {
            TradeError::QtyNotPositive { .. } => "qty",
            TradeError::PriceNotPositive { .. } => "price",
            TradeError::FeesNegative { .. } => "fees",
            TradeError::TooLarge { field, .. } | TradeError::TooSmall { field, .. } => field,
            TradeError::InvalidSymbol { .. } => "symbol",
            TradeError::Empty { field } | TradeError::InvalidText { field, .. } | TradeError::Missing { field } => {
                field
            }
            TradeError::InvalidSide { .. } => "side",
            TradeError::NotANumber { field, .. } => field,
            TradeError::InvalidTimestamp { .. } | TradeError::ExecutedAtOutOfRange { .. } => "executed_at",
        }
    }
}

/// A trade of a history that fails validation: the trade's id and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("trade {trade_id}: {source}")]
pub struct InvalidTrade {
    /// The id of the trade.
    pub trade_id: String,
    /// What is wrong with it.
    #[source]
    pub source: TradeError,
}

/// What is wrong with an activity ([`Activity`](crate::activity::Activity)).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ActivityError {
    /// A field problem shared with trades: missing, empty, not a number, too large, invalid text.
    #[error("{0}")]
    Field(TradeError),
    /// `type` is not one of the activity types.
    #[error(
        "type must be one of DEPOSIT, WITHDRAWAL, DIVIDEND, INTEREST, FEE, TAX, SPLIT, SYMBOL_CHANGE, TRANSFER_IN, \
         TRANSFER_OUT, got {value:?}"
    )]
    UnknownType {
        /// The rejected type.
        value: String,
    },
    /// A field the activity's type does not use was given.
    #[error("{field} is not a field of a {kind} activity")]
    NotApplicable {
        /// The field.
        field: &'static str,
        /// The type.
        kind: &'static str,
    },
    /// An amount, quantity or ratio that must be positive is not.
    #[error("{field} must be greater than zero, got {value}")]
    NotPositive {
        /// The field.
        field: &'static str,
        /// The rejected value.
        value: Decimal,
    },
    /// A value that must not be negative is.
    #[error("{field} must not be negative, got {value}")]
    Negative {
        /// The field.
        field: &'static str,
        /// The rejected value.
        value: Decimal,
    },
    /// An amount that must not be zero is.
    #[error("{field} must not be zero")]
    Zero {
        /// The field.
        field: &'static str,
    },
    /// A date that does not read.
    #[error("{field} must be a date (YYYY-MM-DD) or an RFC 3339 time, got {value:?}")]
    InvalidDate {
        /// The field.
        field: &'static str,
        /// The rejected value.
        value: String,
    },
    /// A symbol that is not a plausible ticker.
    #[error("{field} {symbol:?} is not a valid ticker: {reason}")]
    InvalidSymbol {
        /// The field (`symbol`, `new_symbol`).
        field: &'static str,
        /// The rejected symbol.
        symbol: String,
        /// Why.
        reason: &'static str,
    },
    /// A symbol change to the same symbol.
    #[error("new_symbol must differ from symbol")]
    Unchanged,
}

impl ActivityError {
    /// The field at fault, as the input spells it.
    pub fn field(&self) -> &'static str {
        match self {
            ActivityError::Field(e) => e.field(),
            ActivityError::UnknownType { .. } => "type",
            ActivityError::NotApplicable { field, .. }
            | ActivityError::NotPositive { field, .. }
            | ActivityError::Negative { field, .. }
            | ActivityError::Zero { field }
            | ActivityError::InvalidDate { field, .. }
            | ActivityError::InvalidSymbol { field, .. } => field,
            ActivityError::Unchanged => "new_symbol",
        }
    }

    /// What is wrong, as a stable word: the trades' words (`missing`, `not_a_number`, `too_large`, ...) and
    /// `unknown_type`, `not_applicable`, `not_positive`, `negative`, `zero`, `invalid_date`, `invalid_symbol`,
    /// `unchanged`.
    pub fn kind(&self) -> &'static str {
        match self {
            ActivityError::Field(e) => e.kind(),
            ActivityError::UnknownType { .. } => "unknown_type",
            ActivityError::NotApplicable { .. } => "not_applicable",
            ActivityError::NotPositive { .. } => "not_positive",
            ActivityError::Negative { .. } => "negative",
            ActivityError::Zero { .. } => "zero",
            ActivityError::InvalidDate { .. } => "invalid_date",
            ActivityError::InvalidSymbol { .. } => "invalid_symbol",
            ActivityError::Unchanged => "unchanged",
        }
    }
}

/// An activity of a list that fails validation: its position in the list, its id when it has one, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("activity {} (row {row}): {source}", activity_id.as_deref().unwrap_or("without id"))]
pub struct InvalidActivity {
    /// The 0-based position of the record.
    pub row: usize,
    /// Its id, when it had one.
    pub activity_id: Option<String>,
    /// What is wrong with it.
    #[source]
    pub source: ActivityError,
}

/// Errors from the metric functions: only input that is simply wrong. Degenerate but well-formed input (empty,
/// all NaN, zero variance) gives NaN, as empyrical does.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MetricsError {
    /// Two series that must be aligned element by element have different lengths.
    #[error("returns and factor_returns must have the same length, got {returns} and {factor_returns}")]
    LengthMismatch {
        /// Length of `returns`.
        returns: usize,
        /// Length of `factor_returns`.
        factor_returns: usize,
    },
    /// A parameter is out of its domain (a cutoff outside (0, 1), a zero window, a non-positive annualization).
    #[error("{name} is out of range: {reason}")]
    InvalidParameter {
        /// The parameter name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// An unknown period name (expected daily, weekly, monthly, quarterly or yearly).
    #[error("period must be one of daily, weekly, monthly, quarterly, yearly; got {0:?}")]
    UnknownPeriod(String),
}

/// Errors from building return series and benchmark comparisons.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ReturnsError {
    /// A trade in the input is invalid.
    #[error("trade {trade_id}: {source}")]
    InvalidTrade {
        /// The id of the trade.
        trade_id: String,
        /// What is wrong with it.
        #[source]
        source: TradeError,
    },
    /// A symbol that is held or traded has no price at all.
    #[error("no prices for symbol {symbol}")]
    NoPrices {
        /// The symbol.
        symbol: String,
    },
    /// A price in the price table is zero or negative.
    #[error("price of {symbol} on {date} must be greater than zero, got {price}")]
    NonPositivePrice {
        /// The symbol.
        symbol: String,
        /// The date of the price.
        date: chrono::NaiveDate,
        /// The rejected price.
        price: Decimal,
    },
    /// A benchmark blend is malformed (no components, a non-positive weight, weights that do not sum to 1).
    #[error("invalid benchmark: {reason}")]
    InvalidBenchmark {
        /// What is wrong with it.
        reason: String,
    },
    /// The user's and the benchmark's series have no date in common.
    #[error("the portfolio and the benchmark have no dates in common")]
    NoCommonDates,
    /// An amount of the computation (a benchmark position, a sum of values) is beyond `Decimal`'s exact range
    /// (about ±7.9 × 10²⁸): the input's amounts are too far apart (fees at their bound on a fill worth 10⁻²⁰,
    /// a price of 10⁹ against one of 10⁻²⁸) to be compared exactly.
    #[error("{quantity} is beyond the range of exact decimal arithmetic (about ±7.9e28)")]
    Overflow {
        /// What could not be computed.
        quantity: &'static str,
    },
    /// A split's ratio is zero or negative.
    #[error("ratio: the split of {symbol} must have a ratio greater than zero, got {ratio}")]
    InvalidSplit {
        /// The symbol.
        symbol: String,
        /// The ratio given.
        ratio: Decimal,
    },
    /// A split known to the price table and to the account's activities with different ratios.
    #[error("ratio: the split of {symbol} on {ex_date} is {activity} in the activities but {prices} in the prices")]
    ConflictingSplit {
        /// The symbol.
        symbol: String,
        /// The ex-date.
        ex_date: chrono::NaiveDate,
        /// The activity's ratio.
        activity: Decimal,
        /// The price table's ratio.
        prices: Decimal,
    },
    /// A dividend per share is zero or negative.
    #[error("per_share: the dividend of {symbol} must be greater than zero, got {per_share}")]
    InvalidDividend {
        /// The symbol.
        symbol: String,
        /// The amount given.
        per_share: Decimal,
    },
    /// Cash flows or a period a money-weighted return cannot be computed from.
    #[error("flows: {reason}")]
    InvalidFlows {
        /// What is wrong with them.
        reason: String,
    },
    /// No internal rate of return exists for the cash flows.
    #[error("flows: {reason}")]
    NoRate {
        /// Why.
        reason: &'static str,
    },
    /// A metric could not be computed from the series.
    #[error(transparent)]
    Metrics(#[from] MetricsError),
}

/// Errors from the compliance engine.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ComplianceError {
    /// A trade in the input is invalid.
    #[error("trade {trade_id}: {source}")]
    InvalidTrade {
        /// The id of the trade.
        trade_id: String,
        /// What is wrong with it.
        #[source]
        source: TradeError,
    },
    /// A trade pushed to a streaming engine is older than one already pushed.
    #[error("executed_at: trade {trade_id} at {executed_at} is earlier than trade {last_trade_id} at {last_executed_at}, already pushed; push trades in execution order or use check_history, which sorts them")]
    OutOfOrder {
        /// The id of the late trade.
        trade_id: String,
        /// Its execution time.
        executed_at: chrono::DateTime<chrono::Utc>,
        /// The id of the latest trade pushed so far.
        last_trade_id: String,
        /// Its execution time.
        last_executed_at: chrono::DateTime<chrono::Utc>,
    },
    /// A configuration value no rule can use.
    #[error("{field}: {reason}")]
    InvalidConfig {
        /// The configuration field, as a dotted path (`limits.max_notional.max`).
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// An activity dated before a trade already pushed to a streaming engine.
    #[error("activity {activity_id} of {date} comes after trade {last_trade_id} of {last_date}: push activities in date order with the trades")]
    ActivityOutOfOrder {
        /// The activity.
        activity_id: String,
        /// Its date.
        date: chrono::NaiveDate,
        /// The latest trade pushed.
        last_trade_id: String,
        /// Its trade date.
        last_date: chrono::NaiveDate,
    },
    /// A rule name in a configuration is not a built-in rule.
    #[error("checks: unknown check {name:?}; the built-in checks are {known}")]
    UnknownCheck {
        /// The unknown name.
        name: String,
        /// The known names, comma separated.
        known: String,
    },
}

impl ComplianceError {
    /// The field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            ComplianceError::InvalidTrade { source, .. } => source.field(),
            ComplianceError::OutOfOrder { .. } => "executed_at",
            ComplianceError::ActivityOutOfOrder { .. } => "date",
            ComplianceError::UnknownCheck { .. } => "checks",
            ComplianceError::InvalidConfig { field, .. } => field,
        }
    }
}

/// Errors from lot matching.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LotError {
    /// A trade in the input is invalid.
    #[error("trade {trade_id}: {source}")]
    InvalidTrade {
        /// The id of the trade.
        trade_id: String,
        /// What is wrong with it.
        #[source]
        source: TradeError,
    },
    /// An unknown lot method name.
    #[error("method must be one of fifo, lifo, highest_cost, average_cost; got {0:?}")]
    UnknownMethod(String),
    /// Unrealized P&L was asked for a symbol with open lots but no price.
    #[error("no price for {symbol}, which has open lots")]
    MissingPrice {
        /// The symbol.
        symbol: String,
    },
    /// A split's ratio is zero or negative.
    #[error("ratio: the split of {symbol} must have a ratio greater than zero, got {ratio}")]
    InvalidSplit {
        /// The symbol.
        symbol: String,
        /// The ratio given.
        ratio: Decimal,
    },
    /// Shares moved out that the account does not hold, or in against a short position.
    #[error("qty: activity {activity_id} moves {qty} {symbol}, but {reason}")]
    InvalidTransfer {
        /// The activity.
        activity_id: String,
        /// The symbol.
        symbol: String,
        /// The shares.
        qty: Decimal,
        /// Why it cannot be applied.
        reason: &'static str,
    },
}

/// Why an [`AccountTracker`](crate::tracker::AccountTracker) refused an activity.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TrackerError {
    /// The compliance engine refused it (out of order).
    #[error(transparent)]
    Compliance(#[from] ComplianceError),
    /// The lots refused it (shares moved out that are not held).
    #[error(transparent)]
    Lots(#[from] LotError),
}

/// Errors from the polars batch API.
#[cfg(feature = "polars")]
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FrameError {
    /// A required column is absent.
    #[error("missing column {column:?}")]
    MissingColumn {
        /// The column.
        column: String,
    },
    /// A column has a type that cannot hold the field.
    #[error("column {column:?} has type {dtype}, which cannot be read here")]
    WrongType {
        /// The column.
        column: String,
        /// Its polars type.
        dtype: String,
    },
    /// A required value is null.
    #[error("column {column:?} is null at row {row}")]
    Null {
        /// The column.
        column: String,
        /// The 0-based row.
        row: usize,
    },
    /// A value is invalid for its trade field.
    #[error("row {row}: {source}")]
    InvalidValue {
        /// The 0-based row.
        row: usize,
        /// What is wrong.
        #[source]
        source: TradeError,
    },
    /// A date is not `YYYY-MM-DD`.
    #[error("row {row}: date must be YYYY-MM-DD, got {value:?}")]
    InvalidDate {
        /// The 0-based row.
        row: usize,
        /// The rejected value.
        value: String,
    },
    /// Lot matching failed.
    #[error(transparent)]
    Lots(LotError),
    /// Building returns failed.
    #[error(transparent)]
    Returns(ReturnsError),
    /// polars itself failed.
    #[error("polars: {0}")]
    Polars(String),
}

impl From<InvalidTrade> for LotError {
    fn from(InvalidTrade { trade_id, source }: InvalidTrade) -> Self {
        LotError::InvalidTrade { trade_id, source }
    }
}

impl From<InvalidTrade> for ReturnsError {
    fn from(InvalidTrade { trade_id, source }: InvalidTrade) -> Self {
        ReturnsError::InvalidTrade { trade_id, source }
    }
}

impl From<InvalidTrade> for ComplianceError {
    fn from(InvalidTrade { trade_id, source }: InvalidTrade) -> Self {
        ComplianceError::InvalidTrade { trade_id, source }
    }
}
