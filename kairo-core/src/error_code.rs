//! One taxonomy for every kairo-core error: its [`ErrorCode`], the field at fault, what is wrong with it (`kind`)
//! and the trade it is about. Each surface maps this once: Python to an exception class per code, Node to an
//! `Error` with `code`, `field`, `kind` and `tradeId` properties, the server to an HTTP status and a JSON body
//! with `details.field`.

use crate::error::{
    ActivityError, ComplianceError, InvalidActivity, InvalidTrade, LotError, MetricsError, ReturnsError, TradeError,
};

/// The class of an error, the same on every surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A trade fails validation.
    InvalidTrade,
    /// An account context or a rule configuration is invalid.
    InvalidConfig,
    /// An argument is out of range or unknown (a period, a cutoff, a lot method, a benchmark blend).
    InvalidArgument,
    /// Input data has the wrong shape or length.
    InvalidInput,
    /// Prices needed for a valuation are missing or invalid.
    MarketData,
    /// A trade is older than one already pushed to a streaming engine.
    OutOfOrder,
}

impl ErrorCode {
    /// The code as a lower-case word: `invalid_trade`, `invalid_config`, `invalid_argument`, `invalid_input`,
    /// `market_data`, `out_of_order`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidTrade => "invalid_trade",
            ErrorCode::InvalidConfig => "invalid_config",
            ErrorCode::InvalidArgument => "invalid_argument",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::MarketData => "market_data",
            ErrorCode::OutOfOrder => "out_of_order",
        }
    }
}

/// What every kairo-core error reports besides its message.
///
/// ```
/// use kairo_core::{ErrorCode, ErrorInfo};
/// use kairo_core::compliance::RuleSet;
/// let e = RuleSet::for_checks(Some(&["wash_sales"])).err().unwrap();
/// assert_eq!((e.code(), ErrorInfo::field(&e), e.kind()), (ErrorCode::InvalidConfig, Some("checks"), "unknown_check"));
/// ```
pub trait ErrorInfo: std::error::Error {
    /// The class of the error.
    fn code(&self) -> ErrorCode;
    /// The input field at fault (`qty`, `checks`, `cutoff`, ...), when the error is about one.
    fn field(&self) -> Option<&str>;
    /// What is wrong, as a stable word (`not_positive`, `unknown_check`, `length_mismatch`, ...).
    fn kind(&self) -> &'static str;
    /// The id of the trade the error is about, when there is one.
    fn trade_id(&self) -> Option<&str> {
        None
    }
    /// The 0-based position of the record at fault in a table's rows, when the input was a table.
    fn row(&self) -> Option<usize> {
        None
    }
}

impl ErrorInfo for TradeError {
    fn code(&self) -> ErrorCode {
        ErrorCode::InvalidTrade
    }
    fn field(&self) -> Option<&str> {
        Some(TradeError::field(self))
    }
    fn kind(&self) -> &'static str {
        TradeError::kind(self)
    }
}

impl ErrorInfo for ActivityError {
    fn code(&self) -> ErrorCode {
        ErrorCode::InvalidInput
    }
    fn field(&self) -> Option<&str> {
        Some(ActivityError::field(self))
    }
    fn kind(&self) -> &'static str {
        ActivityError::kind(self)
    }
}

impl ErrorInfo for InvalidActivity {
    fn code(&self) -> ErrorCode {
        ErrorCode::InvalidInput
    }
    fn field(&self) -> Option<&str> {
        Some(self.source.field())
    }
    fn kind(&self) -> &'static str {
        self.source.kind()
    }
    fn row(&self) -> Option<usize> {
        Some(self.row)
    }
}

impl ErrorInfo for InvalidTrade {
    fn code(&self) -> ErrorCode {
        ErrorCode::InvalidTrade
    }
    fn field(&self) -> Option<&str> {
        Some(self.source.field())
    }
    fn kind(&self) -> &'static str {
        self.source.kind()
    }
    fn trade_id(&self) -> Option<&str> {
        Some(&self.trade_id)
    }
}

impl ErrorInfo for MetricsError {
    fn code(&self) -> ErrorCode {
        match self {
            MetricsError::LengthMismatch { .. } => ErrorCode::InvalidInput,
            MetricsError::InvalidParameter { .. } | MetricsError::UnknownPeriod(_) => ErrorCode::InvalidArgument,
        }
    }
    fn field(&self) -> Option<&str> {
        Some(match self {
            MetricsError::LengthMismatch { .. } => "factor_returns",
            MetricsError::InvalidParameter { name, .. } => name,
            MetricsError::UnknownPeriod(_) => "period",
        })
    }
    fn kind(&self) -> &'static str {
        match self {
            MetricsError::LengthMismatch { .. } => "length_mismatch",
            MetricsError::InvalidParameter { .. } => "out_of_range",
            MetricsError::UnknownPeriod(_) => "unknown_period",
        }
    }
}

impl ErrorInfo for ReturnsError {
    fn code(&self) -> ErrorCode {
        match self {
            ReturnsError::InvalidTrade { .. } => ErrorCode::InvalidTrade,
            ReturnsError::NoPrices { .. } | ReturnsError::NoCommonDates | ReturnsError::NonPositivePrice { .. } => {
                ErrorCode::MarketData
            }
            ReturnsError::InvalidBenchmark { .. }
            | ReturnsError::Overflow { .. }
            | ReturnsError::InvalidFlows { .. }
            | ReturnsError::InvalidSplit { .. }
            | ReturnsError::InvalidDividend { .. }
            | ReturnsError::NoRate { .. } => ErrorCode::InvalidArgument,
            ReturnsError::ConflictingSplit { .. } => ErrorCode::InvalidInput,
            ReturnsError::Metrics(e) => e.code(),
        }
    }
    fn field(&self) -> Option<&str> {
        match self {
            ReturnsError::InvalidTrade { source, .. } => Some(source.field()),
            ReturnsError::NoPrices { .. } | ReturnsError::NoCommonDates => Some("prices"),
            ReturnsError::NonPositivePrice { .. } => Some("close"),
            ReturnsError::InvalidBenchmark { .. } => Some("benchmark"),
            ReturnsError::Overflow { .. } => Some("trades"),
            ReturnsError::InvalidFlows { .. } | ReturnsError::NoRate { .. } => Some("flows"),
            ReturnsError::InvalidSplit { .. } => Some("ratio"),
            ReturnsError::InvalidDividend { .. } => Some("per_share"),
            ReturnsError::ConflictingSplit { .. } => Some("ratio"),
            ReturnsError::Metrics(e) => ErrorInfo::field(e),
        }
    }
    fn kind(&self) -> &'static str {
        match self {
            ReturnsError::InvalidTrade { source, .. } => source.kind(),
            ReturnsError::NoPrices { .. } => "no_prices",
            ReturnsError::NonPositivePrice { .. } => "not_positive",
            ReturnsError::InvalidBenchmark { .. } => "invalid_benchmark",
            ReturnsError::NoCommonDates => "no_common_dates",
            ReturnsError::Overflow { .. } => "overflow",
            ReturnsError::InvalidFlows { .. } => "invalid_flows",
            ReturnsError::InvalidSplit { .. } | ReturnsError::InvalidDividend { .. } => "not_positive",
            ReturnsError::ConflictingSplit { .. } => "conflicting_split",
            ReturnsError::NoRate { .. } => "no_rate",
            ReturnsError::Metrics(e) => e.kind(),
        }
    }
    fn trade_id(&self) -> Option<&str> {
        match self {
            ReturnsError::InvalidTrade { trade_id, .. } => Some(trade_id),
            _ => None,
        }
    }
}

impl ErrorInfo for LotError {
    fn code(&self) -> ErrorCode {
        match self {
            LotError::InvalidTrade { .. } => ErrorCode::InvalidTrade,
            LotError::UnknownMethod(_) | LotError::InvalidSplit { .. } => ErrorCode::InvalidArgument,
            LotError::MissingPrice { .. } => ErrorCode::MarketData,
            LotError::InvalidTransfer { .. } => ErrorCode::InvalidInput,
        }
    }
    fn field(&self) -> Option<&str> {
        Some(match self {
            LotError::InvalidTrade { source, .. } => source.field(),
            LotError::UnknownMethod(_) => "method",
            LotError::MissingPrice { .. } => "prices",
            LotError::InvalidSplit { .. } => "ratio",
            LotError::InvalidTransfer { .. } => "qty",
        })
    }
    fn kind(&self) -> &'static str {
        match self {
            LotError::InvalidTrade { source, .. } => source.kind(),
            LotError::UnknownMethod(_) => "unknown_method",
            LotError::MissingPrice { .. } => "no_prices",
            LotError::InvalidSplit { .. } => "not_positive",
            LotError::InvalidTransfer { .. } => "invalid_transfer",
        }
    }
    fn trade_id(&self) -> Option<&str> {
        match self {
            LotError::InvalidTrade { trade_id, .. } => Some(trade_id),
            _ => None,
        }
    }
}

impl ErrorInfo for crate::error::TrackerError {
    fn code(&self) -> ErrorCode {
        match self {
            crate::error::TrackerError::Compliance(e) => e.code(),
            crate::error::TrackerError::Lots(e) => e.code(),
        }
    }
    fn field(&self) -> Option<&str> {
        match self {
            crate::error::TrackerError::Compliance(e) => ErrorInfo::field(e),
            crate::error::TrackerError::Lots(e) => ErrorInfo::field(e),
        }
    }
    fn kind(&self) -> &'static str {
        match self {
            crate::error::TrackerError::Compliance(e) => e.kind(),
            crate::error::TrackerError::Lots(e) => e.kind(),
        }
    }
}

impl ErrorInfo for ComplianceError {
    fn code(&self) -> ErrorCode {
        match self {
            ComplianceError::InvalidTrade { .. } => ErrorCode::InvalidTrade,
            ComplianceError::OutOfOrder { .. } | ComplianceError::ActivityOutOfOrder { .. } => ErrorCode::OutOfOrder,
            ComplianceError::InvalidConfig { .. } | ComplianceError::UnknownCheck { .. } => ErrorCode::InvalidConfig,
        }
    }
    fn field(&self) -> Option<&str> {
        Some(ComplianceError::field(self))
    }
    fn kind(&self) -> &'static str {
        match self {
            ComplianceError::InvalidTrade { source, .. } => source.kind(),
            ComplianceError::OutOfOrder { .. } | ComplianceError::ActivityOutOfOrder { .. } => "out_of_order",
            ComplianceError::InvalidConfig { .. } => "invalid_value",
            ComplianceError::UnknownCheck { .. } => "unknown_check",
        }
    }
    fn trade_id(&self) -> Option<&str> {
        match self {
            ComplianceError::InvalidTrade { trade_id, .. } | ComplianceError::OutOfOrder { trade_id, .. } => {
                Some(trade_id)
            }
            _ => None,
        }
    }
}

#[cfg(feature = "polars")]
impl ErrorInfo for crate::error::FrameError {
    fn code(&self) -> ErrorCode {
        use crate::error::FrameError as F;
        match self {
            F::InvalidValue { .. } => ErrorCode::InvalidTrade,
            F::Lots(e) => e.code(),
            F::Returns(e) => e.code(),
            F::MissingColumn { .. } | F::WrongType { .. } | F::Null { .. } | F::InvalidDate { .. } | F::Polars(_) => {
                ErrorCode::InvalidInput
            }
        }
    }
    fn field(&self) -> Option<&str> {
        use crate::error::FrameError as F;
        match self {
            F::MissingColumn { column } | F::WrongType { column, .. } | F::Null { column, .. } => Some(column),
            F::InvalidValue { source, .. } => Some(source.field()),
            F::InvalidDate { .. } => Some("date"),
            F::Lots(e) => ErrorInfo::field(e),
            F::Returns(e) => ErrorInfo::field(e),
            F::Polars(_) => Some("frame"),
        }
    }
    fn kind(&self) -> &'static str {
        use crate::error::FrameError as F;
        match self {
            // A column or a cell that is absent is a missing field of every row, or of one.
            F::MissingColumn { .. } | F::Null { .. } => "missing",
            // A column of a type that cannot hold its field: the fault the field's reader names.
            F::WrongType { column, .. } => match column.as_str() {
                "qty" | "price" | "fees" | "close" => "not_a_number",
                "executed_at" => "invalid_timestamp",
                "date" => "invalid_date",
                "side" => "invalid_side",
                "symbol" => "invalid_symbol",
                _ => "invalid_text",
            },
            F::InvalidValue { source, .. } => source.kind(),
            F::InvalidDate { .. } => "invalid_date",
            F::Lots(e) => e.kind(),
            F::Returns(e) => e.kind(),
            F::Polars(_) => "polars",
        }
    }
    fn trade_id(&self) -> Option<&str> {
        use crate::error::FrameError as F;
        match self {
            F::Lots(e) => e.trade_id(),
            F::Returns(e) => e.trade_id(),
            _ => None,
        }
    }
    fn row(&self) -> Option<usize> {
        use crate::error::FrameError as F;
        match self {
            F::Null { row, .. } | F::InvalidValue { row, .. } | F::InvalidDate { row, .. } => Some(*row),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn every_error_reports_its_code_field_kind_and_trade() {
        let bad = TradeError::QtyNotPositive { qty: dec!(0) };
        let lots = LotError::InvalidTrade { trade_id: "t9".into(), source: bad.clone() };
        assert_eq!(
            (lots.code(), ErrorInfo::field(&lots), lots.kind()),
            (ErrorCode::InvalidTrade, Some("qty"), "not_positive")
        );
        assert_eq!(lots.trade_id(), Some("t9"));
        let m = MetricsError::LengthMismatch { returns: 3, factor_returns: 2 };
        assert_eq!(
            (m.code().as_str(), ErrorInfo::field(&m), m.kind()),
            ("invalid_input", Some("factor_returns"), "length_mismatch")
        );
        let r = ReturnsError::Metrics(MetricsError::UnknownPeriod("hourly".into()));
        assert_eq!(
            (r.code(), ErrorInfo::field(&r), r.kind()),
            (ErrorCode::InvalidArgument, Some("period"), "unknown_period")
        );
        assert_eq!(ReturnsError::NoCommonDates.code(), ErrorCode::MarketData);
        assert_eq!(ErrorInfo::field(&ReturnsError::Overflow { quantity: "a sum" }), Some("trades"));
        let c = ComplianceError::InvalidConfig { field: "equity", reason: "must be at least 0".into() };
        assert_eq!(
            (c.code(), ErrorInfo::field(&c), c.kind(), c.trade_id()),
            (ErrorCode::InvalidConfig, Some("equity"), "invalid_value", None)
        );
    }
}
