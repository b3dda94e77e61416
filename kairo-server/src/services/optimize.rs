//! `POST /users/{id}/optimize`: which symbols to optimize (those asked for, else the user's open positions), the
//! window of closes, and the optional tax-aware rebalance from the user's lots to the optimal weights. The weights
//! and the plan are kairo-core's ([`kairo_core::optimize`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use kairo_core::input::Amount;
use kairo_core::lots::{match_lots, Direction, LotMethod};
use kairo_core::optimize::{rebalance, returns_from_table, OptimizeSpec, RebalanceOptions, Shares};
use kairo_core::report::{to_json, MONEY_SCALE};
use kairo_core::returns::PriceTable;
use kairo_core::{History, Trade};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{core_error, ApiError};

/// Three years of trading days: PyPortfolioOpt's examples' window, and enough for a stable covariance.
pub const DEFAULT_LOOKBACK: usize = 756;

/// The most frontier points one request may ask for (each is a program solved while the request waits).
pub const MAX_FRONTIER_POINTS: usize = 100;

/// The request.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptimizeIn {
    /// The symbols to allocate among (2 to 500); default: the user's open long positions.
    pub symbols: Option<Vec<String>>,
    /// Daily returns to estimate from (2 to 5,040; default 756, three years), ending at the last common close.
    pub lookback_days: Option<usize>,
    /// kairo-core's `OptimizeSpec`: `objective` (`max_sharpe` default, `min_volatility`, `efficient_return`,
    /// `efficient_risk`, `max_quadratic_utility`, `hrp`, `equal_risk_contribution`), `expected_returns`,
    /// `risk_model`, `risk_free_rate`, `target_return`, `target_volatility`, `risk_aversion`, `market_neutral`,
    /// `weight_bounds`, `l2_gamma`, `sectors`, `frequency`, `span`, `compounding`, `frontier_points`.
    #[schema(value_type = Object)]
    pub spec: Option<Value>,
    /// With it, the answer adds the tax-aware rebalance from the user's lots to the optimal weights.
    pub rebalance: Option<RebalanceIn>,
}

/// The rebalance's options.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RebalanceIn {
    /// Cash in the account besides the positions (default 0).
    #[schema(value_type = Option<String>)]
    pub cash: Option<Amount>,
    /// The date of the orders (default: the last common close).
    pub as_of: Option<NaiveDate>,
    /// The most one-way turnover, a fraction of the account's value.
    pub turnover_limit: Option<f64>,
    /// Allow orders that open a wash sale (default false).
    pub allow_wash_sales: Option<bool>,
    /// Fractional shares to this many decimals (default: whole shares).
    pub fractional_digits: Option<u32>,
    /// The broker's lot method (default `fifo`).
    pub lot_method: Option<String>,
}

/// The request checked: the spec parsed, the lookback in range.
pub struct Checked {
    spec: OptimizeSpec,
    lookback: usize,
    asked: Option<Vec<String>>,
    rebalance: Option<RebalanceIn>,
}

/// Checks the request before any data is read.
pub fn check(input: OptimizeIn) -> Result<Checked, ApiError> {
    let spec = match input.spec {
        None | Some(Value::Null) => OptimizeSpec::default(),
        Some(v) => OptimizeSpec::from_json(v).map_err(|e| core_error(&e))?,
    };
    if spec.frontier_points > MAX_FRONTIER_POINTS {
        return Err(ApiError::invalid(
            "invalid_request",
            "frontier_points",
            format!("at most {MAX_FRONTIER_POINTS} points over HTTP, got {}", spec.frontier_points),
        ));
    }
    let lookback = input.lookback_days.unwrap_or(DEFAULT_LOOKBACK);
    if !(2..=5040).contains(&lookback) {
        return Err(ApiError::invalid(
            "invalid_request",
            "lookback_days",
            format!("must be 2 to 5040, got {lookback}"),
        ));
    }
    if let Some(s) = &input.symbols {
        if !(2..=500).contains(&s.len()) {
            return Err(ApiError::invalid("invalid_request", "symbols", format!("2 to 500 symbols, got {}", s.len())));
        }
        if s.iter().collect::<BTreeSet<_>>().len() != s.len() {
            return Err(ApiError::invalid("invalid_request", "symbols", "a symbol is listed twice"));
        }
    }
    Ok(Checked { spec, lookback, asked: input.symbols, rebalance: input.rebalance })
}

impl Checked {
    /// The symbols to optimize among, and every symbol whose closes are needed (those and the ones held).
    pub fn symbols(&self, trades: &History) -> Result<(Vec<String>, BTreeSet<String>), ApiError> {
        let held = held(trades)?;
        let symbols = match &self.asked {
            Some(s) => s.iter().map(|x| x.trim().to_ascii_uppercase()).collect::<Vec<_>>(),
            None if held.len() >= 2 => held.iter().cloned().collect(),
            None => {
                return Err(ApiError::invalid(
                    "invalid_request",
                    "symbols",
                    "the user holds fewer than 2 symbols: list the symbols to allocate among",
                ))
            }
        };
        let mut wanted: BTreeSet<String> = symbols.iter().cloned().collect();
        if self.rebalance.is_some() {
            wanted.extend(held);
        }
        Ok((symbols, wanted))
    }

    /// The optimal weights (and the rebalance, if asked) as the response's JSON; `wanted` is what
    /// [`Checked::symbols`] gave, `prices` their closes.
    pub fn run(
        &self,
        trades: &History,
        symbols: &[String],
        wanted: &BTreeSet<String>,
        prices: &PriceTable,
    ) -> Result<Value, ApiError> {
        let (returns, last) = returns_from_table(prices, symbols, self.lookback).map_err(|e| core_error(&e))?;
        let optimized = self.spec.run(symbols, &returns).map_err(|e| core_error(&e))?;
        let plan = match &self.rebalance {
            None => Value::Null,
            Some(r) => {
                let targets: BTreeMap<String, f64> = optimized.weights.iter().cloned().collect();
                let mut closes = BTreeMap::new();
                // the targets and the symbols held: every symbol whose closes were wanted
                for s in wanted {
                    let (_, close) = prices.last(s).ok_or_else(|| {
                        ApiError::invalid("missing_prices", "symbols", format!("no closes of {s} are stored"))
                    })?;
                    closes.insert(s.clone(), close);
                }
                let cash = r.cash.as_ref().map(|c| c.decimal("cash")).transpose().map_err(|e| core_error(&e))?;
                let mut opts = RebalanceOptions::new(r.as_of.unwrap_or(last), cash.unwrap_or_default());
                opts.turnover_limit = r.turnover_limit;
                opts.allow_wash_sales = r.allow_wash_sales.unwrap_or(false);
                opts.shares = r.fractional_digits.map_or(Shares::Whole, Shares::Fractional);
                opts.lot_method = method(r.lot_method.as_deref())?;
                let plan = rebalance(trades, &closes, &targets, &opts).map_err(|e| core_error(&e))?;
                to_json(&plan.fields(), Some(MONEY_SCALE))
            }
        };
        Ok(json!({
            "symbols": symbols,
            "days": returns.days(),
            "prices_as_of": last,
            "optimized": to_json(&optimized.fields(), None),
            "rebalance": plan,
        }))
    }
}

fn method(name: Option<&str>) -> Result<LotMethod, ApiError> {
    name.unwrap_or("fifo").parse().map_err(|e| core_error(&e))
}

/// The symbols of the user's open long lots.
fn held(trades: &[Trade]) -> Result<BTreeSet<String>, ApiError> {
    let lots = match_lots(trades, LotMethod::Fifo).map_err(|e| core_error(&e))?;
    Ok(lots.open_lots.iter().filter(|l| l.direction == Direction::Long).map(|l| l.symbol.to_string()).collect())
}
