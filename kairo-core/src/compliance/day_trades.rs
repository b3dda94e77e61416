//! Day trades and the pattern-day-trader test of FINRA Rule 4210(f)(8)(B).
//!
//! **Day trade** (4210(f)(8)(B)(i)): purchasing and selling, or selling and purchasing, the same security on the
//! same day in a margin account, except selling a long position held overnight before any new purchase that day,
//! or buying to cover a short position held overnight before any new sale that day. Each execution is split into a
//! closing part (the part that reduces the position) and an opening part (the rest); a closing part closes the
//! shares opened today first, then those held overnight (so the overnight exception covers exactly the sales made
//! before any new purchase).
//!
//! **Counting** ([`DayTradeCounting`]):
//! - `transitions` (default, FINRA's convention in Regulatory Notice 21-13 and its day-trading FAQ): one day trade
//!   each time a closing execution follows opening executions of the same symbol that day. Buy 250, buy 250,
//!   sell 500 is one day trade; buy 100, sell 100, buy 100, sell 100 is two; buy 500, sell 100, sell 100, sell 300
//!   is one.
//! - `pairs`: one day trade per (opening execution, closing execution) pair sharing quantity, today's openings
//!   matched first in, first out. Buy 250, buy 250, sell 500 is two.
//!
//! **Pattern day trader** (4210(f)(8)(B)(ii)): four or more day trades within five business days, provided they are
//! more than six percent of the account's trades in that period. Business days are trading days of the NYSE
//! calendar; the window ends on the trade date and starts four trading days earlier (for a trade on a closed day,
//! four trading days before the last trading day before it). A pattern day trader must keep equity of at least
//! $25,000 on any day it day trades (4210(f)(8)(B)(iv)).

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::calendar::{is_trading_day, previous_trading_day};
use crate::decimal_cmp as dc;
use crate::error::ComplianceError;
use crate::history::Trades;
use crate::trade::Side;

use super::context::{DayTradeCounting, PatternDayTrading};

/// One day trade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayTrade {
    /// The trade date (New York).
    pub date: NaiveDate,
    /// The security.
    pub symbol: String,
    /// The quantity opened and closed that day by this day trade.
    pub qty: Decimal,
    /// The opening execution (with `transitions` counting, the first opening execution since the last day trade).
    pub open_trade_id: Arc<str>,
    /// The closing execution.
    pub close_trade_id: Arc<str>,
}

/// The pattern-day-trader test over one window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PdtStatus {
    /// Day trades in the window.
    pub day_trades_in_window: u32,
    /// All trades (executions) in the window.
    pub total_trades_in_window: u32,
    /// First day of the window.
    pub window_start: NaiveDate,
    /// Last day of the window.
    pub window_end: NaiveDate,
    /// At least the threshold number of day trades, and more than the threshold share of all trades.
    pub is_pattern_day_trader: bool,
}

/// The first day of the `days`-business-day window ending on `end`.
pub fn window_start(end: NaiveDate, days: u32) -> NaiveDate {
    let mut d = if is_trading_day(end) { end } else { previous_trading_day(end) };
    for _ in 1..days {
        d = previous_trading_day(d);
    }
    d
}

/// Whether `day_trades` out of `total` trades make a pattern day trader under `limits`.
pub fn is_pattern(day_trades: u32, total: u32, limits: &PatternDayTrading) -> bool {
    day_trades >= limits.day_trades
        && limits
            .min_share_percent
            .checked_mul(Decimal::from(total))
            .is_some_and(|share| Decimal::from(day_trades) * Decimal::ONE_HUNDRED > share)
}

/// One symbol's trading on its latest trade date.
#[derive(Debug, Clone, Default)]
struct SymbolDay {
    date: Option<NaiveDate>,
    /// An opening execution came after the last closing one (transitions counting).
    pending: bool,
    /// The first opening execution of the pending run.
    run_open: Option<Arc<str>>,
    /// Quantity opened today and still open.
    today_open: Decimal,
    /// Today's opening executions with their quantity still open (pairs counting).
    opens: VecDeque<(Arc<str>, Decimal)>,
}

impl SymbolDay {
    /// Applies one execution; appends the day trades it completes to `out`.
    fn step(&mut self, ev: Exec<'_>, counting: DayTradeCounting, out: &mut Vec<DayTrade>) {
        if self.date != Some(ev.date) {
            *self = SymbolDay { date: Some(ev.date), opens: std::mem::take(&mut self.opens), ..SymbolDay::default() };
            self.opens.clear();
        }
        let reduces = match ev.side {
            Side::Buy => ev.position < Decimal::ZERO,
            Side::Sell => ev.position > Decimal::ZERO,
        };
        let closing = if reduces { ev.qty.min(ev.position.abs()) } else { Decimal::ZERO };
        let opening = ev.qty - closing;
        if closing > Decimal::ZERO {
            let from_today = dc::min(closing, self.today_open);
            match counting {
                DayTradeCounting::Transitions => {
                    if self.pending && from_today > Decimal::ZERO {
                        if let Some(open) = &self.run_open {
                            out.push(ev.day_trade(open.clone(), from_today));
                        }
                    }
                }
                DayTradeCounting::Pairs => {
                    let mut left = from_today;
                    while left > Decimal::ZERO {
                        let Some(front) = self.opens.front_mut() else { break };
                        let m = dc::min(left, front.1);
                        out.push(ev.day_trade(front.0.clone(), m));
                        front.1 -= m;
                        left -= m;
                        if front.1.is_zero() {
                            self.opens.pop_front();
                        }
                    }
                }
            }
            self.pending = false;
            self.today_open -= from_today;
        }
        if opening > Decimal::ZERO {
            if !self.pending {
                self.run_open = Some(ev.id.clone());
            }
            self.pending = true;
            self.today_open += opening;
            if counting == DayTradeCounting::Pairs {
                self.opens.push_back((ev.id.clone(), opening));
            }
        }
    }
}

/// What the counter needs of an execution.
#[derive(Clone, Copy)]
pub(crate) struct Exec<'a> {
    pub id: &'a Arc<str>,
    pub symbol: &'a str,
    pub side: Side,
    pub qty: Decimal,
    pub date: NaiveDate,
    /// Signed position in the symbol before the execution.
    pub position: Decimal,
}

impl Exec<'_> {
    fn day_trade(&self, open: Arc<str>, qty: Decimal) -> DayTrade {
        DayTrade {
            date: self.date,
            symbol: self.symbol.to_owned(),
            qty,
            open_trade_id: open,
            close_trade_id: self.id.clone(),
        }
    }
}

/// Streaming day-trade counter of one account, with the trade and day-trade counts of the recent business days.
/// Memory: one entry per symbol plus one per day of the window.
#[derive(Debug, Clone)]
pub(crate) struct DayTradeCounter {
    counting: DayTradeCounting,
    window_days: u32,
    symbols: Vec<SymbolDay>,
    /// (date, day trades, trades) of recent days with trades, oldest first.
    days: VecDeque<(NaiveDate, u32, u32)>,
    /// The window start of the last date asked for (the calendar walk is done once per date).
    window: std::cell::Cell<Option<(NaiveDate, NaiveDate)>>,
}

impl DayTradeCounter {
    pub fn new(limits: &PatternDayTrading) -> Self {
        DayTradeCounter {
            counting: limits.counting,
            window_days: limits.window_days,
            symbols: Vec::new(),
            days: VecDeque::new(),
            window: std::cell::Cell::new(None),
        }
    }

    fn window_start(&self, date: NaiveDate) -> NaiveDate {
        match self.window.get() {
            Some((d, start)) if d == date => start,
            _ => {
                let start = window_start(date, self.window_days);
                self.window.set(Some((date, start)));
                start
            }
        }
    }

    /// The day trades `ev` would complete, without recording it.
    pub fn preview(&self, symbol: usize, ev: Exec<'_>) -> Vec<DayTrade> {
        let mut out = Vec::new();
        let mut day = match self.symbols.get(symbol) {
            Some(d) if d.date == Some(ev.date) => d.clone(),
            _ => SymbolDay::default(),
        };
        day.step(ev, self.counting, &mut out);
        out
    }

    /// Records `ev`; returns the day trades it completes.
    pub fn push(&mut self, symbol: usize, ev: Exec<'_>, out: &mut Vec<DayTrade>) {
        if self.symbols.len() <= symbol {
            self.symbols.resize_with(symbol + 1, SymbolDay::default);
        }
        let before = out.len();
        self.symbols[symbol].step(ev, self.counting, out);
        let new = u32::try_from(out.len() - before).unwrap_or(u32::MAX);
        match self.days.back_mut() {
            Some((date, dt, n)) if *date == ev.date => {
                *dt += new;
                *n += 1;
            }
            _ => self.days.push_back((ev.date, new, 1)),
        }
        let start = self.window_start(ev.date);
        while self.days.front().is_some_and(|(d, _, _)| *d < start) {
            self.days.pop_front();
        }
    }

    /// The window ending on `date` with `extra_day_trades` and `extra_trades` added (a trade being checked).
    pub fn summary(
        &self,
        date: NaiveDate,
        extra_day_trades: u32,
        extra_trades: u32,
        limits: &PatternDayTrading,
    ) -> PdtStatus {
        let start = self.window_start(date);
        let (mut dt, mut n) = (extra_day_trades, extra_trades);
        for (d, t, k) in &self.days {
            if *d >= start && *d <= date {
                dt += t;
                n += k;
            }
        }
        PdtStatus {
            day_trades_in_window: dt,
            total_trades_in_window: n,
            window_start: start,
            window_end: date,
            is_pattern_day_trader: is_pattern(dt, n, limits),
        }
    }
}

/// Validated trades in execution order with each one's position before it, for the standalone functions.
fn replay<T: Trades + ?Sized>(
    trades: &T,
    limits: &PatternDayTrading,
    mut each: impl FnMut(&mut DayTradeCounter, usize, Exec<'_>),
) -> Result<DayTradeCounter, ComplianceError> {
    let ordered = trades.ordered()?;
    let mut counter = DayTradeCounter::new(limits);
    let mut symbols: FxHashMap<&str, (usize, Decimal)> = FxHashMap::default();
    for t in ordered.iter() {
        let next = symbols.len();
        let (index, position) = symbols.entry(t.symbol.as_str()).or_insert((next, Decimal::ZERO));
        let id: Arc<str> = Arc::from(t.id.as_str());
        let ev =
            Exec { id: &id, symbol: &t.symbol, side: t.side, qty: t.qty, date: t.trade_date(), position: *position };
        each(&mut counter, *index, ev);
        *position += t.signed_qty();
    }
    Ok(counter)
}

/// Every day trade in `trades` (any order; processed by execution time), counted as `counting` says.
///
/// ```
/// use kairo_core::compliance::{day_trades, DayTradeCounting};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
/// let t = |id: &str, side, qty, at: &str| Trade::new(id, "u", "ABC", side, qty, dec!(10), at.parse().unwrap()).unwrap();
/// // Buy 250, buy 250, sell 500 the same day: one day trade under FINRA's counting, two counted by pairs.
/// let trades = [
///     t("b1", Side::Buy, dec!(250), "2024-06-03T14:00:00Z"),
///     t("b2", Side::Buy, dec!(250), "2024-06-03T14:30:00Z"),
///     t("s1", Side::Sell, dec!(500), "2024-06-03T15:00:00Z"),
/// ];
/// assert_eq!(day_trades(&trades, DayTradeCounting::Transitions).unwrap().len(), 1);
/// assert_eq!(day_trades(&trades, DayTradeCounting::Pairs).unwrap().len(), 2);
/// ```
pub fn day_trades<T: Trades + ?Sized>(
    trades: &T,
    counting: DayTradeCounting,
) -> Result<Vec<DayTrade>, ComplianceError> {
    let limits = PatternDayTrading { counting, ..PatternDayTrading::default() };
    let mut out = Vec::new();
    replay(trades, &limits, |c, i, ev| c.push(i, ev, &mut out))?;
    Ok(out)
}

/// The pattern-day-trader test for the window of `limits.window_days` business days ending on `as_of`.
pub fn pdt_status<T: Trades + ?Sized>(
    trades: &T,
    limits: &PatternDayTrading,
    as_of: NaiveDate,
) -> Result<PdtStatus, ComplianceError> {
    let mut sink = Vec::new();
    let counter = replay(trades, limits, |c, i, ev| {
        if ev.date <= as_of {
            c.push(i, ev, &mut sink);
            sink.clear();
        }
    })?;
    Ok(counter.summary(as_of, 0, 0, limits))
}
