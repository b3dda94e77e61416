//! JavaScript errors with a stable `code`: every error thrown by the addon is an `Error` whose `code` is one of
//! the `KAIRO_*` strings below and whose message names the field at fault.

use kairo_core::error::{ComplianceError, LotError, MetricsError, ReturnsError, TradeError};

/// The stable error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A trade failed validation (`KAIRO_INVALID_TRADE`).
    InvalidTrade,
    /// A context or rule configuration is invalid (`KAIRO_INVALID_CONFIG`).
    InvalidConfig,
    /// An argument is out of range or unknown (`KAIRO_INVALID_ARGUMENT`).
    InvalidArgument,
    /// Input data has the wrong shape, type or length (`KAIRO_INVALID_INPUT`).
    InvalidInput,
    /// Prices needed for a valuation are missing or invalid (`KAIRO_MARKET_DATA`).
    MarketData,
    /// A trade was pushed before an earlier one (`KAIRO_OUT_OF_ORDER`).
    OutOfOrder,
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        match self {
            Code::InvalidTrade => "KAIRO_INVALID_TRADE",
            Code::InvalidConfig => "KAIRO_INVALID_CONFIG",
            Code::InvalidArgument => "KAIRO_INVALID_ARGUMENT",
            Code::InvalidInput => "KAIRO_INVALID_INPUT",
            Code::MarketData => "KAIRO_MARKET_DATA",
            Code::OutOfOrder => "KAIRO_OUT_OF_ORDER",
        }
    }
}

/// An error of the addon.
pub type Error = napi::Error<Code>;
/// A result of the addon.
pub type Result<T> = std::result::Result<T, Error>;

/// An error with `code` and `message`.
pub fn error(code: Code, message: impl ToString) -> Error {
    napi::Error::new(code, message)
}

/// Conversion of kairo-core's errors.
pub trait IntoJsError {
    /// The JavaScript error.
    fn into_js(self) -> Error;
}

impl IntoJsError for TradeError {
    fn into_js(self) -> Error {
        error(Code::InvalidTrade, format!("{}: {}", self.field(), self))
    }
}

impl IntoJsError for MetricsError {
    fn into_js(self) -> Error {
        let code = match self {
            MetricsError::LengthMismatch { .. } => Code::InvalidInput,
            _ => Code::InvalidArgument,
        };
        error(code, self)
    }
}

impl IntoJsError for ReturnsError {
    fn into_js(self) -> Error {
        let code = match &self {
            ReturnsError::InvalidTrade { .. } => Code::InvalidTrade,
            ReturnsError::NoPrices { .. } | ReturnsError::NoCommonDates | ReturnsError::NonPositivePrice { .. } => {
                Code::MarketData
            }
            ReturnsError::InvalidBenchmark { .. } | ReturnsError::Overflow { .. } => Code::InvalidArgument,
            ReturnsError::Metrics(e) => return e.clone().into_js(),
        };
        error(code, self)
    }
}

impl IntoJsError for LotError {
    fn into_js(self) -> Error {
        let code = match &self {
            LotError::InvalidTrade { .. } => Code::InvalidTrade,
            LotError::UnknownMethod(_) => Code::InvalidArgument,
            LotError::MissingPrice { .. } => Code::MarketData,
        };
        error(code, self)
    }
}

impl IntoJsError for ComplianceError {
    fn into_js(self) -> Error {
        let code = match &self {
            ComplianceError::InvalidTrade { .. } => Code::InvalidTrade,
            ComplianceError::OutOfOrder { .. } => Code::OutOfOrder,
            ComplianceError::InvalidConfig { .. } | ComplianceError::UnknownCheck { .. } => Code::InvalidConfig,
        };
        error(code, self)
    }
}

/// `result.map_err(IntoJsError::into_js)` as a method.
pub trait OrThrow<T> {
    /// The value, or the JavaScript error.
    fn or_throw(self) -> Result<T>;
}

impl<T, E: IntoJsError> OrThrow<T> for std::result::Result<T, E> {
    fn or_throw(self) -> Result<T> {
        self.map_err(IntoJsError::into_js)
    }
}

/// The error as a rejection value of a Promise, keeping its `code` (a task's `resolve` can only return napi's
/// own error type, which carries the JavaScript error object built here).
pub fn rethrow(env: &napi::Env, e: Error) -> napi::Error {
    use napi::bindgen_prelude::JsObjectValue;
    use napi::JsValue;
    let code = e.status;
    let message = e.reason.clone();
    match env.create_error(napi::Error::new(napi::Status::GenericFailure, message.clone())) {
        Ok(mut obj) => {
            if obj.set_named_property("code", code.as_ref()).is_err() {
                return napi::Error::new(napi::Status::GenericFailure, message);
            }
            napi::Error::from(obj.to_unknown())
        }
        Err(other) => other,
    }
}
