//! `kairo.compliance`: batch, pre-trade and streaming checks, wash sales, day trades and the PDT status. The
//! results are plain dicts with kairo-core's field names (the `compliance_audit` row: `trade_id`, `check_name`,
//! `status`, `reason`, `metadata`).

use std::sync::Mutex;

use kairo_core::compliance::{
    check_history as core_check_history, check_history_with_activities, check_order as core_check_order,
    day_trades as core_day_trades, pdt_status as core_pdt_status, AccountContext, CheckResult, DayTradeCounting,
    Decision, Engine, Field, RuleSet,
};
use kairo_core::lots::wash_sales as core_wash_sales;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;

use crate::convert::{json, trade, trades};
use crate::dict::dict;
use crate::errors::{config, OrRaise};
use crate::report::record;
use crate::scalars::date;

/// An account and its limits (`kairo.compliance.AccountContext`), built from a dict with the keys of the
/// JSON/TOML configuration's `account` section.
#[pyclass(name = "AccountContext", module = "kairo.compliance", frozen)]
#[derive(Clone)]
pub struct PyAccountContext {
    inner: AccountContext,
}

#[pymethods]
impl PyAccountContext {
    #[new]
    #[pyo3(signature = (**fields))]
    fn new(fields: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let value = match fields {
            Some(f) => json(f.as_any(), "ctx")?,
            None => Value::Object(serde_json::Map::new()),
        };
        Ok(PyAccountContext { inner: context_from_json(value)? })
    }

    /// The context from a dict (the configuration's `account` section).
    #[staticmethod]
    fn from_dict(d: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyAccountContext { inner: context_from_json(json(d, "ctx")?)? })
    }

    /// The context from a JSON document.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let value: Value = serde_json::from_str(text).map_err(|e| config("ctx", format!("invalid JSON: {e}")))?;
        Ok(PyAccountContext { inner: context_from_json(value)? })
    }

    /// The context as JSON, every default written out.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| config("ctx", e.to_string()))
    }

    fn __repr__(&self) -> String {
        format!("AccountContext({})", serde_json::to_string(&self.inner).unwrap_or_default())
    }
}

fn context_from_json(value: Value) -> PyResult<AccountContext> {
    AccountContext::from_json(value).or_raise()
}

/// The context from an `AccountContext`, a dict, or `None` (the defaults).
fn context(obj: Option<&Bound<'_, PyAny>>) -> PyResult<AccountContext> {
    match obj {
        None => Ok(AccountContext::default()),
        Some(o) if o.is_none() => Ok(AccountContext::default()),
        Some(o) => match o.cast::<PyAccountContext>() {
            Ok(c) => Ok(c.get().inner.clone()),
            Err(_) => context_from_json(json(o, "ctx")?),
        },
    }
}

/// The rule set for `checks` (every built-in check when `None`).
fn rules(checks: Option<Vec<String>>) -> PyResult<RuleSet> {
    RuleSet::for_checks(checks.as_deref()).or_raise()
}

fn field<'py>(py: Python<'py>, f: &Field) -> PyResult<Bound<'py, PyAny>> {
    Ok(match f {
        Field::Null => py.None().into_bound(py),
        Field::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Field::Int(i) => i.into_pyobject(py)?.into_any(),
        Field::Decimal(d) => d.normalize().into_pyobject(py)?,
        Field::Text(t) => t.into_pyobject(py)?.into_any(),
        Field::String(t) => (&**t).into_pyobject(py)?.into_any(),
        Field::Id(id) => (&**id).into_pyobject(py)?.into_any(),
        Field::Ids(ids) => PyList::new(py, ids.iter().map(|i| &**i))?.into_any(),
        Field::Date(d) => d.into_pyobject(py)?.into_any(),
        Field::LocalTime(t) => t.into_pyobject(py)?.into_any(),
        Field::Time(t) => t.into_pyobject(py)?.into_any(),
        Field::Json(v) => json_value(py, v)?,
    })
}

fn json_value<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (v.to_string(),))
}

/// The dict form of a result (a `compliance_audit` row).
fn result<'py>(py: Python<'py>, r: &CheckResult) -> PyResult<Bound<'py, PyDict>> {
    let metadata = PyDict::new(py);
    for (k, v) in r.metadata.fields() {
        metadata.set_item(*k, field(py, v)?)?;
    }
    Ok(dict!(py,
        "trade_id" => &*r.trade_id,
        "check_name" => r.check_name,
        "status" => r.status.as_str(),
        "reason" => &*r.reason(),
        "metadata" => metadata,
    ))
}

fn results<'py>(py: Python<'py>, rs: &[CheckResult]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, rs.iter().map(|r| result(py, r)).collect::<PyResult<Vec<_>>>()?)
}

fn decision<'py>(py: Python<'py>, d: &Decision) -> PyResult<Bound<'py, PyDict>> {
    Ok(dict!(py, "allowed" => d.allowed, "results" => results(py, &d.results)?))
}

/// Every applicable check on every trade of the history (sorted by execution time first); with the account's
/// `activities` (dicts), each applied at the start of its date, so that the settlement checks see its cash.
#[pyfunction]
#[pyo3(signature = (trades, ctx=None, checks=None, activities=None))]
fn check_history<'py>(
    py: Python<'py>,
    trades: &Bound<'py, PyAny>,
    ctx: Option<&Bound<'py, PyAny>>,
    checks: Option<Vec<String>>,
    activities: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let ctx = context(ctx)?;
    let rules = rules(checks)?;
    let trades = self::trades(trades)?;
    let out = match activities {
        None => py.detach(|| core_check_history(&trades, &rules, &ctx)).or_raise()?,
        Some(a) => {
            let activities = crate::account::activities(a)?;
            py.detach(|| check_history_with_activities(&trades, &activities, &rules, &ctx)).or_raise()?
        }
    };
    results(py, &out)
}

/// Would `order` break a rule, given the account's `history`? `{"allowed", "results"}`; nothing is recorded.
#[pyfunction]
#[pyo3(signature = (history, order, ctx=None, checks=None))]
fn check_order<'py>(
    py: Python<'py>,
    history: &Bound<'py, PyAny>,
    order: &Bound<'py, PyAny>,
    ctx: Option<&Bound<'py, PyAny>>,
    checks: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyDict>> {
    let ctx = context(ctx)?;
    let rules = rules(checks)?;
    let history = trades(history)?;
    let order = trade(order)?;
    let d = py.detach(|| core_check_order(&history, &order, &rules, &ctx)).or_raise()?;
    decision(py, &d)
}

/// A streaming compliance engine for one account (`kairo.compliance.Engine`): push trades in execution order,
/// ask about an order before sending it. Memory is bounded by the rules' windows, not by the history.
#[pyclass(name = "Engine", module = "kairo.compliance")]
pub struct PyEngine {
    engine: Mutex<Engine>,
}

impl PyEngine {
    fn with<T>(&self, f: impl FnOnce(&mut Engine) -> T) -> T {
        let mut guard = match self.engine.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }
}

#[pymethods]
impl PyEngine {
    #[new]
    #[pyo3(signature = (ctx=None, checks=None))]
    fn new(ctx: Option<&Bound<'_, PyAny>>, checks: Option<Vec<String>>) -> PyResult<Self> {
        let ctx = context(ctx)?;
        let rules = rules(checks)?;
        Ok(PyEngine { engine: Mutex::new(Engine::new(&rules, ctx).or_raise()?) })
    }

    /// Checks `trade` against every rule, records it, and returns its results.
    fn push<'py>(&self, py: Python<'py>, trade: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let t = self::trade(trade)?;
        let out = self.with(|e| e.push(&t)).or_raise()?;
        results(py, &out)
    }

    /// Records `trade` without checking it (loading history).
    fn record(&self, trade: &Bound<'_, PyAny>) -> PyResult<()> {
        let t = self::trade(trade)?;
        self.with(|e| e.record(&t)).or_raise()
    }

    /// Pushes every trade of `trades` (in the given order) and returns all results.
    fn extend<'py>(&self, py: Python<'py>, trades: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let ts = self::trades(trades)?;
        let mut out = Vec::new();
        self.with(|e| ts.iter().try_for_each(|t| e.push_into(t, &mut out))).or_raise()?;
        results(py, &out)
    }

    /// Would `order` break a rule now? Nothing is recorded.
    fn check_order<'py>(&self, py: Python<'py>, order: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let t = trade(order)?;
        let d = self.with(|e| e.check_order(&t)).or_raise()?;
        decision(py, &d)
    }

    /// The current signed position in `symbol`.
    fn position(&self, symbol: &str) -> rust_decimal::Decimal {
        self.with(|e| e.position(symbol))
    }
}

/// Wash sales (IRC §1091): `{"matches", "losses", "realized_pnl", "disallowed_loss", "realized_by_symbol",
/// "deferred_by_symbol"}`.
#[pyfunction]
fn wash_sales<'py>(py: Python<'py>, trades: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    let ts = self::trades(trades)?;
    let report = py.detach(|| core_wash_sales(&ts)).or_raise()?;
    record(py, &report.fields())
}

fn counting(name: &str) -> PyResult<DayTradeCounting> {
    name.parse().map_err(|e: kairo_core::ComplianceError| crate::errors::parameter("counting", e.to_string()))
}

/// The day trades of the history: `[{"date", "symbol", "qty", "open_trade_id", "close_trade_id"}]`.
#[pyfunction]
#[pyo3(signature = (trades, counting="transitions"))]
fn day_trades<'py>(py: Python<'py>, trades: &Bound<'py, PyAny>, counting: &str) -> PyResult<Bound<'py, PyList>> {
    let c = self::counting(counting)?;
    let ts = self::trades(trades)?;
    let out = py.detach(|| core_day_trades(&ts, c)).or_raise()?;
    PyList::new(py, out.iter().map(|d| record(py, &d.fields())).collect::<PyResult<Vec<_>>>()?)
}

/// The pattern-day-trader test for the window ending on `as_of`, with the context's PDT limits:
/// `{"day_trades_in_window", "total_trades_in_window", "window_start", "window_end", "is_pattern_day_trader"}`.
#[pyfunction]
#[pyo3(signature = (trades, as_of, ctx=None))]
fn pdt_status<'py>(
    py: Python<'py>,
    trades: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    ctx: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let ctx = context(ctx)?;
    let as_of = date("as_of", as_of)?;
    let ts = self::trades(trades)?;
    let s = py.detach(|| core_pdt_status(&ts, &ctx.limits.pattern_day_trading, as_of)).or_raise()?;
    record(py, &s.fields())
}

/// The names of the built-in checks, in their default order.
#[pyfunction]
fn check_names() -> Vec<&'static str> {
    kairo_core::compliance::default_rules().names()
}

/// Registers the compliance functions and classes (re-exported by `kairo.compliance`).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAccountContext>()?;
    m.add_class::<PyEngine>()?;
    m.add_function(wrap_pyfunction!(check_history, m)?)?;
    m.add_function(wrap_pyfunction!(check_order, m)?)?;
    m.add_function(wrap_pyfunction!(wash_sales, m)?)?;
    m.add_function(wrap_pyfunction!(day_trades, m)?)?;
    m.add_function(wrap_pyfunction!(pdt_status, m)?)?;
    m.add_function(wrap_pyfunction!(check_names, m)?)?;
    Ok(())
}
