//! Factor attribution (empyrical `perf_attrib`, `compute_exposures`): conversion only, the numbers are
//! kairo-core's ([`kairo_core::metrics::group_exposures`], `attributed_returns`, `column_means`).

use kairo_core::metrics as m;
use numpy::{IntoPyArray, PyArray1, PyArrayMethods, PyReadonlyArray2, PyReadonlyArrayDyn};
use pyo3::prelude::*;

use crate::arrays::one_d;

fn rows(table: &PyReadonlyArray2<'_, f64>) -> (Vec<f64>, usize) {
    let view = table.as_array();
    (view.iter().copied().collect(), view.shape()[1])
}

/// Exposures per group and factor, (count, factors).
#[pyfunction]
fn group_exposures<'py>(
    py: Python<'py>,
    loadings: PyReadonlyArray2<'py, f64>,
    weights: PyReadonlyArrayDyn<'py, f64>,
    groups: Vec<usize>,
    count: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let (table, factors) = rows(&loadings);
    let out = m::group_exposures(&table, factors, &one_d(&weights, "positions")?, &groups, count);
    Ok(PyArray1::from_vec(py, out).reshape([count, factors])?.into_any())
}

/// `(by_factor (rows, factors), common (rows))`.
#[pyfunction]
fn attributed_returns<'py>(
    py: Python<'py>,
    exposures: PyReadonlyArray2<'py, f64>,
    factor_returns: PyReadonlyArray2<'py, f64>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let (e, factors) = rows(&exposures);
    let (f, _) = rows(&factor_returns);
    let n = e.len().checked_div(factors).unwrap_or(0);
    let (by_factor, common) = m::attributed_returns(&e, &f, factors);
    Ok((PyArray1::from_vec(py, by_factor).reshape([n, factors])?.into_any(), common.into_pyarray(py).into_any()))
}

/// The mean of each column over its non-NaN values.
#[pyfunction]
fn column_means<'py>(py: Python<'py>, table: PyReadonlyArray2<'py, f64>) -> Bound<'py, PyAny> {
    let (t, columns) = rows(&table);
    m::column_means(&t, columns).into_pyarray(py).into_any()
}

pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(group_exposures, module)?)?;
    module.add_function(wrap_pyfunction!(attributed_returns, module)?)?;
    module.add_function(wrap_pyfunction!(column_means, module)?)?;
    Ok(())
}
