//! `kairo.frame`: kairo-core's per-user batch analytics over polars DataFrames. The frames cross between the
//! Python and Rust builds of polars as Arrow IPC bytes (one copy each way, no dependence on matching polars
//! versions).

use std::io::Cursor;

use kairo_core::frame as core_frame;
use kairo_core::metrics::MetricsOptions;
use polars::prelude::{DataFrame, IpcReader, IpcWriter, SerReader, SerWriter};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::{input, OrRaise};

fn read(name: &str, bytes: &[u8]) -> PyResult<DataFrame> {
    IpcReader::new(Cursor::new(bytes)).finish().map_err(|e| input(name, format!("{name}: not a readable frame: {e}")))
}

fn write<'py>(py: Python<'py>, mut df: DataFrame) -> PyResult<Bound<'py, PyBytes>> {
    let mut buf = Vec::new();
    IpcWriter::new(&mut buf).finish(&mut df).map_err(|e| input("frame", format!("writing the result: {e}")))?;
    Ok(PyBytes::new(py, &buf))
}

#[pyfunction]
#[pyo3(signature = (trades, method="fifo"))]
fn frame_realized_pnl_by_user<'py>(py: Python<'py>, trades: &[u8], method: &str) -> PyResult<Bound<'py, PyBytes>> {
    let m = method.parse().or_raise()?;
    let df = read("trades", trades)?;
    let out = py.detach(|| core_frame::realized_pnl_by_user(&df, m)).or_raise()?;
    write(py, out)
}

#[pyfunction]
#[pyo3(signature = (trades, method="fifo"))]
fn frame_positions_by_user<'py>(py: Python<'py>, trades: &[u8], method: &str) -> PyResult<Bound<'py, PyBytes>> {
    let m = method.parse().or_raise()?;
    let df = read("trades", trades)?;
    let out = py.detach(|| core_frame::positions_by_user(&df, m)).or_raise()?;
    write(py, out)
}

#[pyfunction]
#[pyo3(signature = (trades, prices, risk_free=0.0, period="daily", annualization=None, cutoff=0.05))]
fn frame_metrics_by_user<'py>(
    py: Python<'py>,
    trades: &[u8],
    prices: &[u8],
    risk_free: f64,
    period: &str,
    annualization: Option<f64>,
    cutoff: f64,
) -> PyResult<Bound<'py, PyBytes>> {
    let options =
        MetricsOptions { risk_free, period: period.parse().or_raise()?, annualization, cutoff, ..Default::default() };
    let t = read("trades", trades)?;
    let p = read("prices", prices)?;
    let out = py.detach(|| core_frame::metrics_by_user(&t, &p, &options)).or_raise()?;
    write(py, out)
}

/// Registers the frame functions (wrapped by `kairo.frame`).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(frame_realized_pnl_by_user, m)?)?;
    m.add_function(wrap_pyfunction!(frame_positions_by_user, m)?)?;
    m.add_function(wrap_pyfunction!(frame_metrics_by_user, m)?)?;
    Ok(())
}
