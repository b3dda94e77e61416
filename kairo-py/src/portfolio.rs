//! Tax lots, realized P&L, the time-weighted return and the benchmark comparison of a list of trades.

use std::collections::HashMap;

use kairo_core::compare::{compare as core_compare, Benchmark, CompareOptions, Comparison};
use kairo_core::input::BenchmarkInput;
use kairo_core::lots::{match_lots, match_lots_with_splits, LotMethod, LotReport};
use kairo_core::returns::twr as core_twr;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping, PyString};

use crate::convert;
use crate::dict::dict;
use crate::errors::{parameter, OrRaise};
use crate::report::record;
use crate::scalars::{amount, date, decimal};

fn method(name: &str) -> PyResult<LotMethod> {
    name.parse().or_raise()
}

fn lot_report(trades_obj: &Bound<'_, PyAny>, method_name: &str) -> PyResult<LotReport> {
    let m = method(method_name)?;
    let trades = convert::trades(trades_obj)?;
    let py = trades_obj.py();
    py.detach(|| match_lots(&trades, m)).or_raise()
}

/// Tax lots: `{"method", "open_lots", "closed_lots", "positions", "realized_pnl"}`; `splits`, `(symbol, ex_date,
/// ratio)` triples, are applied on their ex-dates, and `activities` (dicts: splits, symbol changes, transfers of
/// shares) on their dates.
#[pyfunction]
#[pyo3(signature = (trades, method="fifo", splits=None, activities=None))]
fn lots<'py>(
    py: Python<'py>,
    trades: &Bound<'py, PyAny>,
    method: &str,
    splits: Option<&Bound<'py, PyAny>>,
    activities: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let report = match (splits, activities) {
        (_, Some(a)) => crate::account::lots_with_activities(py, trades, self::method(method)?, a, splits)?,
        (None, None) => lot_report(trades, method)?,
        (Some(s), None) => {
            let (m, splits) = (self::method(method)?, convert::splits(s)?);
            let trades = convert::trades(trades)?;
            py.detach(|| match_lots_with_splits(&trades, m, &splits)).or_raise()?
        }
    };
    record(py, &report.fields())
}

/// Realized P&L: `{"total", "by_symbol"}`, plus `{"unrealized", "unrealized_by_symbol", "market_value"}` when
/// `prices` (`{symbol: price}`) are given.
#[pyfunction]
#[pyo3(signature = (trades, method="fifo", prices=None))]
fn realized_pnl<'py>(
    py: Python<'py>,
    trades: &Bound<'py, PyAny>,
    method: &str,
    prices: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let report = lot_report(trades, method)?;
    let out = dict!(py, "total" => report.realized_pnl, "by_symbol" => report.realized_by_symbol());
    if let Some(prices) = prices {
        let prices = prices
            .cast::<PyMapping>()
            .map_err(|_| parameter("prices", "prices must be a dict {symbol: price}".into()))?;
        let mut marks = HashMap::new();
        for item in prices.items()?.iter() {
            let (symbol, price): (String, Bound<'_, PyAny>) = item.extract()?;
            marks.insert(symbol, decimal("price", &price)?);
        }
        let u = report.unrealized(&marks).or_raise()?;
        out.set_item("unrealized", u.total)?;
        out.set_item("unrealized_by_symbol", u.by_symbol)?;
        out.set_item("market_value", u.market_value)?;
    }
    Ok(out)
}

/// Prices with the `(symbol, ex_date, ratio)` splits of their raw closes.
fn split_prices(
    prices: &Bound<'_, PyAny>,
    splits: Option<&Bound<'_, PyAny>>,
) -> PyResult<kairo_core::returns::PriceTable> {
    let mut table = convert::prices(prices)?;
    for s in splits.map(convert::splits).transpose()?.unwrap_or_default() {
        table.insert_split(s.symbol, s.ex_date, s.ratio).or_raise()?;
    }
    Ok(table)
}

/// The GIPS daily time-weighted return series: `{"dates": [date], "returns": [float]}`; `splits` of the raw closes
/// multiply the shares held on their ex-dates.
#[pyfunction]
#[pyo3(signature = (trades, prices, end=None, splits=None))]
fn twr<'py>(
    py: Python<'py>,
    trades: &Bound<'py, PyAny>,
    prices: &Bound<'py, PyAny>,
    end: Option<&Bound<'py, PyAny>>,
    splits: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let trades = convert::trades(trades)?;
    let table = split_prices(prices, splits)?;
    let end = end.map(|e| date("end", e)).transpose()?;
    let series = py.detach(|| core_twr(&trades, &table, end)).or_raise()?;
    Ok(dict!(py, "dates" => series.dates, "returns" => series.returns))
}

/// A benchmark from a symbol (or a blend's text) or a dict `{symbol: weight}`, through kairo-core's input path.
fn benchmark(obj: &Bound<'_, PyAny>) -> PyResult<Benchmark> {
    if let Ok(s) = obj.cast::<PyString>() {
        return BenchmarkInput::Text(s.to_cow()?.into_owned()).into_benchmark().or_raise();
    }
    let weights = obj
        .cast::<PyMapping>()
        .map_err(|_| parameter("benchmark", "benchmark must be a symbol or a dict {symbol: weight}".into()))?;
    let mut parts = Vec::new();
    for item in weights.items()?.iter() {
        let (symbol, weight): (String, Bound<'_, PyAny>) = item.extract()?;
        parts.push((symbol, amount(&weight)?));
    }
    BenchmarkInput::Weights(parts).into_benchmark().or_raise()
}

/// The comparison of the trades' portfolio with a benchmark (default SPY), as a dict of kairo-core's `Comparison` fields.
#[pyfunction]
#[pyo3(signature = (trades, prices, benchmark=None, start=None, end=None, lot_method="fifo", splits=None, rebalance=None))]
#[allow(clippy::too_many_arguments)]
fn compare<'py>(
    py: Python<'py>,
    trades: &Bound<'py, PyAny>,
    prices: &Bound<'py, PyAny>,
    benchmark: Option<&Bound<'py, PyAny>>,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    lot_method: &str,
    splits: Option<&Bound<'py, PyAny>>,
    rebalance: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut bench = match benchmark {
        Some(b) => self::benchmark(b)?,
        None => Benchmark::default(),
    };
    if let Some(rule) = rebalance {
        bench = bench.rebalanced(rule.parse().or_raise()?);
    }
    let options = CompareOptions {
        start: start.map(|s| date("start", s)).transpose()?,
        end: end.map(|e| date("end", e)).transpose()?,
        lot_method: method(lot_method)?,
    };
    let trades = convert::trades(trades)?;
    let table = split_prices(prices, splits)?;
    let c = py.detach(|| core_compare(&trades, &table, &bench, &options)).or_raise()?;
    comparison_dict(py, &c)
}

fn comparison_dict<'py>(py: Python<'py>, c: &Comparison) -> PyResult<Bound<'py, PyDict>> {
    record(py, &c.fields())
}

/// Registers the trade functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(lots, m)?)?;
    m.add_function(wrap_pyfunction!(realized_pnl, m)?)?;
    m.add_function(wrap_pyfunction!(twr, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    Ok(())
}
