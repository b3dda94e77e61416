//! What can go wrong in an optimization: input of the wrong shape or with non-finite values, an argument out of
//! range, a problem with no solution (a target return above every asset's, bounds that cannot sum to one).

use thiserror::Error;

use crate::error_code::{ErrorCode, ErrorInfo};

/// An optimization error: the input field at fault and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum OptimizeError {
    /// A matrix or vector has the wrong size, or too few rows for the estimate.
    #[error("{field}: {reason}")]
    Shape {
        /// The input at fault (`prices`, `expected_returns`, `bounds`, ...).
        field: &'static str,
        /// What is wrong with its shape.
        reason: String,
    },
    /// A value is NaN or infinite, or a price is not positive.
    #[error("{field}: {reason}")]
    BadValue {
        /// The input at fault.
        field: &'static str,
        /// Which value and what is wrong with it.
        reason: String,
    },
    /// An argument is outside its domain (a negative risk aversion, a span below 1, a lower bound above the upper).
    #[error("{field} is out of range: {reason}")]
    OutOfRange {
        /// The argument.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The problem has no solution under the constraints given (a target return no portfolio reaches, sector caps
    /// that leave less than the whole budget).
    #[error("{field}: no portfolio satisfies the constraints ({reason})")]
    Infeasible {
        /// The argument whose value made the problem infeasible.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// The trades a rebalance starts from are invalid (a trade fails validation).
    #[error(transparent)]
    Lots(#[from] crate::error::LotError),
    /// The solver stopped without a solution of the requested accuracy.
    #[error("the solver stopped without a solution: {status}")]
    NotSolved {
        /// The solver's final status.
        status: String,
    },
}

impl OptimizeError {
    pub(crate) fn shape(field: &'static str, reason: impl Into<String>) -> Self {
        OptimizeError::Shape { field, reason: reason.into() }
    }
    pub(crate) fn bad_value(field: &'static str, reason: impl Into<String>) -> Self {
        OptimizeError::BadValue { field, reason: reason.into() }
    }
    pub(crate) fn out_of_range(field: &'static str, reason: impl Into<String>) -> Self {
        OptimizeError::OutOfRange { field, reason: reason.into() }
    }
    pub(crate) fn infeasible(field: &'static str, reason: impl Into<String>) -> Self {
        OptimizeError::Infeasible { field, reason: reason.into() }
    }
}

impl ErrorInfo for OptimizeError {
    fn code(&self) -> ErrorCode {
        match self {
            OptimizeError::Shape { .. } | OptimizeError::BadValue { .. } => ErrorCode::InvalidInput,
            OptimizeError::OutOfRange { .. } | OptimizeError::Infeasible { .. } | OptimizeError::NotSolved { .. } => {
                ErrorCode::InvalidArgument
            }
            OptimizeError::Lots(e) => e.code(),
        }
    }
    fn field(&self) -> Option<&str> {
        match self {
            OptimizeError::Shape { field, .. }
            | OptimizeError::BadValue { field, .. }
            | OptimizeError::OutOfRange { field, .. }
            | OptimizeError::Infeasible { field, .. } => Some(field),
            OptimizeError::NotSolved { .. } => None,
            OptimizeError::Lots(e) => ErrorInfo::field(e),
        }
    }
    fn kind(&self) -> &'static str {
        match self {
            OptimizeError::Shape { .. } => "bad_shape",
            OptimizeError::BadValue { .. } => "bad_value",
            OptimizeError::OutOfRange { .. } => "out_of_range",
            OptimizeError::Infeasible { .. } => "infeasible",
            OptimizeError::NotSolved { .. } => "not_solved",
            OptimizeError::Lots(e) => e.kind(),
        }
    }
    fn trade_id(&self) -> Option<&str> {
        match self {
            OptimizeError::Lots(e) => e.trade_id(),
            _ => None,
        }
    }
}
