//! JavaScript errors: every error thrown by the addon is an `Error` whose `code` is one of the `KAIRO_*` strings
//! below, with `field` (the input at fault, in its JavaScript spelling), `kind` (what is wrong with it, the word
//! every surface uses) and, when the error is about one trade, `tradeId`. kairo-core's errors reach JavaScript
//! through one mapping, [`IntoJsError`] over kairo-core's [`ErrorInfo`].

use std::cell::Cell;

use kairo_core::{ErrorCode, ErrorInfo};
use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{Env, JsValue, Status};
use napi_derive::napi;

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

impl From<ErrorCode> for Code {
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::InvalidTrade => Code::InvalidTrade,
            ErrorCode::InvalidConfig => Code::InvalidConfig,
            ErrorCode::InvalidArgument => Code::InvalidArgument,
            ErrorCode::InvalidInput => Code::InvalidInput,
            ErrorCode::MarketData => Code::MarketData,
            ErrorCode::OutOfOrder => Code::OutOfOrder,
        }
    }
}

/// An error of the addon (a JavaScript `Error` object, built on the thread that throws it).
pub type Error = napi::Error;
/// A result of the addon.
pub type Result<T> = napi::Result<T>;

thread_local! {
    /// The environment of the JavaScript thread that loaded the addon on this thread (the main thread, or a
    /// `Worker`): errors are built as JavaScript objects where they are met, with their properties.
    static ENV: Cell<napi::sys::napi_env> = const { Cell::new(std::ptr::null_mut()) };
}

/// Remembers the loading thread's environment.
#[napi(module_exports)]
pub fn remember_env(env: Env, _exports: Object) {
    ENV.with(|cell| cell.set(env.raw()));
}

/// What a JavaScript error carries besides its message.
#[derive(Debug, Clone, Copy, Default)]
pub struct Details<'a> {
    /// The input at fault.
    pub field: Option<&'a str>,
    /// What is wrong with it.
    pub kind: Option<&'a str>,
    /// The trade the error is about.
    pub trade_id: Option<&'a str>,
}

/// An `Error` with `code`, `message` and `details` as properties. Off a JavaScript thread (never, in this addon:
/// tasks keep kairo-core's errors and convert them when they settle) it has the message alone.
pub fn js_error(code: Code, message: impl ToString, details: Details<'_>) -> Error {
    let message = message.to_string();
    let raw = ENV.with(Cell::get);
    if raw.is_null() {
        return napi::Error::new(Status::GenericFailure, message);
    }
    let env = Env::from_raw(raw);
    let built = env.create_error(napi::Error::new(Status::GenericFailure, message.clone())).and_then(|mut obj| {
        obj.set_named_property("code", code.as_ref())?;
        let Details { field, kind, trade_id } = details;
        for (name, value) in [("field", field), ("kind", kind), ("tradeId", trade_id)] {
            if let Some(v) = value {
                obj.set_named_property(name, v)?;
            }
        }
        Ok(napi::Error::from(obj.to_unknown()))
    });
    built.unwrap_or_else(|e| e)
}

/// An error of the binding's own checks (a JavaScript type, a list's shape) naming `field`.
pub fn error(code: Code, field: &str, message: impl ToString) -> Error {
    js_error(code, message, Details { field: Some(field), kind: None, trade_id: None })
}

/// The JavaScript name of a field named in kairo-core's JSON model.
pub fn js_field(field: &str) -> &str {
    match field {
        "user_id" => "userId",
        "executed_at" => "executedAt",
        "external_id" => "externalId",
        "factor_returns" => "factorReturns",
        "trade_id" => "tradeId",
        "cash_in_lieu" => "cashInLieu",
        "new_symbol" => "newSymbol",
        "cost_basis" => "costBasis",
        "per_share" => "perShare",
        other => other,
    }
}

/// Conversion of kairo-core's errors: the one mapping of its taxonomy to JavaScript.
pub trait IntoJsError {
    /// The JavaScript error.
    fn into_js(self) -> Error;
}

impl<E: ErrorInfo> IntoJsError for E {
    fn into_js(self) -> Error {
        let field = self.field().map(js_field);
        js_error(self.code().into(), &self, Details { field, kind: Some(self.kind()), trade_id: self.trade_id() })
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

/// The failure of a task running off the JavaScript thread: an error already built (met while the task was
/// prepared) or kairo-core's, built into a JavaScript error when the task settles on the JavaScript thread.
pub enum TaskError<E> {
    /// Built on the JavaScript thread.
    Js(Error),
    /// kairo-core's.
    Core(E),
}

impl<E: ErrorInfo> TaskError<E> {
    /// The JavaScript error (on the JavaScript thread).
    pub fn into_js(self) -> Error {
        match self {
            TaskError::Js(e) => e,
            TaskError::Core(e) => e.into_js(),
        }
    }
}
