//! Returns from prices and calendar aggregation (empyrical `simple_returns`, `aggregate_returns`): conversion only,
//! the numbers are kairo-core's.

use kairo_core::metrics as m;
use numpy::{IntoPyArray, PyReadonlyArrayDyn};
use pyo3::prelude::*;

use crate::arrays::{columns, one_d};

type Array<'py> = PyReadonlyArrayDyn<'py, f64>;

/// Per column, `(p_t − p_{t−1}) / p_{t−1}` (`ratio = False`, empyrical on arrays) or `p_t / p_{t−1} − 1`
/// (`ratio = True`, pandas' `pct_change`); 1-D for 1-D input, else (rows − 1, columns).
#[pyfunction]
#[pyo3(signature = (prices, ratio=false))]
fn simple_returns<'py>(py: Python<'py>, prices: Array<'py>, ratio: bool) -> PyResult<Bound<'py, PyAny>> {
    let cols = columns(&prices, "prices")?;
    let f = if ratio { m::pct_change } else { m::simple_returns };
    let out: Vec<Vec<f64>> = cols.columns.iter().map(|c| f(c)).collect();
    crate::rolling::table(py, cols.one_d, out)
}

/// `changes / bases`, element by element (simple returns of integer prices whose changes were taken exactly).
#[pyfunction]
fn returns_from_changes<'py>(py: Python<'py>, changes: Array<'py>, bases: Array<'py>) -> PyResult<Bound<'py, PyAny>> {
    Ok(m::returns_from_changes(&one_d(&changes, "changes")?, &one_d(&bases, "bases")?).into_pyarray(py).into_any())
}

/// The compounded return of each of `count` groups, `groups[i]` the group of period `i`.
#[pyfunction]
fn compound_by_group<'py>(
    py: Python<'py>,
    returns: Array<'py>,
    groups: Vec<usize>,
    count: usize,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(m::compound_by_group(&one_d(&returns, "returns")?, &groups, count).into_pyarray(py).into_any())
}

pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(simple_returns, module)?)?;
    module.add_function(wrap_pyfunction!(returns_from_changes, module)?)?;
    module.add_function(wrap_pyfunction!(compound_by_group, module)?)?;
    Ok(())
}
