//! One side of one security's lots under the wash-sale rule, long or short, and the steps of the rule on it,
//! written once for both sides: closing lots (a sale of long lots, a cover of short ones) with the pieces closed at
//! a loss matched to the side's open lots acquired in the 30 days before; and opening a lot that replaces the side's
//! losses of the 30 days before. On the long side a lot's amount is its cost basis and a disallowed loss is added
//! to the replacement's; on the short side the amount is the proceeds and the disallowed loss is taken out of them.

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use smallvec::SmallVec;

use super::pnl::Direction;
use super::pro_rata::pro_rata as share;
use super::wash_plan::{ClosePlan, LossPiece, OpenPlan};
use super::wash_report::{LossSale, WashSaleMatch, WashSaleReport, WASH_WINDOW_DAYS};
use crate::decimal_cmp as dc;

/// A lot as the wash-sale rule sees it.
#[derive(Debug, Clone)]
pub(super) struct Lot {
    pub(super) trade_id: Arc<str>,
    pub(super) qty: Decimal,
    /// Long: the cost basis (fees and wash-sale adjustments included); short: the proceeds net of fees, less
    /// wash-sale adjustments.
    pub(super) amount: Decimal,
    /// Disallowed loss moved into `amount`.
    pub(super) deferred: Decimal,
    /// The trade date that opened the lot.
    pub(super) opened: NaiveDate,
    /// Start of the holding period (earlier than `opened` after a wash sale).
    pub(super) holding_from: NaiveDate,
    /// Whether these shares can still absorb a wash sale.
    pub(super) can_replace: bool,
}

/// Loss shares not yet matched, waiting for a replacement opened in the 30 days after the closing.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub(super) loss_index: usize,
    pub(super) trade_id: Arc<str>,
    pub(super) date: NaiveDate,
    pub(super) qty: Decimal,
    pub(super) loss: Decimal,
    pub(super) holding_days: i64,
}

/// One side's open lots (first in, first out) and its losses waiting for a replacement.
#[derive(Debug, Clone, Default)]
pub(super) struct Book {
    pub(super) lots: VecDeque<Lot>,
    pub(super) pending: VecDeque<Pending>,
}

/// The first day of the window of a trade on `date`.
fn window_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(WASH_WINDOW_DAYS)
}

impl Book {
    /// Plans closing up to `qty` shares against the trade's `amount` (a sale's proceeds, a purchase's cost) on
    /// `direction`'s side; returns the shares and the amount left to open the other side with.
    pub(super) fn plan_close(
        &self,
        qty: Decimal,
        amount: Decimal,
        date: NaiveDate,
        direction: Direction,
        plan: &mut ClosePlan,
    ) -> (Decimal, Decimal) {
        let mut left = qty;
        let mut amount_left = amount;
        for lot in &self.lots {
            if left.is_zero() {
                break;
            }
            let take = dc::min(left, lot.qty);
            let lot_part = share(lot.amount, take, lot.qty);
            let trade_part = share(amount_left, take, left);
            amount_left -= trade_part;
            left -= take;
            // long: proceeds − basis; short: proceeds − cost
            let (proceeds, cost) = match direction {
                Direction::Long => (trade_part, lot_part),
                Direction::Short => (lot_part, trade_part),
            };
            plan.realized += proceeds - cost;
            if dc::lt(proceeds, cost) {
                plan.pieces.push(LossPiece {
                    qty: take,
                    loss: cost - proceeds,
                    holding_days: (date - lot.holding_from).num_days(),
                });
            }
            if dc::eq(take, lot.qty) {
                plan.consumed += 1;
            } else {
                plan.partial_qty = take;
                plan.partial_amount = lot_part;
                plan.partial_deferred = share(lot.deferred, take, lot.qty);
            }
        }
        if plan.consumed > 0 || !plan.partial_qty.is_zero() {
            plan.qty = qty - left;
            plan.amount = amount - amount_left;
        }
        if !plan.pieces.is_empty() {
            self.plan_replacements(date, plan);
        }
        (left, amount_left)
    }

    /// Matches a closing's loss pieces to the side's lots opened in the 30 days before it and still open after it,
    /// in the order they were opened (the unclosed rest of a lot the closing drew on included).
    fn plan_replacements(&self, date: NaiveDate, plan: &mut ClosePlan) {
        let mut piece = 0;
        let mut piece_left = plan.pieces.first().map_or(Decimal::ZERO, |p| p.qty);
        let mut piece_loss_left = plan.pieces.first().map_or(Decimal::ZERO, |p| p.loss);
        // Lots are kept in the order they were opened, so those opened before the window are skipped in one search.
        let earliest = window_start(date);
        let first = self.lots.partition_point(|lot| lot.opened < earliest).max(plan.consumed).min(self.lots.len());
        for (i, lot) in (first..).zip(self.lots.range(first..)) {
            if piece >= plan.pieces.len() {
                break;
            }
            let mut free = if i == plan.consumed { lot.qty - plan.partial_qty } else { lot.qty };
            if !lot.can_replace || lot.opened > date {
                continue;
            }
            while free > Decimal::ZERO && piece < plan.pieces.len() {
                let m = dc::min(free, piece_left);
                let disallowed = share(piece_loss_left, m, piece_left);
                plan.matches.push((i - plan.consumed, m, piece, disallowed));
                free -= m;
                piece_left -= m;
                piece_loss_left -= disallowed;
                if piece_left.is_zero() {
                    piece += 1;
                    piece_left = plan.pieces.get(piece).map_or(Decimal::ZERO, |p| p.qty);
                    piece_loss_left = plan.pieces.get(piece).map_or(Decimal::ZERO, |p| p.loss);
                }
            }
        }
    }

    /// Plans opening `qty` shares on `date`: the side's waiting losses of the 30 days before that they replace, in
    /// the order the losses were realized.
    pub(super) fn plan_open(&self, qty: Decimal, date: NaiveDate, plan: &mut OpenPlan) {
        let latest = window_start(date);
        plan.expired = self.pending.iter().take_while(|p| p.date < latest).count();
        let mut left = qty;
        for (i, p) in (plan.expired..).zip(self.pending.range(plan.expired.min(self.pending.len())..)) {
            if left.is_zero() {
                break;
            }
            let m = dc::min(left, p.qty);
            plan.matches.push((i, m, share(p.loss, m, p.qty)));
            left -= m;
        }
    }

    /// Applies a planned closing: the lots it closes, its loss record and matches, the rest of its losses left
    /// waiting for a replacement.
    pub(super) fn apply_close(
        &mut self,
        plan: &ClosePlan,
        trade_id: &Arc<str>,
        symbol: &str,
        date: NaiveDate,
        direction: Direction,
        mut out: Option<&mut WashSaleReport>,
    ) {
        if plan.qty.is_zero() {
            return;
        }
        self.lots.drain(..plan.consumed.min(self.lots.len()));
        if plan.partial_qty > Decimal::ZERO {
            if let Some(lot) = self.lots.front_mut() {
                lot.amount -= plan.partial_amount;
                lot.deferred -= plan.partial_deferred;
                lot.qty -= plan.partial_qty;
            }
        }
        if plan.pieces.is_empty() {
            return;
        }
        let loss_index = out.as_ref().map_or(0, |o| o.losses.len());
        if let Some(out) = out.as_deref_mut() {
            let loss = plan.loss();
            // Shares of a loss are split at 28 significant digits, so their sum can pass the loss by one unit in
            // the last place; the disallowed part never exceeds the loss.
            let disallowed = dc::min(plan.disallowed(), loss);
            out.losses.push(LossSale {
                trade_id: trade_id.clone(),
                symbol: symbol.to_owned(),
                date,
                qty: plan.loss_qty(),
                loss,
                disallowed_loss: disallowed,
                allowed_loss: loss - disallowed,
                direction,
            });
        }
        // Split the replacement lots in order: the matched shares of a lot become a lot of their own, inserted
        // before the rest of it, which shifts every later index by one.
        let mut unmatched: SmallVec<[(Decimal, Decimal); 2]> = plan.pieces.iter().map(|p| (p.qty, p.loss)).collect();
        let mut offset = 0;
        for &(lot_index, m, piece, d) in &plan.matches {
            let days = plan.pieces[piece].holding_days;
            let Some(lot) = self.lots.get(lot_index + offset) else { continue };
            let replacement = lot.trade_id.clone();
            if self.absorb(lot_index + offset, m, d, days, direction) {
                offset += 1;
            }
            unmatched[piece].0 -= m;
            unmatched[piece].1 -= d;
            if let Some(out) = out.as_deref_mut() {
                out.matches.push(WashSaleMatch {
                    loss_trade_id: trade_id.clone(),
                    replacement_trade_id: replacement,
                    qty: m,
                    disallowed_loss: d,
                    basis_adjustment: d,
                    holding_period_days_added: days,
                    direction,
                });
            }
        }
        for (piece, (qty, loss)) in plan.pieces.iter().zip(unmatched) {
            if qty > Decimal::ZERO {
                self.pending.push_back(Pending {
                    loss_index,
                    trade_id: trade_id.clone(),
                    date,
                    qty,
                    loss,
                    holding_days: piece.holding_days,
                });
            }
        }
    }

    /// Applies a planned opening of `qty` shares for `amount`: shares replacing waiting losses first (the disallowed
    /// loss moved into their amount, the holding period carried over), the rest as a lot of its own.
    #[allow(clippy::too_many_arguments)] // the trade's parts
    pub(super) fn apply_open(
        &mut self,
        plan: &OpenPlan,
        trade_id: &Arc<str>,
        qty: Decimal,
        amount: Decimal,
        date: NaiveDate,
        direction: Direction,
        mut out: Option<&mut WashSaleReport>,
    ) {
        let mut qty_left = qty;
        let mut amount_left = amount;
        if qty_left > Decimal::ZERO {
            for &(i, m, d) in &plan.matches {
                let Some(p) = self.pending.get_mut(i) else { continue };
                let part = share(amount_left, m, qty_left);
                amount_left -= part;
                qty_left -= m;
                self.lots.push_back(Lot {
                    trade_id: trade_id.clone(),
                    qty: m,
                    amount: adjusted(part, d, direction),
                    deferred: d,
                    opened: date,
                    holding_from: date - Duration::days(p.holding_days),
                    can_replace: false,
                });
                if let Some(out) = out.as_deref_mut() {
                    out.matches.push(WashSaleMatch {
                        loss_trade_id: p.trade_id.clone(),
                        replacement_trade_id: trade_id.clone(),
                        qty: m,
                        disallowed_loss: d,
                        basis_adjustment: d,
                        holding_period_days_added: p.holding_days,
                        direction,
                    });
                    if let Some(loss) = out.losses.get_mut(p.loss_index) {
                        loss.disallowed_loss = (loss.disallowed_loss + d).min(loss.loss);
                        loss.allowed_loss = loss.loss - loss.disallowed_loss;
                    }
                }
                p.qty -= m;
                p.loss -= d;
            }
            if qty_left > Decimal::ZERO {
                self.lots.push_back(Lot {
                    trade_id: trade_id.clone(),
                    qty: qty_left,
                    amount: amount_left,
                    deferred: Decimal::ZERO,
                    opened: date,
                    holding_from: date,
                    can_replace: true,
                });
            }
        }
        self.pending.drain(..plan.expired.min(self.pending.len()));
        while self.pending.front().is_some_and(|p| p.qty.is_zero()) {
            self.pending.pop_front();
        }
    }

    /// Splits `m` shares off lot `index` (front part) and moves a disallowed loss and holding period into them;
    /// whether the lot was split in two.
    pub(super) fn absorb(
        &mut self,
        index: usize,
        m: Decimal,
        disallowed: Decimal,
        holding_days: i64,
        direction: Direction,
    ) -> bool {
        let Some(lot) = self.lots.get_mut(index) else { return false };
        let moved = share(lot.amount, m, lot.qty);
        let moved_deferred = share(lot.deferred, m, lot.qty);
        let mut part = Lot {
            trade_id: lot.trade_id.clone(),
            qty: m,
            amount: adjusted(moved, disallowed, direction),
            deferred: moved_deferred + disallowed,
            opened: lot.opened,
            holding_from: lot.holding_from - Duration::days(holding_days),
            can_replace: false,
        };
        if dc::eq(m, lot.qty) {
            std::mem::swap(lot, &mut part);
            return false;
        }
        lot.amount -= moved;
        lot.deferred -= moved_deferred;
        lot.qty -= m;
        self.lots.insert(index, part);
        true
    }

    /// Trade ids of the open lots a planned closing's losses are matched to.
    #[inline]
    pub(super) fn replacement_ids(&self, plan: &ClosePlan) -> Vec<Arc<str>> {
        let mut ids: Vec<Arc<str>> = Vec::with_capacity(plan.matches.len());
        for &(i, _, _, _) in &plan.matches {
            if let Some(lot) = self.lots.get(plan.consumed + i) {
                if ids.last() != Some(&lot.trade_id) {
                    ids.push(lot.trade_id.clone());
                }
            }
        }
        ids
    }

    /// Trade ids of the closings at a loss a planned opening replaces.
    #[inline]
    pub(super) fn pending_ids(&self, plan: &OpenPlan) -> Vec<Arc<str>> {
        let mut ids: Vec<Arc<str>> = Vec::with_capacity(plan.matches.len());
        for &(i, _, _) in &plan.matches {
            if let Some(p) = self.pending.get(i) {
                if ids.last() != Some(&p.trade_id) {
                    ids.push(p.trade_id.clone());
                }
            }
        }
        ids
    }

    /// A stock split: every open lot's shares and every waiting loss's shares multiplied by `ratio`, their amounts
    /// (totals) unchanged, so replacements are still followed share for share after it.
    pub(super) fn apply_split(&mut self, ratio: Decimal) {
        for lot in &mut self.lots {
            lot.qty *= ratio;
        }
        for p in &mut self.pending {
            p.qty *= ratio;
        }
    }

    /// Disallowed loss deferred in the open lots.
    pub(super) fn deferred(&self) -> Decimal {
        self.lots.iter().map(|l| l.deferred).sum()
    }
}

/// A lot's amount with a disallowed loss moved in: added to a long lot's basis, taken out of a short lot's proceeds.
#[inline]
fn adjusted(amount: Decimal, disallowed: Decimal, direction: Direction) -> Decimal {
    match direction {
        Direction::Long => amount + disallowed,
        Direction::Short => amount - disallowed,
    }
}
