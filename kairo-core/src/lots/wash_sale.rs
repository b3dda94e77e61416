//! Wash sales (IRC §1091; IRS Publication 550, "Wash Sales") and wash-sale-adjusted realized P&L.
//!
//! A loss on a sale of stock is disallowed when substantially identical stock is acquired within 30 days before or
//! after the sale (a 61-day window of calendar days, the sale date in the middle). Here "substantially identical"
//! means the same symbol in the same account. The rules applied:
//!
//! - Lots are sold first in, first out (the IRS default without specific identification); each lot piece sold
//!   below its basis is a loss piece, with its own loss and holding period.
//! - Replacement shares are shares bought within the window and not sold by the loss sale itself: shares still
//!   held that were bought in the 30 days before the sale (including the unsold rest of a lot the sale drew on),
//!   then purchases in the 30 days after it. Loss shares are matched to replacement shares in the order the
//!   replacements were acquired (Pub. 550); each replacement share absorbs at most one wash sale.
//! - Partial wash sale: with fewer replacement shares than loss shares, only that fraction of the loss is disallowed
//!   (disallowed = loss × matched shares ÷ loss shares); the rest stays allowed unless a later purchase in the window
//!   matches it.
//! - The disallowed loss is added to the basis of the replacement shares, and the holding period of the shares sold
//!   is added to theirs (their holding period starts that many days before their purchase).
//! - Short sales (IRC §1091(e), Treas. Reg. 1.1091-1(g)): a loss on covering a short position is disallowed when a
//!   short sale of the same stock is opened within 30 days before the cover (and still open after it) or within
//!   30 days after it; the disallowed loss reduces the proceeds of the replacement short (so its own gain or loss
//!   carries it), and the covered position's holding period is added to the replacement's, as for long stock.
//!   A long sale within the window, which §1091(e) also counts, is not matched. Records say which kind
//!   (`direction`: `long` or `short`).
//!
//! Amounts keep full decimal precision; a split's last piece takes the remainder, so basis, proceeds and losses are
//! conserved exactly. Adjusted realized P&L = raw realized P&L + disallowed loss still deferred in open lots.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use super::identical::IdenticalSecurities;
use super::pro_rata::pro_rata as share;
use super::split::{self, Split};
use super::wash_book::Book;
use super::wash_plan::{BuyPlan, SalePlan};
use super::wash_report::{WashSaleReport, WASH_WINDOW_DAYS};
use rustc_hash::FxHashMap;

use crate::error::LotError;
use crate::history::Trades;
use crate::trade::Side;

use super::pnl::Direction;

/// One security's lots in one account: the long side and the short side.
#[derive(Debug, Clone, Default)]
pub(crate) struct SymbolLots {
    long: Book,
    short: Book,
}

impl SymbolLots {
    /// The effect of selling `qty` for `proceeds` (net of fees) on `date`.
    pub fn plan_sale(&self, qty: Decimal, proceeds: Decimal, date: NaiveDate) -> SalePlan {
        let mut plan = SalePlan::default();
        self.plan_sale_into(qty, proceeds, date, &mut plan);
        plan
    }

    /// [`SymbolLots::plan_sale`] into `plan`, which is cleared first (a state keeps one plan and reuses it, so a
    /// trade's plan is never moved): long lots sold first in, first out, and a short opened with the rest.
    pub fn plan_sale_into(&self, qty: Decimal, proceeds: Decimal, date: NaiveDate, plan: &mut SalePlan) {
        plan.clear();
        let (left, rest) = self.long.plan_close(qty, proceeds, date, Direction::Long, &mut plan.close);
        plan.short_qty = left;
        plan.short_proceeds = rest;
        if left > Decimal::ZERO {
            self.short.plan_open(left, date, &mut plan.open);
        }
    }

    /// Applies a planned sale; records its loss and the matches.
    pub fn apply_sale(
        &mut self,
        plan: &SalePlan,
        trade_id: &Arc<str>,
        symbol: &str,
        date: NaiveDate,
        mut out: Option<&mut WashSaleReport>,
    ) {
        self.long.apply_close(&plan.close, trade_id, symbol, date, Direction::Long, out.as_deref_mut());
        if plan.short_qty > Decimal::ZERO {
            self.short.apply_open(
                &plan.open,
                trade_id,
                plan.short_qty,
                plan.short_proceeds,
                date,
                Direction::Short,
                out,
            );
        }
    }

    /// The effect of buying `qty` for `cost` (fees included) on `date`.
    pub fn plan_buy(&self, qty: Decimal, cost: Decimal, date: NaiveDate) -> BuyPlan {
        let mut plan = BuyPlan::default();
        self.plan_buy_into(qty, cost, date, &mut plan);
        plan
    }

    /// [`SymbolLots::plan_buy`] into `plan`, which is cleared first: short lots covered first in, first out, and
    /// a long lot opened with the rest.
    pub fn plan_buy_into(&self, qty: Decimal, cost: Decimal, date: NaiveDate, plan: &mut BuyPlan) {
        plan.clear();
        let (left, _) = self.short.plan_close(qty, cost, date, Direction::Short, &mut plan.close);
        self.long.plan_open(left, date, &mut plan.open);
    }

    /// Applies a planned purchase.
    #[allow(clippy::too_many_arguments)] // the trade's parts, as `apply_sale` takes them
    pub fn apply_buy(
        &mut self,
        plan: &BuyPlan,
        trade_id: &Arc<str>,
        symbol: &str,
        qty: Decimal,
        cost: Decimal,
        date: NaiveDate,
        mut out: Option<&mut WashSaleReport>,
    ) {
        self.short.apply_close(&plan.close, trade_id, symbol, date, Direction::Short, out.as_deref_mut());
        let (qty_left, cost_left) = (qty - plan.close.qty, cost - plan.close.amount);
        self.long.apply_open(&plan.open, trade_id, qty_left, cost_left, date, Direction::Long, out);
    }

    /// Trade ids of the replacement lots a planned sale matches.
    pub fn replacement_ids(&self, plan: &SalePlan) -> Vec<Arc<str>> {
        self.long.replacement_ids(&plan.close)
    }

    /// Trade ids of the earlier sales at a loss a planned purchase replaces.
    pub fn pending_ids(&self, plan: &BuyPlan) -> Vec<Arc<str>> {
        self.long.pending_ids(&plan.open)
    }

    /// Trade ids of the open shorts a planned cover's loss is matched to.
    pub fn short_replacement_ids(&self, plan: &BuyPlan) -> Vec<Arc<str>> {
        self.short.replacement_ids(&plan.close)
    }

    /// Trade ids of the covers at a loss a planned short sale replaces.
    pub fn pending_short_ids(&self, plan: &SalePlan) -> Vec<Arc<str>> {
        self.short.pending_ids(&plan.open)
    }

    /// A stock split of the security: both sides' shares, open and waiting for a replacement, multiplied by
    /// `ratio`.
    pub fn apply_split(&mut self, ratio: Decimal) {
        self.long.apply_split(ratio);
        self.short.apply_split(ratio);
    }

    /// Disallowed loss deferred in the basis of open lots and the proceeds of open short lots.
    pub fn deferred(&self) -> Decimal {
        self.long.deferred() + self.short.deferred()
    }

    /// Long lots opened on or before `date` and at most 30 days before it that can still absorb a wash sale: (lot
    /// index, purchase date, shares), in purchase order (replacements held in another account).
    pub(super) fn replacement_lots(&self, date: NaiveDate) -> Vec<(usize, NaiveDate, Decimal)> {
        let earliest = date - Duration::days(WASH_WINDOW_DAYS);
        let first = self.long.lots.partition_point(|lot| lot.opened < earliest);
        (first..)
            .zip(self.long.lots.range(first..))
            .filter(|(_, l)| l.can_replace && l.opened <= date && l.qty > Decimal::ZERO)
            .map(|(i, l)| (i, l.opened, l.qty))
            .collect()
    }

    /// Makes `m` shares of long lot `index` a replacement (another account's loss): with `moved`, the disallowed
    /// loss and holding period move into them as for a wash sale in the account; without (a tax-deferred account,
    /// Rev. Rul. 2008-5), they only stop being a replacement. Whether the lot was split in two.
    pub(super) fn absorb_replacement(&mut self, index: usize, m: Decimal, moved: Option<(Decimal, i64)>) -> bool {
        let (disallowed, days) = moved.unwrap_or((Decimal::ZERO, 0));
        self.long.absorb(index, m, disallowed, days, Direction::Long)
    }

    /// The index and shares of the newest long lot if `trade_id` opened it on `date` and it can still absorb a
    /// wash sale.
    pub(super) fn newest_replacement(&self, trade_id: &Arc<str>, date: NaiveDate) -> Option<(usize, Decimal)> {
        let i = self.long.lots.len().checked_sub(1)?;
        let lot = &self.long.lots[i];
        (lot.can_replace && lot.opened == date && Arc::ptr_eq(&lot.trade_id, trade_id)).then_some((i, lot.qty))
    }

    /// Loss shares waiting for a replacement, sold on or after `date` less 30 days: (pending index, sale date,
    /// shares), oldest first.
    pub(super) fn waiting_losses(&self, date: NaiveDate) -> Vec<(usize, NaiveDate, Decimal)> {
        let latest_sale = date - Duration::days(WASH_WINDOW_DAYS);
        (0..)
            .zip(&self.long.pending)
            .filter(|(_, p)| p.date >= latest_sale && p.date <= date && p.qty > Decimal::ZERO)
            .map(|(i, p)| (i, p.date, p.qty))
            .collect()
    }

    /// The waiting loss shares of sale `trade_id`: (pending index, shares), oldest first.
    pub(super) fn losses_of(&self, trade_id: &Arc<str>) -> Vec<(usize, Decimal)> {
        (0..)
            .zip(&self.long.pending)
            .filter(|(_, p)| Arc::ptr_eq(&p.trade_id, trade_id) && p.qty > Decimal::ZERO)
            .map(|(i, p)| (i, p.qty))
            .collect()
    }

    /// Takes `m` shares off waiting loss `index`: their disallowed loss, holding days, loss record index and sale.
    pub(super) fn take_loss(&mut self, index: usize, m: Decimal) -> Option<(Decimal, i64, usize, Arc<str>)> {
        let p = self.long.pending.get_mut(index)?;
        let d = share(p.loss, m, p.qty);
        p.qty -= m;
        p.loss -= d;
        Some((d, p.holding_days, p.loss_index, p.trade_id.clone()))
    }

    /// The trade id of long lot `index`.
    pub(super) fn lot_trade_id(&self, index: usize) -> Option<Arc<str>> {
        self.long.lots.get(index).map(|l| l.trade_id.clone())
    }

    /// Forgets the losses waiting for a replacement (a tax-deferred account's losses are not deductible).
    pub(super) fn forget_losses(&mut self) {
        self.long.pending.clear();
        self.short.pending.clear();
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
    let mut books: FxHashMap<(&str, &str), SymbolLots> = FxHashMap::default();
    let mut report = WashSaleReport::default();
    let mut realized: BTreeMap<String, Decimal> = BTreeMap::new();
    for t in ordered.iter() {
        while let Some(split) = next_split.next_if(|s| s.ex_date <= t.trade_date()) {
            let key = identical.key(&split.symbol);
            for ((_, k), book) in books.iter_mut() {
                if *k == key {
                    book.apply_split(split.ratio);
                }
            }
        }
        let book = books.entry((t.user_id.as_str(), identical.key(&t.symbol))).or_default();
        let id: Arc<str> = Arc::from(t.id.as_str());
        let date = t.trade_date();
        let pnl = match t.side {
            Side::Sell => {
                let plan = book.plan_sale(t.qty, t.notional() - t.fees, date);
                book.apply_sale(&plan, &id, &t.symbol, date, Some(&mut report));
                plan.realized()
            }
            Side::Buy => {
                let cost = t.notional() + t.fees;
                let plan = book.plan_buy(t.qty, cost, date);
                book.apply_buy(&plan, &id, &t.symbol, t.qty, cost, date, Some(&mut report));
                plan.realized()
            }
        };
        *realized.entry(t.symbol.clone()).or_default() += pnl;
    }
    // Each sale's loss is reduced by its disallowed part (which moved into the replacement's basis).
    for loss in &report.losses {
        *realized.entry(loss.symbol.clone()).or_default() += loss.disallowed_loss;
    }
    for ((_, symbol), book) in &books {
        let deferred = book.deferred();
        if !deferred.is_zero() {
            *report.deferred_by_symbol.entry((*symbol).to_owned()).or_default() += deferred;
        }
    }
    report.realized_by_symbol = realized;
    Ok(report)
}
