//! Daily valuation and the time-weighted return (TWR) of a portfolio.
//!
//! # Formula (GIPS daily valuation, external flows at the end of the day)
//!
//! Each trade is an external cash flow of the portfolio: a buy a contribution of `qty × price + fees`, a sell a
//! withdrawal of `qty × price − fees`. On each day t, with `Vₜ = Σ qₛ · cₛ,ₜ` the market value of the positions
//! at the close and `Fₜ` the day's net flow (contributions minus withdrawals),
//!
//! ```text
//! PnLₜ = Vₜ − Vₜ₋₁ − Fₜ + Dₜ           rₜ = PnLₜ / Bₜ
//! Bₜ   = Gₜ₋₁ = Σ |qₛ| · cₛ,ₜ₋₁        (gross exposure at the previous close), or, when the day opens flat,
//! Bₜ   = Σ price × quantity opened      (the capital put to work that day)
//! ```
//!
//! For a long-only portfolio `Gₜ₋₁ = Vₜ₋₁`, so `rₜ = (Vₜ − Fₜ) / Vₜ₋₁ − 1`, the GIPS daily-valuation return with
//! flows at the end of the day: a buy filled exactly at the close adds `q·c` to both `Vₜ` and `Fₜ` and leaves the
//! day's return unchanged, and scaling every trade by the same factor leaves every return unchanged. Using gross
//! exposure as the base gives short positions a meaningful return (a short's gain is positive over the capital
//! at risk). Fees lower the day's P&L and so the return.
//!
//! # Conventions
//!
//! * **Dates.** Trades are dated in America/New_York. The series runs from the first trade date to `end`
//!   (default: the later of the last trade date and the last close of any traded symbol), over every date that has
//!   a trade or a close of a traded symbol.
//! * **First day.** The portfolio opens flat, so the base is the capital opened: a first buy at `p` that closes at
//!   `c` returns `c / p − 1`.
//! * **No position.** A day that opens flat and trades nothing has a return of 0 (no capital at risk).
//! * **Corporate actions.** Closes are raw: a split multiplies the shares held on its ex-date, so the value runs on
//!   across it; a dividend (`Dₜ`, zero unless the price table holds dividends) is income of its ex-date on the
//!   shares held at the close before, so this is a total return of the positions, the return of the
//!   total-return index a benchmark is compared on.
//! * **Missing prices.** A symbol without a close on a date is marked at its last close, or at its last trade
//!   price when that is more recent. A traded symbol with no close at all is an error.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::prices::PriceTable;
use super::series::{to_f64, ReturnSeries};
use crate::error::ReturnsError;
use crate::history::Trades;
use crate::trade::Trade;

/// The valuation of a portfolio at the close of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyValuation {
    /// The day.
    pub date: NaiveDate,
    /// `Vₜ`: signed market value of the positions at the close.
    pub market_value: Decimal,
    /// `Gₜ`: gross exposure at the close, `Σ |q| · c`.
    pub gross_exposure: Decimal,
    /// `Fₜ`: net external flow of the day (buys' cost minus sells' net proceeds).
    pub net_flow: Decimal,
    /// `Dₜ`: dividends of the day on the positions held at the previous close (from the price table's dividends).
    #[serde(default)]
    pub income: Decimal,
    /// `PnLₜ = Vₜ − Vₜ₋₁ − Fₜ + Dₜ`.
    pub pnl: Decimal,
    /// `Bₜ`: the base of the return.
    pub base: Decimal,
    /// `rₜ = PnLₜ / Bₜ` (0 when the base is 0).
    pub daily_return: f64,
}

/// Values the portfolio of `trades` at every close (see the module documentation for the formula).
///
/// ```
/// use chrono::NaiveDate;
/// use kairo_core::returns::{daily_valuations, PriceTable};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
///
/// let d = |day| NaiveDate::from_ymd_opt(2024, 1, day).unwrap();
/// let prices = PriceTable::from_rows([("SPY", d(2), dec!(100)), ("SPY", d(3), dec!(110))]).unwrap();
/// let buy = Trade::new("1", "u", "SPY", Side::Buy, dec!(10), dec!(95), "2024-01-02T15:00:00Z".parse().unwrap()).unwrap();
/// let days = daily_valuations(&[buy], &prices, None).unwrap();
/// // day 1: bought at 95, closed at 100 → 5/95; day 2: 100 → 110 = +10 %
/// assert_eq!(days[0].pnl, dec!(50));
/// assert!((days[0].daily_return - 50.0 / 950.0).abs() < 1e-15);
/// assert_eq!(days[1].daily_return, 0.1);
/// ```
pub fn daily_valuations<T: Trades + ?Sized>(
    trades: &T,
    prices: &PriceTable,
    end: Option<NaiveDate>,
) -> Result<Vec<DailyValuation>, ReturnsError> {
    valuations_in_order(&trades.ordered()?.to_refs(), prices, end)
}

/// [`daily_valuations`] of trades already validated and in execution order.
pub(crate) fn valuations_in_order(
    ordered: &[&Trade],
    prices: &PriceTable,
    end: Option<NaiveDate>,
) -> Result<Vec<DailyValuation>, ReturnsError> {
    if ordered.is_empty() {
        return Ok(Vec::new());
    }
    let dates = valuation_dates(ordered, prices, end)?;
    let mut valuer = Valuer::default();
    let mut next = 0usize;
    for date in dates {
        let first = next;
        while next < ordered.len() && ordered[next].trade_date() <= date {
            next += 1;
        }
        valuer.step(date, &ordered[first..next], prices)?;
    }
    Ok(valuer.days)
}

/// The state of the daily valuation between two closes: the positions, each symbol's last fill, the previous
/// close's value and exposure, and the days valued so far. Stepping it date by date gives [`daily_valuations`];
/// kept, it values the days a new trade adds without replaying the history ([`AccountTracker`](crate::tracker)).
#[derive(Debug, Clone, Default)]
pub(crate) struct Valuer {
    positions: BTreeMap<String, Decimal>,
    last_trade: rustc_hash::FxHashMap<String, (NaiveDate, Decimal)>,
    prev_value: Decimal,
    prev_gross: Decimal,
    prev_date: Option<NaiveDate>,
    /// The days valued.
    pub(crate) days: Vec<DailyValuation>,
}

impl Valuer {
    /// The last day valued.
    pub(crate) fn last_date(&self) -> Option<NaiveDate> {
        self.prev_date
    }

    /// Values `date` (after every date valued so far) with `trades`, the fills of that date, in execution order.
    pub(crate) fn step(&mut self, date: NaiveDate, trades: &[&Trade], prices: &PriceTable) -> Result<(), ReturnsError> {
        let Valuer { positions, last_trade, prev_value, prev_gross, prev_date, days } = self;
        // Splits since the last valuation (raw closes): the shares held multiply, the last fill's price divides.
        for (symbol, qty) in positions.iter_mut().filter(|_| prices.has_splits()) {
            let ratio = prices.split_ratio(symbol, *prev_date, date);
            if ratio != Decimal::ONE {
                *qty *= ratio;
                if let Some((_, price)) = last_trade.get_mut(symbol) {
                    *price /= ratio;
                }
            }
        }
        // Dividends with ex-dates since the last valuation, paid on the shares held at its close (a short pays
        // them).
        let mut income = Decimal::ZERO;
        if prices.has_dividends() {
            for (symbol, qty) in positions.iter() {
                income += *qty * prices.dividend_per_share(symbol, *prev_date, date);
            }
        }
        *prev_date = Some(date);
        let (mut opened, mut flow) = (Decimal::ZERO, Decimal::ZERO);
        for t in trades {
            let before = positions.get(t.symbol.as_str()).copied().unwrap_or(Decimal::ZERO);
            let after = before + t.signed_qty();
            opened += opening_quantity(before, after) * t.price;
            flow += t.cash_flow();
            if after.is_zero() {
                positions.remove(t.symbol.as_str());
            } else if let Some(q) = positions.get_mut(t.symbol.as_str()) {
                *q = after;
            } else {
                positions.insert(t.symbol.clone(), after);
            }
            match last_trade.get_mut(t.symbol.as_str()) {
                Some(last) => *last = (t.trade_date(), t.price),
                None => {
                    last_trade.insert(t.symbol.clone(), (t.trade_date(), t.price));
                }
            }
        }
        let (mut value, mut gross) = (Decimal::ZERO, Decimal::ZERO);
        for (symbol, &qty) in positions.iter() {
            let mark = mark_at(prices, symbol, date, last_trade.get(symbol.as_str()))?;
            value += qty * mark;
            gross += qty.abs() * mark;
        }
        let pnl = value - *prev_value - flow + income;
        let base = if *prev_gross > Decimal::ZERO { *prev_gross } else { opened };
        // The exact quotient, or (when it is beyond `Decimal`'s range: a large P&L on a minute base, such as fees of
        // 10¹² on a fill worth 10⁻²⁰) the quotient of the two amounts as floats, which a return is anyway.
        let daily_return = if base > Decimal::ZERO {
            pnl.checked_div(base).map_or_else(|| to_f64(pnl) / to_f64(base), to_f64)
        } else {
            0.0
        };
        days.push(DailyValuation {
            date,
            market_value: value,
            gross_exposure: gross,
            net_flow: flow,
            income,
            pnl,
            base,
            daily_return,
        });
        *prev_value = value;
        *prev_gross = gross;
        Ok(())
    }
}

/// The daily time-weighted return series of `trades` (the `daily_return` of [`daily_valuations`]).
pub fn twr<T: Trades + ?Sized>(
    trades: &T,
    prices: &PriceTable,
    end: Option<NaiveDate>,
) -> Result<ReturnSeries, ReturnsError> {
    let days = daily_valuations(trades, prices, end)?;
    Ok(ReturnSeries {
        dates: days.iter().map(|d| d.date).collect(),
        returns: days.iter().map(|d| d.daily_return).collect(),
    })
}

/// Quantity that a move from `before` to `after` opens: the growth of a position on the same side, or the whole
/// new position after a flip.
fn opening_quantity(before: Decimal, after: Decimal) -> Decimal {
    if before.is_zero() || before.is_sign_positive() == after.is_sign_positive() {
        (after.abs() - before.abs()).max(Decimal::ZERO)
    } else {
        after.abs()
    }
}

/// The price of `symbol` at the close of `date`: its close, or the latest of its last close and its last trade
/// (`last_trade`, the date and price of the symbol's latest trade on or before `date`).
pub(crate) fn mark_at(
    prices: &PriceTable,
    symbol: &str,
    date: NaiveDate,
    last_trade: Option<&(NaiveDate, Decimal)>,
) -> Result<Decimal, ReturnsError> {
    let close = prices.series(symbol).and_then(|s| s.range(..=date).next_back());
    match (close, last_trade) {
        (Some((cd, c)), Some((td, p))) => Ok(if td > cd { *p } else { *c }),
        (Some((_, c)), None) => Ok(*c),
        (None, Some((_, p))) => Ok(*p),
        (None, None) => Err(ReturnsError::NoPrices { symbol: symbol.to_owned() }),
    }
}

pub(crate) fn valuation_dates(
    ordered: &[&Trade],
    prices: &PriceTable,
    end: Option<NaiveDate>,
) -> Result<Vec<NaiveDate>, ReturnsError> {
    // The trades are in execution order, so their dates come ascending: each is kept once without a set, and a
    // long history's few symbols are gathered in a set rather than by sorting one entry per trade.
    let mut trade_dates: Vec<NaiveDate> = Vec::new();
    let mut symbols: BTreeSet<&str> = BTreeSet::new();
    for t in ordered {
        let d = t.trade_date();
        if trade_dates.last() != Some(&d) {
            trade_dates.push(d);
        }
        symbols.insert(t.symbol.as_str());
    }
    let first = trade_dates[0];
    let mut last = trade_dates.last().copied().unwrap_or(first);
    let mut dates: BTreeSet<NaiveDate> = trade_dates.into_iter().collect();
    for symbol in &symbols {
        let series = prices.series(symbol).ok_or_else(|| ReturnsError::NoPrices { symbol: (*symbol).to_owned() })?;
        if let Some((d, _)) = series.iter().next_back() {
            last = last.max(*d);
        }
    }
    let end = end.unwrap_or(last);
    for symbol in &symbols {
        if let Some(series) = prices.series(symbol) {
            dates.extend(series.range(first..=end).map(|(d, _)| *d));
        }
    }
    Ok(dates.into_iter().filter(|d| *d <= end).collect())
}
