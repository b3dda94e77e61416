//! kairo's Python exceptions and the mapping from kairo-core's error enums.
//!
//! Every exception derives from `kairo.KairoError`, itself a `ValueError`, and carries a `field` attribute naming
//! the input at fault (or `None`); trade errors also carry `kind` (kairo-core's `TradeError::kind`, the same word on
//! every surface), `trade_id` and, for list input, `index`.

use kairo_core::error::{ComplianceError, FrameError, LotError, MetricsError, ReturnsError, TradeError};
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

/// An exception value with its `field` (and optional extra attributes) set.
fn with_attrs(err: PyErr, field: Option<&str>, extra: &[(&str, Option<String>)]) -> PyErr {
    Python::attach(|py| {
        let value = err.value(py);
        // Setting attributes on a fresh exception instance cannot fail short of memory exhaustion; if it does,
        // the exception still carries its message.
        let _ = value.setattr("field", field);
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

/// Conversion of a kairo-core error into the matching Python exception.
pub trait IntoPyErr {
    /// The Python exception.
    fn into_py_err(self) -> PyErr;
}

impl IntoPyErr for TradeError {
    fn into_py_err(self) -> PyErr {
        let err = invalid_trade(self.to_string(), self.field(), None, None);
        Python::attach(|py| {
            let _ = err.value(py).setattr("kind", self.kind());
        });
        err
    }
}

impl IntoPyErr for MetricsError {
    fn into_py_err(self) -> PyErr {
        let message = self.to_string();
        match self {
            MetricsError::LengthMismatch { .. } => input("factor_returns", message),
            MetricsError::InvalidParameter { name, .. } => parameter(name, message),
            MetricsError::UnknownPeriod(_) => parameter("period", message),
        }
    }
}

impl IntoPyErr for ReturnsError {
    fn into_py_err(self) -> PyErr {
        let message = self.to_string();
        match self {
            ReturnsError::InvalidTrade { trade_id, source } => {
                invalid_trade(message, source.field(), Some(&trade_id), None)
            }
            ReturnsError::NoPrices { .. } | ReturnsError::NoCommonDates => {
                with_attrs(MarketDataError::new_err(message), Some("prices"), &[])
            }
            ReturnsError::NonPositivePrice { .. } => with_attrs(MarketDataError::new_err(message), Some("close"), &[]),
            ReturnsError::InvalidBenchmark { .. } => parameter("benchmark", message),
            ReturnsError::Overflow { .. } => parameter("trades", message),
            ReturnsError::Metrics(e) => e.into_py_err(),
        }
    }
}

impl IntoPyErr for LotError {
    fn into_py_err(self) -> PyErr {
        let message = self.to_string();
        match self {
            LotError::InvalidTrade { trade_id, source } => {
                invalid_trade(message, source.field(), Some(&trade_id), None)
            }
            LotError::UnknownMethod(_) => parameter("method", message),
            LotError::MissingPrice { .. } => with_attrs(MarketDataError::new_err(message), Some("prices"), &[]),
        }
    }
}

impl IntoPyErr for ComplianceError {
    fn into_py_err(self) -> PyErr {
        let message = self.to_string();
        let field = self.field();
        match self {
            ComplianceError::InvalidTrade { trade_id, source } => {
                invalid_trade(message, source.field(), Some(&trade_id), None)
            }
            ComplianceError::OutOfOrder { trade_id, .. } => {
                with_attrs(OutOfOrderError::new_err(message), Some(field), &[("trade_id", Some(trade_id))])
            }
            ComplianceError::InvalidConfig { .. } | ComplianceError::UnknownCheck { .. } => config(field, message),
        }
    }
}

impl IntoPyErr for FrameError {
    fn into_py_err(self) -> PyErr {
        let message = self.to_string();
        match self {
            FrameError::MissingColumn { column }
            | FrameError::WrongType { column, .. }
            | FrameError::Null { column, .. } => input(&column, message),
            FrameError::InvalidValue { source, row } => invalid_trade(message, source.field(), None, Some(row)),
            FrameError::InvalidDate { .. } => input("date", message),
            FrameError::Lots(e) => e.into_py_err(),
            FrameError::Returns(e) => e.into_py_err(),
            FrameError::Polars(_) => input("frame", message),
        }
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
