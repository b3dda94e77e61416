//! Reading numpy arrays (1-D, or 2-D column by column) without copying when they are contiguous, and running the
//! computation with the GIL released once an array is long enough for that to pay.

use std::borrow::Cow;

use kairo_core::error::MetricsError;
use numpy::ndarray::Axis;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyFloat;

use crate::errors::{input, OrRaise};

/// Arrays longer than this are computed with the GIL released.
pub const DETACH_ABOVE: usize = 4096;

/// Runs `f` with the GIL released when `len` is above [`DETACH_ABOVE`].
pub fn detach<T: Send>(py: Python<'_>, len: usize, f: impl FnOnce() -> T + Send) -> T {
    if len > DETACH_ABOVE {
        py.detach(f)
    } else {
        f()
    }
}

/// The columns of a 1-D (one column) or 2-D array; borrowed when contiguous, copied otherwise.
pub struct Columns<'a> {
    /// Whether the input was 1-D.
    pub one_d: bool,
    /// The columns.
    pub columns: Vec<Cow<'a, [f64]>>,
}

impl Columns<'_> {
    /// Total number of values.
    pub fn len(&self) -> usize {
        self.columns.iter().map(|c| c.len()).sum()
    }
}

/// Reads `array` (named `name` in errors) as columns.
pub fn columns<'a>(array: &'a PyReadonlyArrayDyn<'_, f64>, name: &str) -> PyResult<Columns<'a>> {
    match array.ndim() {
        1 => {
            let column = match array.as_slice() {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => Cow::Owned(array.as_array().iter().copied().collect()),
            };
            Ok(Columns { one_d: true, columns: vec![column] })
        }
        2 if array.is_c_contiguous() => {
            // Row-major: one transpose in cache-sized tiles (reading a column at a time would touch a cache
            // line per value).
            let (rows, width) = (array.shape()[0], array.shape()[1]);
            let data = array.as_slice().map_err(|e| input(name, e.to_string()))?;
            let columns = transpose(data, rows, width).into_iter().map(Cow::Owned).collect();
            Ok(Columns { one_d: false, columns })
        }
        2 => {
            let view = array.as_array();
            let columns = (0..view.shape()[1])
                .map(|j| {
                    let c = view.clone().index_axis_move(Axis(1), j);
                    match c.to_slice() {
                        Some(s) => Cow::Borrowed(s),
                        None => Cow::Owned(c.iter().copied().collect()),
                    }
                })
                .collect();
            Ok(Columns { one_d: false, columns })
        }
        n => Err(input(name, format!("{name} must be 1-D or 2-D, got an array of {n} dimensions"))),
    }
}

/// Tile edge of the transposes.
const TILE: usize = 64;

/// The columns of a row-major `rows × width` table.
pub fn transpose(data: &[f64], rows: usize, width: usize) -> Vec<Vec<f64>> {
    let mut out: Vec<Vec<f64>> = (0..width).map(|_| Vec::with_capacity(rows)).collect();
    for r0 in (0..rows).step_by(TILE) {
        for c0 in (0..width).step_by(TILE) {
            for r in r0..(r0 + TILE).min(rows) {
                let row = &data[r * width..(r + 1) * width];
                for (column, &v) in out[c0..(c0 + TILE).min(width)].iter_mut().zip(&row[c0..]) {
                    column.push(v);
                }
            }
        }
    }
    out
}

/// A row-major `rows × columns.len()` table of equally long columns.
pub fn interleave(columns: &[Vec<f64>]) -> Vec<f64> {
    let width = columns.len();
    let rows = columns.first().map_or(0, Vec::len);
    let mut flat = vec![0.0; rows * width];
    for r0 in (0..rows).step_by(TILE) {
        for (j0, block) in columns.chunks(TILE).enumerate() {
            for (dj, column) in block.iter().enumerate() {
                let end = (r0 + TILE).min(column.len());
                for (r, &v) in (r0..end).zip(&column[r0.min(end)..end]) {
                    flat[r * width + j0 * TILE + dj] = v;
                }
            }
        }
    }
    flat
}

/// One float per column: a Python float for 1-D input, a 1-D array for 2-D input.
fn scalars<'py>(py: Python<'py>, one_d: bool, values: Vec<f64>) -> Bound<'py, PyAny> {
    if one_d {
        PyFloat::new(py, values[0]).into_any()
    } else {
        values.into_pyarray(py).into_any()
    }
}

/// A scalar metric of `returns`, per column.
pub fn unary<'py>(
    py: Python<'py>,
    returns: PyReadonlyArrayDyn<'py, f64>,
    f: impl Fn(&[f64]) -> Result<f64, MetricsError> + Send + Sync,
) -> PyResult<Bound<'py, PyAny>> {
    let cols = columns(&returns, "returns")?;
    let values: Result<Vec<f64>, MetricsError> = detach(py, cols.len(), || cols.columns.iter().map(|c| f(c)).collect());
    Ok(scalars(py, cols.one_d, values.or_raise()?))
}

/// The pairs of columns of `returns` and `factor_returns`: column with column for two 2-D arrays of the same
/// width, or each column of `returns` with a 1-D `factor_returns`.
pub fn pairs<'a>(returns: &'a Columns<'a>, factor: &'a Columns<'a>) -> PyResult<Vec<(&'a [f64], &'a [f64])>> {
    if factor.one_d {
        return Ok(returns.columns.iter().map(|r| (&**r, &*factor.columns[0])).collect());
    }
    if returns.one_d || returns.columns.len() != factor.columns.len() {
        return Err(input(
            "factor_returns",
            format!(
                "factor_returns must be 1-D or have one column per column of returns ({}), got {} columns",
                returns.columns.len(),
                factor.columns.len()
            ),
        ));
    }
    Ok(returns.columns.iter().zip(&factor.columns).map(|(r, f)| (&**r, &**f)).collect())
}

/// A scalar metric of `returns` against `factor_returns`, per column.
pub fn binary<'py>(
    py: Python<'py>,
    returns: PyReadonlyArrayDyn<'py, f64>,
    factor_returns: PyReadonlyArrayDyn<'py, f64>,
    f: impl Fn(&[f64], &[f64]) -> Result<f64, MetricsError> + Send + Sync,
) -> PyResult<Bound<'py, PyAny>> {
    let r = columns(&returns, "returns")?;
    let fr = columns(&factor_returns, "factor_returns")?;
    let pairs = pairs(&r, &fr)?;
    let values: Result<Vec<f64>, MetricsError> = detach(py, r.len(), || pairs.iter().map(|(a, b)| f(a, b)).collect());
    Ok(scalars(py, r.one_d, values.or_raise()?))
}

/// Two scalars per column (alpha and beta): shape (2,) for 1-D input, (columns, 2) for 2-D input, as empyrical.
pub fn binary_pair<'py>(
    py: Python<'py>,
    returns: PyReadonlyArrayDyn<'py, f64>,
    factor_returns: PyReadonlyArrayDyn<'py, f64>,
    f: impl Fn(&[f64], &[f64]) -> Result<(f64, f64), MetricsError> + Send + Sync,
) -> PyResult<Bound<'py, PyAny>> {
    let r = columns(&returns, "returns")?;
    let fr = columns(&factor_returns, "factor_returns")?;
    let pairs = pairs(&r, &fr)?;
    let values: Result<Vec<[f64; 2]>, MetricsError> =
        detach(py, r.len(), || pairs.iter().map(|(a, b)| f(a, b).map(|(x, y)| [x, y])).collect());
    let values = values.or_raise()?;
    if r.one_d {
        return Ok(values[0].to_vec().into_pyarray(py).into_any());
    }
    Ok(PyArray2::from_vec2(py, &values.iter().map(|v| v.to_vec()).collect::<Vec<_>>())?.into_any())
}

/// A series of the same shape as `returns`, column by column (cumulative returns).
pub fn series<'py>(
    py: Python<'py>,
    returns: PyReadonlyArrayDyn<'py, f64>,
    f: impl Fn(&[f64]) -> Vec<f64> + Send + Sync,
) -> PyResult<Bound<'py, PyAny>> {
    let cols = columns(&returns, "returns")?;
    let out: Vec<Vec<f64>> = detach(py, cols.len(), || cols.columns.iter().map(|c| f(c)).collect());
    if cols.one_d {
        return Ok(out.into_iter().next().unwrap_or_default().into_pyarray(py).into_any());
    }
    let rows = out.first().map_or(0, Vec::len);
    let width = out.len();
    if returns.is_fortran_contiguous() {
        // column-major in, column-major out (pandas keeps a frame's values so): the columns one after another,
        // seen as the transpose of a (columns, rows) array
        let flat: Vec<f64> = out.concat();
        return PyArray1::from_vec(py, flat).reshape([width, rows])?.getattr("T");
    }
    let array = PyArray1::from_vec(py, interleave(&out));
    Ok(array.reshape([rows, width])?.into_any())
}

/// A 1-D array argument as a slice (copied only when not contiguous).
pub fn one_d<'a>(array: &'a PyReadonlyArrayDyn<'_, f64>, name: &str) -> PyResult<Cow<'a, [f64]>> {
    let cols = columns(array, name)?;
    if !cols.one_d {
        return Err(input(name, format!("{name} must be 1-D")));
    }
    Ok(cols.columns.into_iter().next().unwrap_or(Cow::Borrowed(&[])))
}

/// Whether each column of `returns` is read in place (`True`) or copied (`False`): lets the test suite check that
/// contiguous float64 input is never copied.
#[pyfunction]
pub fn _borrowed(returns: PyReadonlyArrayDyn<'_, f64>) -> PyResult<Vec<bool>> {
    let cols = columns(&returns, "returns")?;
    Ok(cols.columns.iter().map(|c| matches!(c, Cow::Borrowed(_))).collect())
}

/// Values per column above which the columns are shared among threads.
const PARALLEL_ABOVE: usize = 1 << 20;

/// `f` of each item, on the machine's cores (at most 8 threads, each a run of consecutive items) when `work`
/// (the values to go through) is above [`PARALLEL_ABOVE`], in order.
pub fn map_parallel<I: Sync, T: Send>(items: &[I], work: usize, f: impl Fn(&I) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8).min(items.len());
    if work <= PARALLEL_ABOVE || threads < 2 {
        return items.iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            items.chunks(per).map(|chunk| scope.spawn(|| chunk.iter().map(&f).collect::<Vec<T>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}
