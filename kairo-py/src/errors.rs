//! kairo's Python exceptions and the mapping from kairo-core's error enums.
//!
//! Every exception derives from `kairo.KairoError`, itself a `ValueError`, and carries a `field` attribute naming
//! the input at fault (or `None`); trade errors also carry `kind` (kairo-core's `TradeError::kind`, the same word on
//! every surface), `trade_id` and, for list input, `index`.

use kairo_core::{ErrorCode, ErrorInfo};
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

create_exception!(kairo, KairoError, PyValueError, "Base class of every kairo error; also a ValueError.");
create_exception!(kairo, InvalidTradeError, KairoError, "A trade failed validation; `.field` names the field.");
create_exception!(kairo, ConfigError, KairoError, "An AccountContext or rule configuration is invalid.");
create_exception!(kairo, ParameterError, KairoError, "A function argument is out of range or unknown.");
create_exception!(kairo, InputError, KairoError, "Input data has the wrong shape, type or length.");
create_exception!(kairo, MarketDataError, KairoError, "Prices needed for a valuation are missing or invalid.");
create_exception!(kairo, OutOfOrderError, KairoError, "A trade was pushed to an Engine before an earlier one.");

/// Registers the exception classes on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("KairoError", py.get_type::<KairoError>())?;
    m.add("InvalidTradeError", py.get_type::<InvalidTradeError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("ParameterError", py.get_type::<ParameterError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("MarketDataError", py.get_type::<MarketDataError>())?;
    m.add("OutOfOrderError", py.get_type::<OutOfOrderError>())?;
    Ok(())
}

/// An exception value with its `field`, `kind` and `trade_id` (`None` unless given in `extra`) set.
fn with_attrs(err: PyErr, field: Option<&str>, extra: &[(&str, Option<String>)]) -> PyErr {
    Python::attach(|py| {
        let value = err.value(py);
        // Setting attributes on a fresh exception instance cannot fail short of memory exhaustion; if it does,
        // the exception still carries its message.
        let _ = value.setattr("field", field);
        let _ = value.setattr("kind", None::<&str>);
        let _ = value.setattr("trade_id", None::<&str>);
        for (name, v) in extra {
            let _ = value.setattr(*name, v.as_deref());
        }
    });
    err
}

/// An `InvalidTradeError` for `field` with `message`, naming the trade and its position in the input.
pub fn invalid_trade(message: String, field: &str, trade_id: Option<&str>, index: Option<usize>) -> PyErr {
    let err = InvalidTradeError::new_err(message);
    Python::attach(|py| {
        let _ = err.value(py).setattr("index", index);
    });
    with_attrs(err, Some(field), &[("trade_id", trade_id.map(str::to_owned))])
}

/// A `ParameterError` naming `field`.
pub fn parameter(field: &str, message: String) -> PyErr {
    with_attrs(ParameterError::new_err(message), Some(field), &[])
}

/// An `InputError` naming `field`.
pub fn input(field: &str, message: String) -> PyErr {
    with_attrs(InputError::new_err(message), Some(field), &[])
}

/// A `ConfigError` naming `field`.
pub fn config(field: &str, message: String) -> PyErr {
    with_attrs(ConfigError::new_err(message), Some(field), &[])
}

/// Conversion of a kairo-core error into the matching Python exception: the one mapping of kairo-core's error
/// taxonomy ([`ErrorInfo`]) to Python, the class from the code, the attributes from the rest.
pub trait IntoPyErr {
    /// The Python exception.
    fn into_py_err(self) -> PyErr;
}

impl<E: ErrorInfo> IntoPyErr for E {
    fn into_py_err(self) -> PyErr {
        let message = self.to_string();
        let err = match self.code() {
            ErrorCode::InvalidTrade => InvalidTradeError::new_err(message),
            ErrorCode::InvalidConfig => ConfigError::new_err(message),
            ErrorCode::InvalidArgument => ParameterError::new_err(message),
            ErrorCode::InvalidInput => InputError::new_err(message),
            ErrorCode::MarketData => MarketDataError::new_err(message),
            ErrorCode::OutOfOrder => OutOfOrderError::new_err(message),
        };
        if self.code() == ErrorCode::InvalidTrade {
            Python::attach(|py| {
                let _ = err.value(py).setattr("index", self.row());
            });
        }
        let extra = [("kind", Some(self.kind().to_owned())), ("trade_id", self.trade_id().map(str::to_owned))];
        with_attrs(err, self.field(), &extra)
    }
}

/// `result.map_err(IntoPyErr::into_py_err)` as a method.
pub trait OrRaise<T> {
    /// The value, or the error as a Python exception.
    fn or_raise(self) -> PyResult<T>;
}

impl<T, E: IntoPyErr> OrRaise<T> for Result<T, E> {
    fn or_raise(self) -> PyResult<T> {
        self.map_err(IntoPyErr::into_py_err)
    }
}
