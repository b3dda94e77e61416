//! The wash-sale rule over a history ([`wash_sales`] and its variants), one trade at a time: the lots of each (user, security) and the report so far, kept between
//! trades. [`wash_sales`] runs a history through it; an [`AccountTracker`](crate::tracker)
//! keeps one to take a new trade without replaying the history.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use super::identical::IdenticalSecurities;
use super::split::{self, Split};
use super::wash_report::WashSaleReport;
use super::wash_sale::SymbolLots;
use crate::error::LotError;
use crate::history::Trades;
use crate::trade::{Side, Trade};

/// The wash-sale state of a history so far.
#[derive(Debug, Clone, Default)]
pub struct WashTracker {
    identical: IdenticalSecurities,
    books: FxHashMap<(String, String), SymbolLots>,
    report: WashSaleReport,
    /// Realized P&L by traded symbol before the disallowed losses are added back.
    realized: BTreeMap<String, Decimal>,
}

impl WashTracker {
    /// An empty state, with groups of symbols that count as one security.
    pub fn new(identical: IdenticalSecurities) -> Self {
        WashTracker { identical, ..WashTracker::default() }
    }

    /// A split on its ex-date: the shares of every book of the split's security multiplied by its ratio.
    pub fn apply_split(&mut self, split: &Split) {
        let key = self.identical.key(&split.symbol);
        for ((_, k), book) in self.books.iter_mut() {
            if k == key {
                book.apply_split(split.ratio);
            }
        }
    }

    /// A symbol change: the books of `symbol` become those of `new_symbol`, so a loss sold before the change is
    /// replaced by shares bought after it under the new symbol (a book the new symbol already has is kept as it is).
    pub fn rename(&mut self, symbol: &str, new_symbol: &str) {
        let (old, new) = (self.identical.key(symbol).to_owned(), self.identical.key(new_symbol).to_owned());
        let users: Vec<String> = self.books.keys().filter(|(_, k)| *k == old).map(|(u, _)| u.clone()).collect();
        for user in users {
            if self.books.contains_key(&(user.clone(), new.clone())) {
                continue;
            }
            if let Some(book) = self.books.remove(&(user.clone(), old.clone())) {
                self.books.insert((user, new.clone()), book);
            }
        }
    }

    /// Takes a trade (validated, not earlier than the trades taken before).
    pub fn apply(&mut self, t: &Trade) {
        let key = (t.user_id.clone(), self.identical.key(&t.symbol).to_owned());
        let book = self.books.entry(key).or_default();
        let id: Arc<str> = Arc::from(t.id.as_str());
        let date = t.trade_date();
        let pnl = match t.side {
            Side::Sell => {
                let plan = book.plan_sale(t.qty, t.notional() - t.fees, date);
                book.apply_sale(&plan, &id, &t.symbol, date, Some(&mut self.report));
                plan.realized()
            }
            Side::Buy => {
                let cost = t.notional() + t.fees;
                let plan = book.plan_buy(t.qty, cost, date);
                book.apply_buy(&plan, &id, &t.symbol, t.qty, cost, date, Some(&mut self.report));
                plan.realized()
            }
        };
        *self.realized.entry(t.symbol.clone()).or_default() += pnl;
    }

    /// The report of the trades taken so far: each sale's loss reduced by its disallowed part (moved into the
    /// replacement's basis), the loss deferred in the open lots by security.
    pub fn report(&self) -> WashSaleReport {
        let mut report = self.report.clone();
        let mut realized = self.realized.clone();
        for loss in &report.losses {
            *realized.entry(loss.symbol.clone()).or_default() += loss.disallowed_loss;
        }
        for ((_, symbol), book) in &self.books {
            let deferred = book.deferred();
            if !deferred.is_zero() {
                *report.deferred_by_symbol.entry(symbol.clone()).or_default() += deferred;
            }
        }
        report.realized_by_symbol = realized;
        report
    }

    /// The report, without copying the state (the last use of it).
    pub fn into_report(self) -> WashSaleReport {
        self.report()
    }
}

/// Applies the wash-sale rule to a history (any order; processed by execution time, per user and symbol).
///
/// ```
/// use kairo_core::lots::wash_sales;
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
/// // IRS Publication 550: buy 100 shares for $1,000, sell them for $750, buy 100 again within 30 days for $800.
/// let at = |d: &str| format!("{d}T15:00:00Z").parse().unwrap();
/// let trades = [
///     Trade::new("b1", "u", "X", Side::Buy, dec!(100), dec!(10), at("2024-03-01")).unwrap(),
///     Trade::new("s1", "u", "X", Side::Sell, dec!(100), dec!(7.5), at("2024-06-03")).unwrap(),
///     Trade::new("b2", "u", "X", Side::Buy, dec!(100), dec!(8), at("2024-06-20")).unwrap(),
/// ];
/// let report = wash_sales(&trades).unwrap();
/// assert_eq!(report.losses[0].disallowed_loss, dec!(250));
/// assert_eq!(report.deferred_by_symbol["X"], dec!(250)); // basis of the new shares: 800 + 250 = 1,050
/// assert_eq!(report.realized_pnl(), dec!(0));
/// ```
pub fn wash_sales<T: Trades + ?Sized>(trades: &T) -> Result<WashSaleReport, LotError> {
    wash_sales_with(trades, &IdenticalSecurities::default())
}

/// [`wash_sales`] with groups of symbols that count as one security ([`IdenticalSecurities`]): a sale of one at a
/// loss is washed by a purchase of another of its group. Realized P&L and losses stay by the traded symbol;
/// `deferred_by_symbol` is by the group's key.
///
/// ```
/// use kairo_core::lots::{wash_sales_with, IdenticalSecurities};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
/// let at = |d: &str| format!("{d}T15:00:00Z").parse().unwrap();
/// let trades = [
///     Trade::new("b1", "u", "GOOGL", Side::Buy, dec!(10), dec!(180), at("2024-03-01")).unwrap(),
///     Trade::new("s1", "u", "GOOGL", Side::Sell, dec!(10), dec!(160), at("2024-04-01")).unwrap(),
///     Trade::new("b2", "u", "GOOG", Side::Buy, dec!(10), dec!(162), at("2024-04-15")).unwrap(),
/// ];
/// let groups = [["GOOG", "GOOGL"].map(String::from).into_iter().collect()];
/// let report = wash_sales_with(&trades, &IdenticalSecurities::from_groups(&groups)).unwrap();
/// assert_eq!(report.losses[0].disallowed_loss, dec!(200));
/// ```
pub fn wash_sales_with<T: Trades + ?Sized>(
    trades: &T,
    identical: &IdenticalSecurities,
) -> Result<WashSaleReport, LotError> {
    wash_sales_with_splits(trades, identical, &[])
}

/// [`wash_sales_with_splits`] through the account's activities: its splits (each (symbol, ex-date) once, with
/// `splits`) and its symbol changes, applied at the start of their dates, so that a loss and its replacement are
/// matched across a split and across a change of symbol.
///
/// ```
/// use kairo_core::activity::{Activity, ActivityKind};
/// use kairo_core::lots::{wash_sales_with_activities, IdenticalSecurities};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
/// let at = |d: &str| format!("{d}T15:00:00Z").parse().unwrap();
/// // FB bought at $200 and sold at $190 (a $100 loss) on 2022-06-06; renamed META on 2022-06-09; 10 META bought
/// // on 2022-06-13, within 30 days: the loss is washed.
/// let trades = [
///     Trade::new("b1", "u", "FB", Side::Buy, dec!(10), dec!(200), at("2022-06-01")).unwrap(),
///     Trade::new("s1", "u", "FB", Side::Sell, dec!(10), dec!(190), at("2022-06-06")).unwrap(),
///     Trade::new("b2", "u", "META", Side::Buy, dec!(10), dec!(175), at("2022-06-13")).unwrap(),
/// ];
/// let change = Activity::new("c", "u", "2022-06-09".parse().unwrap(),
///     ActivityKind::SymbolChange { symbol: "FB".into(), new_symbol: "META".into() }).unwrap();
/// let r = wash_sales_with_activities(&trades, &IdenticalSecurities::default(), &[change], &[]).unwrap();
/// assert_eq!(r.losses[0].disallowed_loss, dec!(100));
/// ```
pub fn wash_sales_with_activities<T: Trades + ?Sized>(
    trades: &T,
    identical: &IdenticalSecurities,
    activities: &[crate::activity::Activity],
    splits: &[Split],
) -> Result<WashSaleReport, LotError> {
    use crate::activity::ActivityKind;
    let mut all: Vec<Split> = splits.to_vec();
    for a in activities {
        if let ActivityKind::Split { symbol, ratio, .. } = a.kind() {
            if !all.iter().any(|s| s.symbol == *symbol && s.ex_date == a.date()) {
                all.push(Split { symbol: symbol.clone(), ex_date: a.date(), ratio: *ratio });
            }
        }
    }
    let splits = split::in_order(&all)?;
    let changes: Vec<&crate::activity::Activity> = crate::activity::in_order(activities)
        .into_iter()
        .filter(|a| matches!(a.kind(), ActivityKind::SymbolChange { .. }))
        .collect();
    let ordered = trades.ordered()?;
    let mut next_split = splits.into_iter().peekable();
    let mut next_change = changes.into_iter().peekable();
    let mut tracker = WashTracker::new(identical.clone());
    for t in ordered.iter() {
        let date = t.trade_date();
        while let Some(split) = next_split.next_if(|s| s.ex_date <= date) {
            tracker.apply_split(split);
        }
        while let Some(change) = next_change.next_if(|a| a.date() <= date) {
            if let ActivityKind::SymbolChange { symbol, new_symbol } = change.kind() {
                tracker.rename(symbol, new_symbol);
            }
        }
        tracker.apply(t);
    }
    Ok(tracker.into_report())
}

/// [`wash_sales_with`] across stock splits: on a split's ex-date the shares held and the loss shares waiting for a
/// replacement are multiplied by its ratio (their amounts unchanged), so a purchase after the split replaces a
/// loss from before it share for share in today's shares, and the 30-day windows run across it.
///
/// ```
/// use kairo_core::lots::{wash_sales_with_splits, IdenticalSecurities, Split};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
/// let at = |d: &str| format!("{d}T15:00:00Z").parse().unwrap();
/// // 10 shares bought at $100 and sold at $80 (a $200 loss) before a 2-for-1 split; 20 shares bought at $41 after
/// // it, within 30 days: all 10 pre-split shares (20 today) are replaced, the $200 is disallowed.
/// let trades = [
///     Trade::new("b1", "u", "X", Side::Buy, dec!(10), dec!(100), at("2024-03-01")).unwrap(),
///     Trade::new("s1", "u", "X", Side::Sell, dec!(10), dec!(80), at("2024-03-04")).unwrap(),
///     Trade::new("b2", "u", "X", Side::Buy, dec!(20), dec!(41), at("2024-03-20")).unwrap(),
/// ];
/// let split = Split { symbol: "X".into(), ex_date: "2024-03-11".parse().unwrap(), ratio: dec!(2) };
/// let r = wash_sales_with_splits(&trades, &IdenticalSecurities::default(), &[split]).unwrap();
/// assert_eq!((r.losses[0].disallowed_loss, r.matches[0].qty), (dec!(200), dec!(20)));
/// ```
pub fn wash_sales_with_splits<T: Trades + ?Sized>(
    trades: &T,
    identical: &IdenticalSecurities,
    splits: &[Split],
) -> Result<WashSaleReport, LotError> {
    let splits = split::in_order(splits)?;
    let ordered = trades.ordered()?;
    let mut next_split = splits.into_iter().peekable();
    let mut tracker = WashTracker::new(identical.clone());
    for t in ordered.iter() {
        while let Some(split) = next_split.next_if(|s| s.ex_date <= t.trade_date()) {
            tracker.apply_split(split);
        }
        tracker.apply(t);
    }
    Ok(tracker.into_report())
}
