//! A user's trades against a benchmark: return series, risk-adjusted comparison, monthly table, equity curves and
//! the same-dollar shadow benchmark.

mod benchmark;
mod fields;
mod rebalance;
mod shadow;

pub use benchmark::{Benchmark, DEFAULT_BENCHMARK};
pub use rebalance::Rebalance;
pub use shadow::ShadowBenchmark;

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::ReturnsError;
use crate::history::Trades;
use crate::lots::{lots_in_order, LotMethod, Split};
use crate::metrics::{self, annual_return, cum_returns_final, Period};
use crate::returns::{align, mark_at, resample, valuations_in_order, Frequency, PriceTable, ReturnSeries};
use crate::trade::Trade;

/// Options of [`compare`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CompareOptions {
    /// First date of the compared return series (default: the first trade date).
    pub start: Option<NaiveDate>,
    /// Last date (default: the last date with prices). Trades after it are ignored.
    pub end: Option<NaiveDate>,
    /// Lot method for the realized / unrealized split of the user's P&L (default FIFO).
    pub lot_method: LotMethod,
}

/// One month of the monthly return table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlyRow {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// The portfolio's compounded return in the month.
    pub portfolio: f64,
    /// The benchmark's compounded return in the month.
    pub benchmark: f64,
    /// `portfolio − benchmark`.
    pub excess: f64,
}

/// One point of the equity curves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EquityPoint {
    /// The date.
    pub date: NaiveDate,
    /// The user's market value at the close.
    pub portfolio_value: Decimal,
    /// The shadow benchmark's value at the close.
    pub shadow_value: Decimal,
    /// Growth of 1 invested at the portfolio's time-weighted return.
    pub portfolio_growth: f64,
    /// Growth of 1 invested in the benchmark.
    pub benchmark_growth: f64,
}

/// The user's profit split by lots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioPnl {
    /// Realized P&L of the closed lots.
    pub realized: Decimal,
    /// Unrealized P&L of the open lots at the last marks.
    pub unrealized: Decimal,
    /// `realized + unrealized` (equal to the final market value minus the net flows).
    pub total: Decimal,
}

/// The comparison of a portfolio with a benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The benchmark, as `SPY` or `SPY:0.6,AGG:0.4`.
    pub benchmark: String,
    /// Common dates of the two return series.
    pub dates: Vec<NaiveDate>,
    /// The portfolio's daily TWR on those dates.
    pub portfolio_returns: Vec<f64>,
    /// The benchmark's daily returns on those dates.
    pub benchmark_returns: Vec<f64>,
    /// Total compounded return of the portfolio.
    pub portfolio_total_return: f64,
    /// Total compounded return of the benchmark.
    pub benchmark_total_return: f64,
    /// CAGR of the portfolio (252 periods a year).
    pub portfolio_annual_return: f64,
    /// CAGR of the benchmark.
    pub benchmark_annual_return: f64,
    /// `portfolio_total_return − benchmark_total_return`.
    pub excess_return: f64,
    /// `portfolio_annual_return − benchmark_annual_return`.
    pub excess_annual_return: f64,
    /// CAPM alpha, annualized (empyrical `alpha`).
    pub alpha: f64,
    /// CAPM beta.
    pub beta: f64,
    /// Pearson correlation of the daily returns.
    pub correlation: f64,
    /// Annualized tracking error.
    pub tracking_error: f64,
    /// Information ratio, per period (empyrical `excess_sharpe`).
    pub information_ratio: f64,
    /// Up-market capture.
    pub up_capture: f64,
    /// Down-market capture.
    pub down_capture: f64,
    /// Monthly returns of both.
    pub monthly: Vec<MonthlyRow>,
    /// Values and growth of both, by date.
    pub equity_curve: Vec<EquityPoint>,
    /// The same-dollar shadow benchmark.
    pub shadow: ShadowBenchmark,
    /// The user's P&L.
    pub portfolio_pnl: PortfolioPnl,
}

/// Compares the portfolio of `trades` with `benchmark`, both priced from `prices`.
///
/// ```
/// use chrono::NaiveDate;
/// use kairo_core::compare::{compare, Benchmark, CompareOptions};
/// use kairo_core::returns::PriceTable;
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
///
/// let d = |day| NaiveDate::from_ymd_opt(2024, 1, day).unwrap();
/// let prices = PriceTable::from_rows([
///     ("AAPL", d(2), dec!(100)), ("AAPL", d(3), dec!(120)),
///     ("SPY", d(2), dec!(400)), ("SPY", d(3), dec!(404)),
/// ]).unwrap();
/// let buy = Trade::new("1", "u", "AAPL", Side::Buy, dec!(10), dec!(100), "2024-01-02T20:55:00Z".parse().unwrap()).unwrap();
/// let c = compare(&[buy], &prices, &Benchmark::symbol("SPY").unwrap(), &CompareOptions::default()).unwrap();
/// assert_eq!(c.portfolio_pnl.total, dec!(200));   // 10 × (120 − 100)
/// assert_eq!(c.shadow.pnl, dec!(10));              // 1000 in SPY at 400, +1 %
/// ```
pub fn compare<T: Trades + ?Sized>(
    trades: &T,
    prices: &PriceTable,
    benchmark: &Benchmark,
    options: &CompareOptions,
) -> Result<Comparison, ReturnsError> {
    let ordered: Vec<&Trade> =
        trades.ordered()?.iter().filter(|t| options.end.is_none_or(|end| t.trade_date() <= end)).collect();
    let label = benchmark.to_string();

    let valuations = valuations_in_order(&ordered, prices, options.end)?;
    let in_window = |d: &NaiveDate| options.start.is_none_or(|s| *d >= s) && options.end.is_none_or(|e| *d <= e);
    let portfolio = ReturnSeries {
        dates: valuations.iter().map(|v| v.date).filter(in_window).collect(),
        returns: valuations.iter().filter(|v| in_window(&v.date)).map(|v| v.daily_return).collect(),
    };
    let levels = benchmark.levels(prices)?;
    let bench = ReturnSeries::from_closes(&levels);
    let aligned = align(&portfolio, &bench);
    if aligned.dates.is_empty() && !portfolio.is_empty() {
        return Err(ReturnsError::NoCommonDates);
    }
    let ann = Period::Daily.annualization();
    let (p, b) = (&aligned.left, &aligned.right);
    let (alpha, beta) = metrics::alpha_beta(p, b, 0.0, ann)?;

    let (units_after, units, contributions, withdrawals) = shadow::replay(&ordered, &levels, &label)?;
    let equity_curve = equity_curve(&aligned.dates, p, b, &valuations, &units_after, &levels)?;
    let last_level = match valuations.last() {
        Some(v) => levels.range(..=v.date).next_back().map_or(Decimal::ZERO, |(_, l)| *l),
        None => Decimal::ZERO,
    };
    let overflow = || ReturnsError::Overflow { quantity: "the shadow benchmark value" };
    let final_value = units.checked_mul(last_level).ok_or_else(overflow)?;
    let pnl = final_value.checked_add(withdrawals).and_then(|v| v.checked_sub(contributions)).ok_or_else(overflow)?;
    let shadow = ShadowBenchmark { contributions, withdrawals, units, final_value, pnl };

    Ok(Comparison {
        benchmark: label,
        portfolio_total_return: cum_returns_final(p, 0.0),
        benchmark_total_return: cum_returns_final(b, 0.0),
        portfolio_annual_return: annual_return(p, ann),
        benchmark_annual_return: annual_return(b, ann),
        excess_return: cum_returns_final(p, 0.0) - cum_returns_final(b, 0.0),
        excess_annual_return: annual_return(p, ann) - annual_return(b, ann),
        alpha,
        beta,
        correlation: metrics::correlation(p, b)?,
        tracking_error: metrics::tracking_error(p, b, ann)?,
        information_ratio: metrics::excess_sharpe(p, b)?,
        up_capture: metrics::up_capture(p, b, ann)?,
        down_capture: metrics::down_capture(p, b, ann)?,
        monthly: monthly(&aligned.dates, p, b),
        equity_curve,
        shadow,
        portfolio_pnl: portfolio_pnl(&ordered, prices, valuations.last().map(|v| v.date), options.lot_method)?,
        dates: aligned.dates,
        portfolio_returns: aligned.left,
        benchmark_returns: aligned.right,
    })
}

fn monthly(dates: &[NaiveDate], p: &[f64], b: &[f64]) -> Vec<MonthlyRow> {
    let ps = resample(&ReturnSeries { dates: dates.to_vec(), returns: p.to_vec() }, Frequency::Monthly);
    let bs = resample(&ReturnSeries { dates: dates.to_vec(), returns: b.to_vec() }, Frequency::Monthly);
    ps.into_iter()
        .zip(bs)
        .map(|(p, b)| MonthlyRow {
            year: p.year,
            month: p.period,
            portfolio: p.value,
            benchmark: b.value,
            excess: p.value - b.value,
        })
        .collect()
}

fn equity_curve(
    dates: &[NaiveDate],
    p: &[f64],
    b: &[f64],
    valuations: &[crate::returns::DailyValuation],
    units_after: &std::collections::BTreeMap<NaiveDate, Decimal>,
    levels: &std::collections::BTreeMap<NaiveDate, Decimal>,
) -> Result<Vec<EquityPoint>, ReturnsError> {
    let values: HashMap<NaiveDate, Decimal> = valuations.iter().map(|v| (v.date, v.market_value)).collect();
    let (mut pg, mut bg) = (1.0, 1.0);
    let mut out = Vec::with_capacity(dates.len());
    for (i, date) in dates.iter().enumerate() {
        pg *= 1.0 + p[i];
        bg *= 1.0 + b[i];
        let units = units_after.range(..=*date).next_back().map_or(Decimal::ZERO, |(_, u)| *u);
        let level = levels.get(date).copied().unwrap_or(Decimal::ZERO);
        out.push(EquityPoint {
            date: *date,
            portfolio_value: values.get(date).copied().unwrap_or(Decimal::ZERO),
            shadow_value: units
                .checked_mul(level)
                .ok_or(ReturnsError::Overflow { quantity: "the shadow benchmark value" })?,
            portfolio_growth: pg,
            benchmark_growth: bg,
        });
    }
    Ok(out)
}

fn portfolio_pnl(
    trades: &[&Trade],
    prices: &PriceTable,
    last_date: Option<NaiveDate>,
    method: LotMethod,
) -> Result<PortfolioPnl, ReturnsError> {
    // Splits up to the valuation date (raw closes): quantities in the shares of that date.
    let all_splits = prices.splits();
    let splits: Vec<&Split> = all_splits.iter().filter(|s| last_date.is_some_and(|d| s.ex_date <= d)).collect();
    // realized P&L and open lots only: the closed lots are not part of the answer
    let report = lots_in_order(trades.iter().copied(), None, method, &splits);
    // The last fill of each symbol still held (its price marks a position without a close since): found from the
    // end of the history, which stops once every held symbol has one.
    let mut last_trade: HashMap<&str, (NaiveDate, Decimal)> = HashMap::new();
    let held: std::collections::BTreeSet<&str> = report.open_lots.iter().map(|l| &*l.symbol).collect();
    for t in trades.iter().rev() {
        if last_trade.len() == held.len() {
            break;
        }
        if held.contains(t.symbol.as_str()) && !last_trade.contains_key(t.symbol.as_str()) {
            last_trade.insert(t.symbol.as_str(), (t.trade_date(), t.price));
        }
    }
    let mut marks = HashMap::new();
    if let Some(date) = last_date {
        for lot in &report.open_lots {
            let mark = mark_at(prices, &lot.symbol, date, last_trade.get(&*lot.symbol))?;
            marks.insert(lot.symbol.to_string(), mark);
        }
    }
    let unrealized =
        report.unrealized(&marks).map_err(|_| ReturnsError::NoPrices { symbol: "an open position".into() })?.total;
    Ok(PortfolioPnl { realized: report.realized_pnl, unrealized, total: report.realized_pnl + unrealized })
}
