//! The chart-ready series of a tear sheet, computed from dated returns: cumulative returns, the underwater curve
//! and its deepest drawdowns, monthly and yearly returns, rolling ratios and the distribution of the returns.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::timeline::TimelineEvent;
use crate::metrics::{
    cum_returns, drawdown_periods, drawdown_series, roll, rolling_beta, rolling_sharpe, rolling_volatility,
    sortino_ratio,
};

/// One drawdown period with its dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrawdownSpan {
    /// The last date at the previous high (the first date when the series starts under water).
    pub peak: NaiveDate,
    /// The date of the lowest point.
    pub valley: NaiveDate,
    /// The date the previous high was regained, if it was.
    pub recovery: Option<NaiveDate>,
    /// The depth, a negative fraction.
    pub depth: f64,
}

/// A month's compounded return.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MonthReturn {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
    /// `Π(1 + r) − 1` over the month's periods (NaN periods skipped).
    pub value: f64,
}

/// A bin of the return distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bin {
    /// The bin's lower edge.
    pub from: f64,
    /// The bin's upper edge.
    pub to: f64,
    /// Number of returns in `[from, to)` (the last bin includes its upper edge).
    pub count: usize,
}

/// Every series a tear sheet draws, aligned on `dates` where they are per period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartSeries {
    /// The dates of the periods.
    pub dates: Vec<NaiveDate>,
    /// Cumulative return of the portfolio at each date (`Π(1 + r) − 1`).
    pub cumulative: Vec<f64>,
    /// Cumulative return of the benchmark, when there is one.
    pub benchmark_cumulative: Option<Vec<f64>>,
    /// The drawdown at each date, a fraction ≤ 0 (the underwater curve).
    pub underwater: Vec<f64>,
    /// The five deepest drawdowns.
    pub drawdowns: Vec<DrawdownSpan>,
    /// Compounded return per month, in order.
    pub monthly: Vec<MonthReturn>,
    /// Compounded return per calendar year: (year, portfolio, benchmark or NaN).
    pub yearly: Vec<(i32, f64, f64)>,
    /// The rolling window, in periods.
    pub rolling_window: usize,
    /// Rolling Sharpe ratio, one value per date from the window's last date on (NaN before).
    pub rolling_sharpe: Vec<f64>,
    /// Rolling Sortino ratio.
    pub rolling_sortino: Vec<f64>,
    /// Rolling annualized volatility.
    pub rolling_volatility: Vec<f64>,
    /// Rolling beta against the benchmark, when there is one.
    pub rolling_beta: Option<Vec<f64>>,
    /// Histogram of the returns (20 equal bins over their range).
    pub distribution: Vec<Bin>,
    /// The compliance flags and failures of the timeline, by date.
    pub compliance: Vec<TimelineEvent>,
    /// The PDT window's day-trade count after each checked trade, by date.
    pub day_trades: Vec<(NaiveDate, u32)>,
}

/// Compounded return of each consecutive group of periods with the same key.
fn compound_runs<K: PartialEq + Copy>(
    dates: &[NaiveDate],
    returns: &[f64],
    key: impl Fn(NaiveDate) -> K,
) -> Vec<(K, f64)> {
    let mut out: Vec<(K, f64)> = Vec::new();
    for (d, r) in dates.iter().zip(returns) {
        let k = key(*d);
        if out.last().is_none_or(|(last, _)| *last != k) {
            out.push((k, 1.0));
        }
        if let Some(last) = out.last_mut() {
            if !r.is_nan() {
                last.1 *= 1.0 + r;
            }
        }
    }
    out.into_iter().map(|(k, g)| (k, g - 1.0)).collect()
}

/// Values padded with NaN at the front to one per date.
fn padded(values: Vec<f64>, len: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; len.saturating_sub(values.len())];
    out.extend(values);
    out
}

fn histogram(returns: &[f64], bins: usize) -> Vec<Bin> {
    let known: Vec<f64> = returns.iter().copied().filter(|r| r.is_finite()).collect();
    let (lo, hi) = known.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &r| (a.min(r), b.max(r)));
    if known.is_empty() {
        return Vec::new();
    }
    let width = if hi > lo { (hi - lo) / bins as f64 } else { 1.0 };
    let mut out: Vec<Bin> =
        (0..bins).map(|i| Bin { from: lo + width * i as f64, to: lo + width * (i + 1) as f64, count: 0 }).collect();
    for r in known {
        let i = (((r - lo) / width) as usize).min(bins - 1);
        out[i].count += 1;
    }
    out
}

/// The series of a tear sheet. `benchmark` is aligned with `returns` (one value per date); `window` is the rolling
/// window in periods and `annualization` the periods per year.
pub fn chart_series(
    dates: &[NaiveDate],
    returns: &[f64],
    benchmark: Option<&[f64]>,
    window: usize,
    annualization: f64,
) -> ChartSeries {
    let n = returns.len();
    let wealth = drawdown_series(returns);
    let drawdowns = drawdown_periods(returns, 5)
        .into_iter()
        .filter_map(|p| {
            Some(DrawdownSpan {
                peak: *dates.get(p.peak.unwrap_or(0))?,
                valley: *dates.get(p.valley)?,
                recovery: p.recovery.and_then(|i| dates.get(i).copied()),
                depth: p.depth,
            })
        })
        .collect();
    let monthly = compound_runs(dates, returns, |d| (d.year(), d.month()))
        .into_iter()
        .map(|((year, month), value)| MonthReturn { year, month, value })
        .collect();
    let years = compound_runs(dates, returns, |d| d.year());
    let bench_years = benchmark.map(|b| compound_runs(dates, b, |d| d.year()));
    let yearly = years
        .iter()
        .enumerate()
        .map(|(i, (y, v))| (*y, *v, bench_years.as_ref().and_then(|b| b.get(i)).map_or(f64::NAN, |b| b.1)))
        .collect();
    let w = window.max(2);
    let rolled = |v: Result<Vec<f64>, _>| padded(v.unwrap_or_default(), n);
    ChartSeries {
        dates: dates.to_vec(),
        cumulative: cum_returns(returns, 0.0),
        benchmark_cumulative: benchmark.map(|b| cum_returns(b, 0.0)),
        underwater: wealth,
        drawdowns,
        monthly,
        yearly,
        rolling_window: w,
        rolling_sharpe: rolled(rolling_sharpe(returns, w, 0.0, annualization)),
        rolling_sortino: padded(
            if n >= w {
                roll(returns, w, |x| sortino_ratio(x, 0.0, annualization)).unwrap_or_default()
            } else {
                Vec::new()
            },
            n,
        ),
        rolling_volatility: rolled(rolling_volatility(returns, w, annualization)),
        rolling_beta: benchmark.map(|b| rolled(rolling_beta(returns, b, w))),
        distribution: histogram(returns, 20),
        compliance: Vec::new(),
        day_trades: Vec::new(),
    }
}
