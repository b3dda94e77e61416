//! Python bindings of kairo-core (PyO3), published as the `kairo` wheel.
//!
//! This crate only converts Python values to kairo-core's types and back: every number and every rule decision
//! is kairo-core's. The Python package `kairo` (kairo-py/python/kairo) wraps this native module `kairo._kairo`,
//! accepting pandas and polars objects where it takes numpy arrays.

mod account;
mod arrays;
mod attribution;
mod compliance;
mod convert;
mod dict;
mod errors;
mod frame;
mod metrics;
mod money_weighted;
mod optimize;
mod portfolio;
mod price_returns;
mod report;
mod rolling;
mod scalars;
mod tear_sheet;
mod trade;

use pyo3::prelude::*;

/// The native module `kairo._kairo`.
#[pymodule]
fn _kairo(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    metrics::register(m)?;
    trade::register(m)?;
    portfolio::register(m)?;
    account::register(m)?;
    money_weighted::register(m)?;
    compliance::register(m)?;
    frame::register(m)?;
    rolling::register(m)?;
    tear_sheet::register(m)?;
    attribution::register(m)?;
    price_returns::register(m)?;
    optimize::register(m)?;
    m.add_function(wrap_pyfunction!(arrays::_borrowed, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
