//! An account followed trade by trade: the compliance engine, the tax lots, the wash-sale state and the daily
//! valuation kept between trades, so that a new trade costs what it changes, not the length of the history.
//!
//! A service keeps one [`AccountTracker`] per active account: [`AccountTracker::push`] checks and records a new
//! trade (the results are those [`check_history`](crate::compliance::check_history) gives it) and
//! [`AccountTracker::figures`] gives the lots, wash sales, time-weighted return series and money-weighted return of
//! the history so far — the same as [`match_lots`](crate::lots::match_lots),
//! [`wash_sales`](crate::lots::wash_sales), [`twr`](crate::returns::twr) and
//! [`money_weighted_return`] of the whole history. The valuation keeps the
//! days before the last trade's date (no later trade can change them) and values the days from it on at each call;
//! it starts over when a trade brings a new symbol (the days valued follow the closes of every traded symbol) or
//! when the closes it valued with have changed. A trade older than the last one, or splits that change, are for
//! the caller to handle by building a new tracker from the history (a change dated in the past).

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};

use crate::activity::{Activity, ActivityKind};
use crate::compliance::{AccountContext, CheckResult, Engine, RuleSet};
use crate::error::{ComplianceError, ReturnsError, TrackerError};
use crate::lots::{LotBook, LotMethod, LotReport, Split, WashSaleReport, WashTracker};
use crate::returns::{money_weighted_return, PriceTable, ReturnSeries, Valuer};
use crate::trade::Trade;

/// What the valuation's kept days were valued with: the traded symbols, a digest of their closes up to the last
/// kept day, and the table's splits and dividends.
#[derive(Debug, Clone, PartialEq)]
struct Stamp {
    symbols: usize,
    closes: u64,
    splits: Vec<Split>,
    dividends: bool,
}

impl Stamp {
    fn of(symbols: &BTreeSet<String>, prices: &PriceTable, through: Option<NaiveDate>) -> Stamp {
        use std::hash::{Hash, Hasher};
        let mut digest = std::collections::hash_map::DefaultHasher::new();
        for s in symbols {
            s.hash(&mut digest);
            if let (Some(series), Some(t)) = (prices.series(s), through) {
                for (d, c) in series.range(..=t) {
                    d.hash(&mut digest);
                    c.normalize().hash(&mut digest);
                }
            }
        }
        Stamp {
            symbols: symbols.len(),
            closes: digest.finish(),
            splits: prices.splits(),
            dividends: prices.has_dividends(),
        }
    }
}

/// An account's history so far and the state of every computation over it.
pub struct AccountTracker {
    engine: Engine,
    trades: crate::History,
    activities: usize,
    symbols: BTreeSet<String>,
    lots: LotBook,
    wash: WashTracker,
    splits: Vec<Split>,
    /// The days valued before the last trade's date, and what they were valued with.
    valuer: Valuer,
    stamp: Option<Stamp>,
}

/// The figures of a tracked history.
#[derive(Debug, Clone)]
pub struct TrackedFigures {
    /// Tax lots (first in, first out) through the splits.
    pub lots: LotReport,
    /// Wash sales through the splits.
    pub wash_sales: WashSaleReport,
    /// The daily time-weighted return series, or why there is none (a traded symbol without closes).
    pub twr: Result<ReturnSeries, ReturnsError>,
    /// The money-weighted return, or why there is none.
    pub money_weighted_return: Result<f64, ReturnsError>,
}

impl AccountTracker {
    /// A tracker of an account with context `ctx` checked by `rules`, its lots and wash sales following `splits`
    /// (those of the price table the figures will use).
    pub fn new(rules: &RuleSet, ctx: AccountContext, splits: Vec<Split>) -> Result<Self, ComplianceError> {
        let mut splits = splits;
        splits.sort_by(|a, b| (a.ex_date, &a.symbol).cmp(&(b.ex_date, &b.symbol)));
        Ok(AccountTracker {
            engine: Engine::new(rules, ctx)?,
            trades: crate::History::default(),
            activities: 0,
            symbols: BTreeSet::new(),
            lots: LotBook::new(LotMethod::Fifo),
            wash: WashTracker::default(),
            splits,
            valuer: Valuer::default(),
            stamp: None,
        })
    }

    /// The trades taken so far, in execution order.
    pub fn trades(&self) -> &[Trade] {
        &self.trades
    }

    /// The trades taken so far as a [`History`](crate::History) (they were validated and ordered as they were
    /// taken: what a function over a history takes without a second pass).
    pub fn history(&self) -> &crate::History {
        &self.trades
    }

    /// The number of activities taken so far.
    pub fn activities(&self) -> usize {
        self.activities
    }

    /// The execution time and id of the last trade taken.
    pub fn last(&self) -> Option<(DateTime<Utc>, &str)> {
        self.trades.last().map(|t| (t.executed_at, t.id.as_str()))
    }

    /// The symbols traded so far.
    pub fn symbols(&self) -> &BTreeSet<String> {
        &self.symbols
    }

    /// The splits the lots follow.
    pub fn splits(&self) -> &[Split] {
        &self.splits
    }

    /// The splits with ex-dates after the last trade's date and up to `date`, applied to the lots and wash sales.
    fn splits_until(&mut self, date: NaiveDate) {
        let after = self.trades.last().map(Trade::trade_date);
        for s in self.splits.iter().filter(|s| after.is_none_or(|a| s.ex_date > a) && s.ex_date <= date) {
            self.lots.apply_split(s);
            self.wash.apply_split(s);
        }
    }

    fn take(&mut self, trade: Trade) {
        self.splits_until(trade.trade_date());
        self.lots.apply(&trade);
        self.wash.apply(&trade);
        if !self.symbols.contains(trade.symbol.as_str()) {
            self.symbols.insert(trade.symbol.clone());
        }
        self.trades.push_admitted(trade);
    }

    /// Checks and records `trade` (validated, not older than the last one): its compliance results.
    pub fn push(&mut self, trade: Trade) -> Result<Vec<CheckResult<'static>>, ComplianceError> {
        let results = self.engine.push(&trade)?.into_iter().map(CheckResult::into_owned).collect();
        self.take(trade);
        Ok(results)
    }

    /// Records `trade` without its results (a history whose results are stored).
    pub fn record(&mut self, trade: Trade) -> Result<(), ComplianceError> {
        self.engine.record(&trade)?;
        self.take(trade);
        Ok(())
    }

    /// Records an activity of the account, dated on or after the last trade's date: the compliance engine's
    /// ([`Engine::push_activity`]), and the lots' and wash sales' (a split not among the prices' splits, a symbol
    /// change, shares transferred in or out).
    pub fn push_activity(&mut self, activity: &Activity) -> Result<(), TrackerError> {
        self.engine.push_activity(activity)?;
        match activity.kind() {
            ActivityKind::Split { symbol, .. }
                if self.splits.iter().any(|s| s.symbol == *symbol && s.ex_date == activity.date()) => {}
            ActivityKind::Split { symbol, ratio, .. } => {
                let split = Split { symbol: symbol.clone(), ex_date: activity.date(), ratio: *ratio };
                self.lots.apply_split(&split);
                self.wash.apply_split(&split);
            }
            ActivityKind::SymbolChange { symbol, new_symbol } => {
                self.lots.apply_activity(activity)?;
                self.wash.rename(symbol, new_symbol);
            }
            _ => self.lots.apply_activity(activity)?,
        }
        self.activities += 1;
        Ok(())
    }

    /// The figures of the history so far, priced from `prices` (raw closes with the splits given at creation).
    pub fn figures(&mut self, prices: &PriceTable) -> TrackedFigures {
        let mut lots = self.lots.report();
        let mut wash = self.wash.clone();
        // splits after the last trade, up to the last close
        let after = self.trades.last().map(Trade::trade_date);
        let mut book = None;
        for s in self.splits.iter().filter(|s| after.is_none_or(|a| s.ex_date > a)) {
            book.get_or_insert_with(|| self.lots.clone()).apply_split(s);
            wash.apply_split(s);
        }
        if let Some(b) = book {
            lots = b.into_report();
        }
        TrackedFigures {
            lots,
            wash_sales: wash.into_report(),
            twr: self.twr(prices),
            money_weighted_return: money_weighted_return(&self.trades, prices),
        }
    }

    /// The daily time-weighted return series ([`twr`](crate::returns::twr) of the history).
    fn twr(&mut self, prices: &PriceTable) -> Result<ReturnSeries, ReturnsError> {
        let Some(last) = self.trades.last() else { return Ok(ReturnSeries::default()) };
        let (first, last_date) = (self.trades[0].trade_date(), last.trade_date());
        let mut end = last_date;
        for s in &self.symbols {
            let series = prices.series(s).ok_or_else(|| ReturnsError::NoPrices { symbol: s.clone() })?;
            if let Some((d, _)) = series.iter().next_back() {
                end = end.max(*d);
            }
        }
        // The kept days stand if they were valued with the same symbols and closes.
        if self.stamp.as_ref() != Some(&Stamp::of(&self.symbols, prices, self.valuer.last_date())) {
            self.valuer = Valuer::default();
        }
        // Days before the last trade's date are final: value the new ones into the kept state.
        let from = self.valuer.last_date();
        let final_dates = self.dates(prices, first, from, last_date.pred_opt().unwrap_or(last_date));
        let mut valuer = std::mem::take(&mut self.valuer);
        self.step(&mut valuer, &final_dates, prices)?;
        self.stamp = Some(Stamp::of(&self.symbols, prices, valuer.last_date()));
        // The last trade's date and after: valued on a copy.
        let mut tail = valuer.clone();
        self.valuer = valuer;
        let tail_dates = self.dates(prices, first, tail.last_date(), end);
        self.step(&mut tail, &tail_dates, prices)?;
        Ok(ReturnSeries {
            dates: tail.days.iter().map(|d| d.date).collect(),
            returns: tail.days.iter().map(|d| d.daily_return).collect(),
        })
    }

    /// The valuation dates after `after` up to `until`: trade dates and closes of the traded symbols, from the first
    /// trade's date (as [`daily_valuations`](crate::returns::daily_valuations) has them).
    fn dates(
        &self,
        prices: &PriceTable,
        first: NaiveDate,
        after: Option<NaiveDate>,
        until: NaiveDate,
    ) -> Vec<NaiveDate> {
        let from = after.and_then(|a| a.succ_opt()).unwrap_or(first).max(first);
        if from > until {
            return Vec::new();
        }
        let start = self.trades.partition_point(|t| t.trade_date() < from);
        let mut dates: BTreeSet<NaiveDate> =
            self.trades[start..].iter().map(Trade::trade_date).take_while(|d| *d <= until).collect();
        for s in &self.symbols {
            if let Some(series) = prices.series(s) {
                dates.extend(series.range(from..=until).map(|(d, _)| *d));
            }
        }
        dates.into_iter().collect()
    }

    fn step(&self, valuer: &mut Valuer, dates: &[NaiveDate], prices: &PriceTable) -> Result<(), ReturnsError> {
        for &date in dates {
            let start = self.trades.partition_point(|t| t.trade_date() < date);
            let end = self.trades.partition_point(|t| t.trade_date() <= date);
            let day: Vec<&Trade> = self.trades[start..end].iter().collect();
            valuer.step(date, &day, prices)?;
        }
        Ok(())
    }
}
