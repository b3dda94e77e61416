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

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use smallvec::SmallVec;

use super::identical::IdenticalSecurities;
use super::pro_rata::pro_rata as share;
use super::wash_plan::{BuyPlan, LossPiece, SalePlan};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::decimal_cmp as dc;
use crate::error::LotError;
use crate::history::Trades;
use crate::trade::Side;

use super::pnl::Direction;

/// Days before and after a loss sale in which a purchase washes it.
pub const WASH_WINDOW_DAYS: i64 = 30;

/// One (loss sale, replacement lot) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WashSaleMatch {
    /// The sale at a loss.
    pub loss_trade_id: Arc<str>,
    /// The purchase whose shares replace the shares sold.
    pub replacement_trade_id: Arc<str>,
    /// Shares matched.
    pub qty: Decimal,
    /// Loss disallowed on those shares.
    pub disallowed_loss: Decimal,
    /// Added to the basis of the replacement shares (equal to the disallowed loss).
    pub basis_adjustment: Decimal,
    /// Days of the sold shares' holding period added to the replacement shares'.
    pub holding_period_days_added: i64,
    /// `long`: a sale at a loss replaced by a purchase; `short`: a cover at a loss replaced by a short sale.
    pub direction: Direction,
}

/// One sale at a loss.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LossSale {
    /// The sale.
    pub trade_id: Arc<str>,
    /// The security.
    pub symbol: String,
    /// Trade date of the sale.
    pub date: NaiveDate,
    /// Shares sold at a loss.
    pub qty: Decimal,
    /// The loss (positive) before the wash-sale rule.
    pub loss: Decimal,
    /// The part of the loss disallowed.
    pub disallowed_loss: Decimal,
    /// The part of the loss that remains deductible.
    pub allowed_loss: Decimal,
    /// `long`: a sale of shares held; `short`: a purchase covering a short position.
    pub direction: Direction,
}

/// Everything the wash-sale rule changes in a history.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct WashSaleReport {
    /// Every (loss sale, replacement) pair, in the order they were found.
    pub matches: Vec<WashSaleMatch>,
    /// Every sale at a loss, in execution order.
    pub losses: Vec<LossSale>,
    /// Realized P&L by symbol after the wash-sale rule (FIFO lots).
    pub realized_by_symbol: BTreeMap<String, Decimal>,
    /// Disallowed losses sitting in the basis of lots still open, by symbol (deducted when those lots are sold).
    pub deferred_by_symbol: BTreeMap<String, Decimal>,
}

impl WashSaleReport {
    /// Total realized P&L after the wash-sale rule.
    pub fn realized_pnl(&self) -> Decimal {
        self.realized_by_symbol.values().sum()
    }

    /// Total disallowed loss.
    pub fn disallowed_loss(&self) -> Decimal {
        self.losses.iter().map(|l| l.disallowed_loss).sum()
    }
}

/// A long lot as the wash-sale rule sees it.
#[derive(Debug, Clone)]
struct Lot {
    trade_id: Arc<str>,
    qty: Decimal,
    /// Total basis, fees and wash-sale adjustments included.
    basis: Decimal,
    /// Disallowed loss included in `basis`.
    deferred: Decimal,
    bought: NaiveDate,
    /// Start of the holding period (earlier than `bought` after a wash sale).
    holding_from: NaiveDate,
    /// Whether these shares can still absorb a wash sale.
    can_replace: bool,
}

/// Loss shares not yet matched, waiting for a purchase in the 30 days after the sale.
#[derive(Debug, Clone)]
struct Pending {
    loss_index: usize,
    trade_id: Arc<str>,
    date: NaiveDate,
    qty: Decimal,
    loss: Decimal,
    holding_days: i64,
}

/// A short lot as the wash-sale rule sees it.
#[derive(Debug, Clone)]
struct ShortLot {
    trade_id: Arc<str>,
    qty: Decimal,
    /// Proceeds net of fees, less wash-sale adjustments.
    proceeds: Decimal,
    /// Disallowed loss taken out of `proceeds`.
    deferred: Decimal,
    opened: NaiveDate,
    /// Start of the holding period (earlier than `opened` after a wash sale).
    holding_from: NaiveDate,
    /// Whether these shares can still absorb a wash sale.
    can_replace: bool,
}

/// One symbol's lots in one account.
#[derive(Debug, Clone, Default)]
pub(crate) struct SymbolLots {
    lots: VecDeque<Lot>,
    /// Open short lots, first in first out.
    shorts: VecDeque<ShortLot>,
    pending: VecDeque<Pending>,
    /// Covers at a loss waiting for a short sale in the 30 days after them.
    pending_short: VecDeque<Pending>,
}

impl SymbolLots {
    /// The effect of selling `qty` for `proceeds` (net of fees) on `date`.
    pub fn plan_sale(&self, qty: Decimal, proceeds: Decimal, date: NaiveDate) -> SalePlan {
        let mut plan = SalePlan::default();
        self.plan_sale_into(qty, proceeds, date, &mut plan);
        plan
    }

    /// [`SymbolLots::plan_sale`] into `plan`, which is cleared first (a state keeps one plan and reuses it, so a
    /// trade's plan is never moved).
    pub fn plan_sale_into(&self, qty: Decimal, proceeds: Decimal, date: NaiveDate, plan: &mut SalePlan) {
        plan.clear();
        let mut left = qty;
        let mut proceeds_left = proceeds;
        for lot in &self.lots {
            if left.is_zero() {
                break;
            }
            let take = dc::min(left, lot.qty);
            let basis = share(lot.basis, take, lot.qty);
            let piece_proceeds = share(proceeds_left, take, left);
            proceeds_left -= piece_proceeds;
            left -= take;
            plan.long_qty += take;
            plan.realized += piece_proceeds - basis;
            if dc::lt(piece_proceeds, basis) {
                plan.pieces.push(LossPiece {
                    qty: take,
                    loss: basis - piece_proceeds,
                    holding_days: (date - lot.holding_from).num_days(),
                });
            }
            if dc::eq(take, lot.qty) {
                plan.consumed_lots += 1;
            } else {
                plan.partial_qty = take;
                plan.partial_basis = basis;
                plan.partial_deferred = share(lot.deferred, take, lot.qty);
            }
        }
        plan.short_qty = left;
        plan.short_proceeds = proceeds_left;
        if left > Decimal::ZERO {
            // The short this sale opens replaces shares of covers at a loss in the 30 days before it.
            let latest_cover = date - Duration::days(WASH_WINDOW_DAYS);
            plan.short_expired = self.pending_short.iter().take_while(|p| p.date < latest_cover).count();
            let mut open = left;
            for (i, p) in (plan.short_expired..).zip(self.pending_short.range(plan.short_expired..)) {
                if open.is_zero() {
                    break;
                }
                let m = dc::min(open, p.qty);
                plan.short_matches.push((i, m, share(p.loss, m, p.qty)));
                open -= m;
            }
        }
        if plan.pieces.is_empty() {
            return;
        }
        // Replacement shares bought in the 30 days before the sale and still held after it, in acquisition order.
        let earliest = date - Duration::days(WASH_WINDOW_DAYS);
        let mut piece = 0;
        let mut piece_left = plan.pieces.first().map_or(Decimal::ZERO, |p| p.qty);
        let mut piece_loss_left = plan.pieces.first().map_or(Decimal::ZERO, |p| p.loss);
        // Lots are kept in purchase order, so those bought before the window are skipped in one search.
        let first = self.lots.partition_point(|lot| lot.bought < earliest).max(plan.consumed_lots).min(self.lots.len());
        for (i, lot) in (first..).zip(self.lots.range(first..)) {
            if piece >= plan.pieces.len() {
                break;
            }
            let mut free = if i == plan.consumed_lots { lot.qty - plan.partial_qty } else { lot.qty };
            if !lot.can_replace || lot.bought > date {
                continue;
            }
            while free > Decimal::ZERO && piece < plan.pieces.len() {
                let m = dc::min(free, piece_left);
                let disallowed = share(piece_loss_left, m, piece_left);
                plan.matches.push((i - plan.consumed_lots, m, piece, disallowed));
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

    /// Applies a planned sale; records the loss sale and its matches.
    pub fn apply_sale(
        &mut self,
        plan: &SalePlan,
        trade_id: &Arc<str>,
        symbol: &str,
        date: NaiveDate,
        mut out: Option<&mut WashSaleReport>,
    ) {
        self.lots.drain(..plan.consumed_lots);
        if plan.partial_qty > Decimal::ZERO {
            if let Some(lot) = self.lots.front_mut() {
                lot.basis -= plan.partial_basis;
                lot.deferred -= plan.partial_deferred;
                lot.qty -= plan.partial_qty;
            }
        }
        if plan.short_qty > Decimal::ZERO {
            self.open_short(plan, trade_id, date, out.as_deref_mut());
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
                direction: Direction::Long,
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
            if self.absorb(lot_index + offset, m, d, days) {
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
                    direction: Direction::Long,
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

    /// Splits `m` shares off lot `index` (front part) and adds a disallowed loss and holding period to them;
    /// whether the lot was split in two.
    fn absorb(&mut self, index: usize, m: Decimal, disallowed: Decimal, holding_days: i64) -> bool {
        let Some(lot) = self.lots.get_mut(index) else { return false };
        let moved_basis = share(lot.basis, m, lot.qty);
        let mut part = Lot {
            trade_id: lot.trade_id.clone(),
            qty: m,
            basis: moved_basis + disallowed,
            deferred: share(lot.deferred, m, lot.qty) + disallowed,
            bought: lot.bought,
            holding_from: lot.holding_from - Duration::days(holding_days),
            can_replace: false,
        };
        if dc::eq(m, lot.qty) {
            std::mem::swap(lot, &mut part);
            return false;
        }
        lot.basis -= moved_basis;
        lot.deferred -= part.deferred - disallowed;
        lot.qty -= m;
        self.lots.insert(index, part);
        true
    }

    /// The effect of buying `qty` for `cost` (fees included) on `date`.
    pub fn plan_buy(&self, qty: Decimal, cost: Decimal, date: NaiveDate) -> BuyPlan {
        let mut plan = BuyPlan::default();
        self.plan_buy_into(qty, cost, date, &mut plan);
        plan
    }

    /// [`SymbolLots::plan_buy`] into `plan`, which is cleared first.
    pub fn plan_buy_into(&self, qty: Decimal, cost: Decimal, date: NaiveDate, plan: &mut BuyPlan) {
        plan.clear();
        let mut left = qty;
        let mut cost_left = cost;
        for lot in &self.shorts {
            if left.is_zero() {
                break;
            }
            let take = dc::min(left, lot.qty);
            let piece_cost = share(cost_left, take, left);
            let proceeds = share(lot.proceeds, take, lot.qty);
            cost_left -= piece_cost;
            left -= take;
            plan.cover_qty += take;
            plan.cover_cost += piece_cost;
            plan.realized += proceeds - piece_cost;
            if dc::lt(proceeds, piece_cost) {
                plan.short_pieces.push(LossPiece {
                    qty: take,
                    loss: piece_cost - proceeds,
                    holding_days: (date - lot.holding_from).num_days(),
                });
            }
            if dc::eq(take, lot.qty) {
                plan.consumed_shorts += 1;
            } else {
                plan.partial_short_qty = take;
                plan.partial_short_proceeds = proceeds;
                plan.partial_short_deferred = share(lot.deferred, take, lot.qty);
            }
        }
        if !plan.short_pieces.is_empty() {
            self.plan_short_replacements(date, plan);
        }
        let latest_sale = date - Duration::days(WASH_WINDOW_DAYS);
        plan.expired = self.pending.iter().take_while(|p| p.date < latest_sale).count();
        for (i, p) in (plan.expired..).zip(self.pending.range(plan.expired.min(self.pending.len())..)) {
            if left.is_zero() {
                break;
            }
            let m = dc::min(left, p.qty);
            plan.matches.push((i, m, share(p.loss, m, p.qty)));
            left -= m;
        }
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
        self.cover(plan, trade_id, symbol, date, out.as_deref_mut());
        let qty_left = qty - plan.cover_qty;
        let cost_left = cost - plan.cover_cost;
        if qty_left.is_zero() {
            self.pending.drain(..plan.expired);
            return;
        }
        let mut lot_qty = qty_left;
        let mut lot_basis = cost_left;
        for &(i, m, d) in &plan.matches {
            let p = &mut self.pending[i];
            let basis = share(lot_basis, m, lot_qty);
            lot_basis -= basis;
            lot_qty -= m;
            self.lots.push_back(Lot {
                trade_id: trade_id.clone(),
                qty: m,
                basis: basis + d,
                deferred: d,
                bought: date,
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
                    direction: Direction::Long,
                });
                if let Some(loss) = out.losses.get_mut(p.loss_index) {
                    loss.disallowed_loss = (loss.disallowed_loss + d).min(loss.loss);
                    loss.allowed_loss = loss.loss - loss.disallowed_loss;
                }
            }
            p.qty -= m;
            p.loss -= d;
        }
        if lot_qty > Decimal::ZERO {
            self.lots.push_back(Lot {
                trade_id: trade_id.clone(),
                qty: lot_qty,
                basis: lot_basis,
                deferred: Decimal::ZERO,
                bought: date,
                holding_from: date,
                can_replace: true,
            });
        }
        self.pending.drain(..plan.expired);
        while self.pending.front().is_some_and(|p| p.qty.is_zero()) {
            self.pending.pop_front();
        }
    }

    /// Matches a cover's loss pieces to the short lots opened in the 30 days before it and still open after it,
    /// in the order they were opened (the unsold rest of a lot the cover drew on included).
    fn plan_short_replacements(&self, date: NaiveDate, plan: &mut BuyPlan) {
        let earliest = date - Duration::days(WASH_WINDOW_DAYS);
        let mut piece = 0;
        let mut piece_left = plan.short_pieces.first().map_or(Decimal::ZERO, |p| p.qty);
        let mut piece_loss_left = plan.short_pieces.first().map_or(Decimal::ZERO, |p| p.loss);
        let first =
            self.shorts.partition_point(|lot| lot.opened < earliest).max(plan.consumed_shorts).min(self.shorts.len());
        for (i, lot) in (first..).zip(self.shorts.range(first..)) {
            if piece >= plan.short_pieces.len() {
                break;
            }
            let mut free = if i == plan.consumed_shorts { lot.qty - plan.partial_short_qty } else { lot.qty };
            if !lot.can_replace || lot.opened > date {
                continue;
            }
            while free > Decimal::ZERO && piece < plan.short_pieces.len() {
                let m = dc::min(free, piece_left);
                let disallowed = share(piece_loss_left, m, piece_left);
                plan.short_matches.push((i - plan.consumed_shorts, m, piece, disallowed));
                free -= m;
                piece_left -= m;
                piece_loss_left -= disallowed;
                if piece_left.is_zero() {
                    piece += 1;
                    piece_left = plan.short_pieces.get(piece).map_or(Decimal::ZERO, |p| p.qty);
                    piece_loss_left = plan.short_pieces.get(piece).map_or(Decimal::ZERO, |p| p.loss);
                }
            }
        }
    }

    /// Applies the cover part of a planned purchase: the short lots it closes, its losses and their matches to
    /// open shorts, the rest of the losses waiting for a short sale in the 30 days after.
    fn cover(
        &mut self,
        plan: &BuyPlan,
        trade_id: &Arc<str>,
        symbol: &str,
        date: NaiveDate,
        mut out: Option<&mut WashSaleReport>,
    ) {
        if plan.cover_qty.is_zero() {
            return;
        }
        self.shorts.drain(..plan.consumed_shorts.min(self.shorts.len()));
        if plan.partial_short_qty > Decimal::ZERO {
            if let Some(lot) = self.shorts.front_mut() {
                lot.proceeds -= plan.partial_short_proceeds;
                lot.deferred -= plan.partial_short_deferred;
                lot.qty -= plan.partial_short_qty;
            }
        }
        if plan.short_pieces.is_empty() {
            return;
        }
        let loss_index = out.as_ref().map_or(0, |o| o.losses.len());
        if let Some(out) = out.as_deref_mut() {
            let loss = plan.short_loss();
            let disallowed = dc::min(plan.short_disallowed(), loss);
            out.losses.push(LossSale {
                trade_id: trade_id.clone(),
                symbol: symbol.to_owned(),
                date,
                qty: plan.short_loss_qty(),
                loss,
                disallowed_loss: disallowed,
                allowed_loss: loss - disallowed,
                direction: Direction::Short,
            });
        }
        let mut unmatched: SmallVec<[(Decimal, Decimal); 2]> =
            plan.short_pieces.iter().map(|p| (p.qty, p.loss)).collect();
        let mut offset = 0;
        for &(lot_index, m, piece, d) in &plan.short_matches {
            let days = plan.short_pieces[piece].holding_days;
            let Some(lot) = self.shorts.get(lot_index + offset) else { continue };
            let replacement = lot.trade_id.clone();
            if self.absorb_short(lot_index + offset, m, d, days) {
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
                    direction: Direction::Short,
                });
            }
        }
        for (piece, (qty, loss)) in plan.short_pieces.iter().zip(unmatched) {
            if qty > Decimal::ZERO {
                self.pending_short.push_back(Pending {
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

    /// Splits `m` shares off short lot `index` (front part), takes a disallowed loss out of their proceeds and adds
    /// a holding period to them; whether the lot was split in two.
    fn absorb_short(&mut self, index: usize, m: Decimal, disallowed: Decimal, holding_days: i64) -> bool {
        let Some(lot) = self.shorts.get_mut(index) else { return false };
        let moved = share(lot.proceeds, m, lot.qty);
        let moved_deferred = share(lot.deferred, m, lot.qty);
        let mut part = ShortLot {
            trade_id: lot.trade_id.clone(),
            qty: m,
            proceeds: moved - disallowed,
            deferred: moved_deferred + disallowed,
            opened: lot.opened,
            holding_from: lot.holding_from - Duration::days(holding_days),
            can_replace: false,
        };
        if dc::eq(m, lot.qty) {
            std::mem::swap(lot, &mut part);
            return false;
        }
        lot.proceeds -= moved;
        lot.deferred -= moved_deferred;
        lot.qty -= m;
        self.shorts.insert(index, part);
        true
    }

    /// Opens the short position of a planned sale: shares replacing earlier covers at a loss first (their
    /// proceeds less the disallowed loss, their holding period carried over), the rest as a lot of its own.
    fn open_short(
        &mut self,
        plan: &SalePlan,
        trade_id: &Arc<str>,
        date: NaiveDate,
        mut out: Option<&mut WashSaleReport>,
    ) {
        let mut qty_left = plan.short_qty;
        let mut proceeds_left = plan.short_proceeds;
        for &(i, m, d) in &plan.short_matches {
            let Some(p) = self.pending_short.get_mut(i) else { continue };
            let proceeds = share(proceeds_left, m, qty_left);
            proceeds_left -= proceeds;
            qty_left -= m;
            self.shorts.push_back(ShortLot {
                trade_id: trade_id.clone(),
                qty: m,
                proceeds: proceeds - d,
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
                    direction: Direction::Short,
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
            self.shorts.push_back(ShortLot {
                trade_id: trade_id.clone(),
                qty: qty_left,
                proceeds: proceeds_left,
                deferred: Decimal::ZERO,
                opened: date,
                holding_from: date,
                can_replace: true,
            });
        }
        self.pending_short.drain(..plan.short_expired.min(self.pending_short.len()));
        while self.pending_short.front().is_some_and(|p| p.qty.is_zero()) {
            self.pending_short.pop_front();
        }
    }

    /// Trade ids of the open shorts a planned cover's loss is matched to.
    pub fn short_replacement_ids(&self, plan: &BuyPlan) -> Vec<Arc<str>> {
        let mut ids: Vec<Arc<str>> = Vec::with_capacity(plan.short_matches.len());
        for &(i, _, _, _) in &plan.short_matches {
            if let Some(lot) = self.shorts.get(plan.consumed_shorts + i) {
                if ids.last() != Some(&lot.trade_id) {
                    ids.push(lot.trade_id.clone());
                }
            }
        }
        ids
    }

    /// Trade ids of the covers at a loss a planned short sale replaces.
    pub fn pending_short_ids(&self, plan: &SalePlan) -> Vec<Arc<str>> {
        let mut ids: Vec<Arc<str>> = Vec::with_capacity(plan.short_matches.len());
        for &(i, _, _) in &plan.short_matches {
            if let Some(p) = self.pending_short.get(i) {
                if ids.last() != Some(&p.trade_id) {
                    ids.push(p.trade_id.clone());
                }
            }
        }
        ids
    }

    /// Long lots bought on or before `date` and at most 30 days before it that can still absorb a wash sale: (lot
    /// index, purchase date, shares), in purchase order (replacements held in another account).
    pub(super) fn replacement_lots(&self, date: NaiveDate) -> Vec<(usize, NaiveDate, Decimal)> {
        let earliest = date - Duration::days(WASH_WINDOW_DAYS);
        let first = self.lots.partition_point(|lot| lot.bought < earliest);
        (first..)
            .zip(self.lots.range(first..))
            .filter(|(_, l)| l.can_replace && l.bought <= date && l.qty > Decimal::ZERO)
            .map(|(i, l)| (i, l.bought, l.qty))
            .collect()
    }

    /// Makes `m` shares of lot `index` a replacement (another account's loss): with `basis`, the disallowed loss
    /// and holding period move into them as for a wash sale in the account; without (a tax-deferred account, Rev.
    /// Rul. 2008-5), they only stop being a replacement. Whether the lot was split in two.
    pub(super) fn absorb_replacement(&mut self, index: usize, m: Decimal, moved: Option<(Decimal, i64)>) -> bool {
        let (disallowed, days) = moved.unwrap_or((Decimal::ZERO, 0));
        self.absorb(index, m, disallowed, days)
    }

    /// The index of the newest lot if it was bought on `date` by `trade_id` and can still absorb a wash sale.
    pub(super) fn newest_replacement(&self, trade_id: &Arc<str>, date: NaiveDate) -> Option<(usize, Decimal)> {
        let i = self.lots.len().checked_sub(1)?;
        let lot = &self.lots[i];
        (lot.can_replace && lot.bought == date && Arc::ptr_eq(&lot.trade_id, trade_id)).then_some((i, lot.qty))
    }

    /// Loss shares waiting for a replacement, sold on or after `date` less 30 days: (pending index, sale date,
    /// shares), oldest first.
    pub(super) fn waiting_losses(&self, date: NaiveDate) -> Vec<(usize, NaiveDate, Decimal)> {
        let latest_sale = date - Duration::days(WASH_WINDOW_DAYS);
        (0..)
            .zip(&self.pending)
            .filter(|(_, p)| p.date >= latest_sale && p.date <= date && p.qty > Decimal::ZERO)
            .map(|(i, p)| (i, p.date, p.qty))
            .collect()
    }

    /// The waiting loss shares of sale `trade_id`: (pending index, shares), oldest first.
    pub(super) fn losses_of(&self, trade_id: &Arc<str>) -> Vec<(usize, Decimal)> {
        (0..)
            .zip(&self.pending)
            .filter(|(_, p)| Arc::ptr_eq(&p.trade_id, trade_id) && p.qty > Decimal::ZERO)
            .map(|(i, p)| (i, p.qty))
            .collect()
    }

    /// Takes `m` shares off waiting loss `index`: their disallowed loss, holding days, loss record index and sale.
    pub(super) fn take_loss(&mut self, index: usize, m: Decimal) -> Option<(Decimal, i64, usize, Arc<str>)> {
        let p = self.pending.get_mut(index)?;
        let d = share(p.loss, m, p.qty);
        p.qty -= m;
        p.loss -= d;
        Some((d, p.holding_days, p.loss_index, p.trade_id.clone()))
    }

    /// The trade id of lot `index`.
    pub(super) fn lot_trade_id(&self, index: usize) -> Option<Arc<str>> {
        self.lots.get(index).map(|l| l.trade_id.clone())
    }

    /// Forgets the losses waiting for a replacement (a tax-deferred account's losses are not deductible).
    pub(super) fn forget_losses(&mut self) {
        self.pending.clear();
        self.pending_short.clear();
    }

    /// Loss shares of earlier sales still waiting for a replacement, and their trade ids.
    pub fn pending_ids(&self, plan: &BuyPlan) -> Vec<Arc<str>> {
        let mut ids: Vec<Arc<str>> = Vec::with_capacity(plan.matches.len());
        for &(i, _, _) in &plan.matches {
            let id = &self.pending[i].trade_id;
            if ids.last() != Some(id) {
                ids.push(id.clone());
            }
        }
        ids
    }

    /// Disallowed loss deferred in the basis of open lots and the proceeds of open short lots.
    pub fn deferred(&self) -> Decimal {
        self.lots.iter().map(|l| l.deferred).sum::<Decimal>() + self.shorts.iter().map(|l| l.deferred).sum::<Decimal>()
    }

    /// Trade ids of the replacement lots a planned sale matches.
    pub fn replacement_ids(&self, plan: &SalePlan) -> Vec<Arc<str>> {
        let mut ids: Vec<Arc<str>> = Vec::with_capacity(plan.matches.len());
        for &(i, _, _, _) in &plan.matches {
            if let Some(lot) = self.lots.get(plan.consumed_lots + i) {
                if ids.last() != Some(&lot.trade_id) {
                    ids.push(lot.trade_id.clone());
                }
            }
        }
        ids
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
    let ordered = trades.ordered()?;
    let mut books: FxHashMap<(&str, &str), SymbolLots> = FxHashMap::default();
    let mut report = WashSaleReport::default();
    let mut realized: BTreeMap<String, Decimal> = BTreeMap::new();
    for t in ordered.iter() {
        let book = books.entry((t.user_id.as_str(), identical.key(&t.symbol))).or_default();
        let id: Arc<str> = Arc::from(t.id.as_str());
        let date = t.trade_date();
        let pnl = match t.side {
            Side::Sell => {
                let plan = book.plan_sale(t.qty, t.notional() - t.fees, date);
                book.apply_sale(&plan, &id, &t.symbol, date, Some(&mut report));
                plan.realized
            }
            Side::Buy => {
                let cost = t.notional() + t.fees;
                let plan = book.plan_buy(t.qty, cost, date);
                book.apply_buy(&plan, &id, &t.symbol, t.qty, cost, date, Some(&mut report));
                plan.realized
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
