//! Building Python dicts from kairo-core's records: money as `decimal.Decimal`, dates as `datetime.date`,
//! timestamps as timezone-aware `datetime.datetime` (UTC).

/// `dict!(py, "key" => value, ...)`: a `PyDict` with those items.
macro_rules! dict {
    ($py:expr, $($key:literal => $value:expr),* $(,)?) => {{
        let d = pyo3::types::PyDict::new($py);
        $( pyo3::types::PyDictMethods::set_item(&d, $key, $value)?; )*
        d
    }};
}
pub(crate) use dict;
