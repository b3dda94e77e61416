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

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use super::pro_rata::pro_rata as share;
use super::wash_book::Book;
use super::wash_plan::{BuyPlan, SalePlan};
use super::wash_report::{WashSaleReport, WASH_WINDOW_DAYS};

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
