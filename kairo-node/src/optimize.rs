//! Portfolio optimization and tax-aware rebalancing (`kairo_core::optimize`): closes per symbol in, weights and
//! plans out. Statistics are numbers; shares and money decimal strings.

use std::collections::{BTreeMap, HashMap};

use kairo_core::optimize::{
    allocate_named, rebalance as core_rebalance, OptimizeSpec, Optimized, RebalanceOptions, RebalancePlan, Returns,
    Shares,
};
use napi::bindgen_prelude::{Either, Object};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{error, Code, OrThrow, Result};
use crate::input::{date, decimal, method, trades as read_trades};
use crate::report::Js;

fn amount(field: &'static str, v: &Either<String, f64>) -> Result<rust_decimal::Decimal> {
    decimal(field, v).map_err(|e| error(Code::InvalidInput, field, e))
}

/// Optimal weights from daily closes (`{ SYMBOL: [close, ...] }`, one close per day, every list the same days):
/// PyPortfolioOpt's estimators and objectives, chosen by `spec` (`objective`, `expectedReturns`, `riskModel`,
/// `weightBounds`, `sectors`, `riskFreeRate`, ... all optional: max Sharpe over the sample covariance by default).
#[napi(
    ts_args_type = "closes: Record<string, number[]>, spec?: OptimizeSpec | null",
    ts_return_type = "OptimizeResult"
)]
pub fn optimize(closes: HashMap<String, Vec<f64>>, spec: Option<Value>) -> Result<Js<Optimized>> {
    let spec = match spec {
        None | Some(Value::Null) => OptimizeSpec::default(),
        Some(v) => OptimizeSpec::from_json(v).or_throw()?,
    };
    let closes: BTreeMap<String, Vec<f64>> = closes.into_iter().collect();
    let days = closes.values().next().map_or(0, Vec::len);
    if let Some((s, c)) = closes.iter().find(|(_, c)| c.len() != days) {
        return Err(error(Code::InvalidInput, "closes", format!("closes.{s} has {} days, the others {days}", c.len())));
    }
    let symbols: Vec<String> = closes.keys().cloned().collect();
    let flat: Vec<f64> = closes.into_values().flatten().collect();
    let returns = Returns::from_prices(&flat, days, symbols.len()).or_throw()?;
    Ok(Js(spec.run(&symbols, &returns).or_throw()?))
}

#[napi(object)]
pub struct RebalanceInputOptions {
    /// The date of the orders, `YYYY-MM-DD`.
    pub as_of: String,
    /// Cash besides the positions (default 0).
    pub cash: Option<Either<String, f64>>,
    /// The most one-way turnover, a fraction of the account's value.
    pub turnover_limit: Option<f64>,
    /// Allow orders that open a wash sale.
    pub allow_wash_sales: Option<bool>,
    /// Fractional shares to this many decimals (whole shares when absent).
    pub fractional_digits: Option<u32>,
    /// The broker's lot method, `fifo` by default.
    pub lot_method: Option<String>,
}

/// The tax-aware rebalance of the account whose history is `trades` to `targets` (`{ SYMBOL: weight }`) at
/// `prices` (`{ SYMBOL: price }`): orders with the lots to sell (least tax first), realized gains by term,
/// turnover, and what was skipped so as not to open a wash sale.
#[napi(
    ts_args_type = "trades: TradeInput[], prices: Record<string, string | number>, targets: Record<string, number>, options: RebalanceInputOptions",
    ts_return_type = "RebalancePlan"
)]
pub fn rebalance(
    trades: Vec<Object>,
    prices: HashMap<String, Either<String, f64>>,
    targets: HashMap<String, f64>,
    options: RebalanceInputOptions,
) -> Result<Js<RebalancePlan>> {
    let trades = read_trades(&trades)?;
    let prices =
        prices.iter().map(|(s, p)| Ok((s.clone(), amount("prices", p)?))).collect::<Result<BTreeMap<_, _>>>()?;
    let targets: BTreeMap<String, f64> = targets.into_iter().collect();
    let cash = options.cash.as_ref().map(|c| amount("cash", c)).transpose()?.unwrap_or_default();
    let mut opts = RebalanceOptions::new(date("asOf", &options.as_of)?, cash);
    opts.turnover_limit = options.turnover_limit;
    opts.allow_wash_sales = options.allow_wash_sales.unwrap_or(false);
    opts.shares = options.fractional_digits.map_or(Shares::Whole, Shares::Fractional);
    opts.lot_method = method(options.lot_method)?;
    Ok(Js(core_rebalance(&trades[..], &prices, &targets, &opts).or_throw()?))
}

#[napi(object)]
pub struct Allocation {
    /// Shares per symbol, decimal strings (symbols with none left out).
    pub shares: HashMap<String, String>,
    /// The budget not spent.
    pub leftover: String,
}

/// Whole shares (PyPortfolioOpt's greedy method) or fractional ones for `weights` and a `budget` at `prices`.
#[napi(
    ts_args_type = "weights: Record<string, number>, prices: Record<string, string | number>, budget: string | number, fractionalDigits?: number | null"
)]
pub fn allocate(
    weights: HashMap<String, f64>,
    prices: HashMap<String, Either<String, f64>>,
    budget: Either<String, f64>,
    fractional_digits: Option<u32>,
) -> Result<Allocation> {
    let weights: Vec<(String, f64)> = weights.into_iter().collect::<BTreeMap<_, _>>().into_iter().collect();
    let prices = weights
        .iter()
        .map(|(s, _)| prices.get(s).map(|p| amount("prices", p)).transpose())
        .collect::<Result<Vec<_>>>()?;
    let shares = fractional_digits.map_or(Shares::Whole, Shares::Fractional);
    let a = allocate_named(&weights, &prices, amount("budget", &budget)?, shares).or_throw()?;
    let shares = weights
        .iter()
        .zip(a.shares)
        .filter(|(_, q)| !q.is_zero())
        .map(|((s, _), q)| (s.clone(), q.to_string()))
        .collect();
    Ok(Allocation { shares, leftover: a.leftover.to_string() })
}
