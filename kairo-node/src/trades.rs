//! Lots, realized P&L, the time-weighted return and the benchmark comparison. Money is returned as decimal
//! strings (exact), statistics as numbers.

use std::collections::HashMap;

use kairo_core::compare::{compare as core_compare, CompareOptions, Comparison as CoreComparison};
use kairo_core::input::{Amount, BenchmarkInput};
use kairo_core::lots::{match_lots, match_lots_with_splits, LotMethod};
use kairo_core::returns::twr as core_twr;
use napi::bindgen_prelude::{Either, Object};
use napi_derive::napi;

use crate::errors::{error, Code, OrThrow, Result};
use crate::input::{
    date, decimal, method, prices as price_table, splits as read_splits, trades as read_trades, Prices, StockSplit,
};
use crate::report::Js;

/// Tax lots (`fifo`, `lifo`, `highest_cost`, `average_cost`); `splits` are applied on their ex-dates (quantities ×
/// ratio, every basis unchanged), and `activities` (splits, symbol changes, transfers of shares) on their dates.
#[napi(
    ts_args_type = "trades: TradeInput[], method?: 'fifo' | 'lifo' | 'highest_cost' | 'average_cost' | null, splits?: StockSplit[] | null, activities?: ActivityInput[] | null",
    ts_return_type = "LotReport"
)]
pub fn lots(
    trades: Vec<Object>,
    method: Option<String>,
    splits: Option<Vec<StockSplit>>,
    activities: Option<Vec<Object>>,
) -> Result<Js<kairo_core::lots::LotReport>> {
    if let Some(a) = activities {
        let splits = splits.unwrap_or_default();
        return Ok(Js(crate::account::lots_with_activities(&trades, method, &a, &splits)?));
    }
    let m = self::method(method)?;
    let trades = read_trades(&trades)?;
    Ok(Js(match splits {
        None => match_lots(&trades, m).or_throw()?,
        Some(list) => match_lots_with_splits(&trades, m, &read_splits(&list)?).or_throw()?,
    }))
}

#[napi(object)]
pub struct RealizedPnlOptions {
    /// Lot method, default `fifo`.
    pub method: Option<String>,
    /// Current prices `{ SYMBOL: price }`: adds the unrealized P&L.
    pub prices: Option<HashMap<String, Either<String, f64>>>,
}

#[napi(object)]
pub struct RealizedPnl {
    pub total: String,
    pub by_symbol: HashMap<String, String>,
    pub unrealized: Option<String>,
    pub unrealized_by_symbol: Option<HashMap<String, String>>,
    pub market_value: Option<String>,
}

fn strings(m: std::collections::BTreeMap<String, rust_decimal::Decimal>) -> HashMap<String, String> {
    m.into_iter().map(|(k, v)| (k, v.to_string())).collect()
}

/// Realized P&L in total and by symbol; with `prices`, the unrealized P&L too.
#[napi(ts_args_type = "trades: TradeInput[], opts?: RealizedPnlOptions | null")]
pub fn realized_pnl(trades: Vec<Object>, opts: Option<RealizedPnlOptions>) -> Result<RealizedPnl> {
    let (m, marks) = match opts {
        Some(o) => (method(o.method)?, o.prices),
        None => (LotMethod::Fifo, None),
    };
    let r = match_lots(&read_trades(&trades)?, m).or_throw()?;
    let mut out = RealizedPnl {
        total: r.realized_pnl.to_string(),
        by_symbol: strings(r.realized_by_symbol()),
        unrealized: None,
        unrealized_by_symbol: None,
        market_value: None,
    };
    if let Some(marks) = marks {
        let mut prices = HashMap::new();
        for (symbol, p) in marks {
            let p = decimal("price", &p)
                .map_err(|e| error(Code::InvalidInput, "prices", format!("prices.{symbol}: {e}")))?;
            prices.insert(symbol, p);
        }
        let u = r.unrealized(&prices).or_throw()?;
        out.unrealized = Some(u.total.to_string());
        out.unrealized_by_symbol = Some(strings(u.by_symbol));
        out.market_value = Some(u.market_value.to_string());
    }
    Ok(out)
}

#[napi(object)]
pub struct ReturnSeries {
    pub dates: Vec<String>,
    pub returns: Vec<f64>,
}

/// Prices with the stock splits of their raw closes.
fn split_prices(prices: &Prices, splits: Option<&[StockSplit]>) -> Result<kairo_core::returns::PriceTable> {
    let mut table = price_table(prices)?;
    for s in read_splits(splits.unwrap_or_default())? {
        table.insert_split(s.symbol, s.ex_date, s.ratio).or_throw()?;
    }
    Ok(table)
}

/// The daily time-weighted return (GIPS) of the trades' portfolio; `splits` of the raw closes multiply the shares
/// held on their ex-dates.
#[napi(ts_args_type = "trades: TradeInput[], prices: Prices, end?: string | null, splits?: StockSplit[] | null")]
pub fn twr(
    trades: Vec<Object>,
    prices: Prices,
    end: Option<String>,
    splits: Option<Vec<StockSplit>>,
) -> Result<ReturnSeries> {
    let end = end.map(|e| date("end", &e)).transpose()?;
    let s = core_twr(&read_trades(&trades)?, &split_prices(&prices, splits.as_deref())?, end).or_throw()?;
    Ok(ReturnSeries { dates: s.dates.iter().map(|d| d.to_string()).collect(), returns: s.returns })
}

#[napi(object)]
pub struct CompareOpts {
    /// First date (`YYYY-MM-DD`) of the compared series.
    pub start: Option<String>,
    /// Last date.
    pub end: Option<String>,
    /// Lot method of the P&L split, default `fifo`.
    pub lot_method: Option<String>,
    /// Stock splits of the raw closes.
    pub splits: Option<Vec<StockSplit>>,
    /// When a blend goes back to its weights: `daily` (default), `monthly`, `quarterly`, `yearly` or `buy_and_hold`.
    pub rebalance: Option<String>,
}

/// The trades' portfolio against `benchmark`: a symbol (`'SPY'`), `'SPY:0.6,AGG:0.4'` (`'SPY:0.6,AGG:0.4@monthly'`),
/// or `{ SPY: 0.6, AGG: 0.4 }` (with `opts.rebalance`).
#[napi(
    ts_args_type = "trades: TradeInput[], prices: Prices, benchmark: string | Record<string, DecimalInput>, opts?: CompareOpts | null",
    ts_return_type = "Comparison"
)]
pub fn compare(
    trades: Vec<Object>,
    prices: Prices,
    benchmark: Either<String, HashMap<String, Either<String, f64>>>,
    opts: Option<CompareOpts>,
) -> Result<Js<CoreComparison>> {
    let bench = match benchmark {
        Either::A(s) => BenchmarkInput::Text(s),
        Either::B(weights) => BenchmarkInput::Weights(
            weights
                .into_iter()
                .map(|(symbol, w)| {
                    let w = match w {
                        Either::A(s) => Amount::Text(s),
                        Either::B(f) => Amount::Float(f),
                    };
                    (symbol, w)
                })
                .collect(),
        ),
    }
    .into_benchmark()
    .or_throw()?;
    let opts = opts.unwrap_or(CompareOpts { start: None, end: None, lot_method: None, splits: None, rebalance: None });
    let bench = match opts.rebalance.as_deref() {
        Some(rule) => bench.rebalanced(rule.parse().or_throw()?),
        None => bench,
    };
    let options = CompareOptions {
        start: opts.start.as_deref().map(|s| date("start", s)).transpose()?,
        end: opts.end.as_deref().map(|e| date("end", e)).transpose()?,
        lot_method: method(opts.lot_method.clone())?,
    };
    let table = split_prices(&prices, opts.splits.as_deref())?;
    let c = core_compare(&read_trades(&trades)?, &table, &bench, &options).or_throw()?;
    Ok(Js(c))
}
