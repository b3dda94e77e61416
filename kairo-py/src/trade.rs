//! `kairo.Trade`: one executed fill, validated on construction, and the dict form of a trade.

use kairo_core::input::TradeInput;
use kairo_core::trade::Trade;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rust_decimal::Decimal;

use crate::dict::dict;
use crate::errors::OrRaise;
use crate::scalars::{amount, when};

/// One executed fill, validated on construction (`kairo.Trade`).
#[pyclass(name = "Trade", module = "kairo", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyTrade {
    pub inner: Trade,
}

#[pymethods]
impl PyTrade {
    #[new]
    #[pyo3(signature = (user_id, symbol, side, qty, price, executed_at, id=None, fees=None, external_id=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        user_id: String,
        symbol: String,
        side: &str,
        qty: &Bound<'_, PyAny>,
        price: &Bound<'_, PyAny>,
        executed_at: &Bound<'_, PyAny>,
        id: Option<String>,
        fees: Option<&Bound<'_, PyAny>>,
        external_id: Option<String>,
    ) -> PyResult<Self> {
        let inner = TradeInput {
            id,
            user_id: Some(user_id),
            symbol: Some(symbol),
            side: Some(side.to_owned()),
            qty: Some(amount(qty)?),
            price: Some(amount(price)?),
            executed_at: Some(when(executed_at)?),
            external_id,
            fees: fees.map(amount).transpose()?,
        }
        .into_trade()
        .or_raise()?;
        Ok(PyTrade { inner })
    }

    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    #[getter]
    fn user_id(&self) -> &str {
        &self.inner.user_id
    }
    #[getter]
    fn symbol(&self) -> &str {
        &self.inner.symbol
    }
    #[getter]
    fn side(&self) -> &'static str {
        self.inner.side.as_str()
    }
    #[getter]
    fn qty(&self) -> Decimal {
        self.inner.qty
    }
    #[getter]
    fn price(&self) -> Decimal {
        self.inner.price
    }
    #[getter]
    fn fees(&self) -> Decimal {
        self.inner.fees
    }
    #[getter]
    fn executed_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.executed_at
    }
    #[getter]
    fn external_id(&self) -> Option<&str> {
        self.inner.external_id.as_deref()
    }
    /// `qty × price`.
    #[getter]
    fn notional(&self) -> Decimal {
        self.inner.notional()
    }
    /// The New York trading date of the fill.
    #[getter]
    fn trade_date(&self) -> chrono::NaiveDate {
        self.inner.trade_date()
    }

    /// The trade as a dict with the JSON model's field names.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        trade_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let t = &self.inner;
        format!(
            "Trade(id={:?}, user_id={:?}, symbol={:?}, side={:?}, qty=Decimal('{}'), price=Decimal('{}'), executed_at='{}')",
            t.id,
            t.user_id,
            t.symbol,
            t.side.as_str(),
            t.qty,
            t.price,
            t.executed_at.to_rfc3339()
        )
    }
}

/// The dict form of a trade.
pub fn trade_dict<'py>(py: Python<'py>, t: &Trade) -> PyResult<Bound<'py, PyDict>> {
    Ok(dict!(py,
        "id" => &t.id,
        "user_id" => &t.user_id,
        "symbol" => &t.symbol,
        "side" => t.side.as_str(),
        "qty" => t.qty,
        "price" => t.price,
        "executed_at" => t.executed_at,
        "external_id" => t.external_id.as_deref(),
        "fees" => t.fees,
    ))
}

/// Registers `Trade`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTrade>()?;
    Ok(())
}
