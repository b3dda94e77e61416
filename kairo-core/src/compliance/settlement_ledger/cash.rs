//! The cash ledger of a cash account (described in [`settlement_ledger`](super)): settled cash, unsettled sale
//! proceeds and each purchase's lot with the part of it not yet paid for.

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use smallvec::SmallVec;

use crate::calendar::SettlementCycle;
use crate::compliance::context::PurchaseFunding;
use crate::compliance::rule::Event;
use crate::decimal_cmp as dc;
use crate::lots::pro_rata as share;

#[derive(Debug, Clone)]
struct CashLot {
    seq: u64,
    trade_id: Arc<str>,
    qty: Decimal,
    /// The cost of the shares still held (fees included).
    cost: Decimal,
    trade_date: NaiveDate,
    settles: NaiveDate,
    /// The latest settlement date of the unsettled proceeds that paid for part of the lot.
    unsettled_until: Option<NaiveDate>,
    /// Cost not paid by any funds yet.
    unfunded: Decimal,
}

impl CashLot {
    /// Takes `take` shares (fewer than the lot holds) out of the lot, with their share of its cost and unfunded cash.
    fn shrink(&mut self, take: Decimal) {
        self.unfunded -= share(self.unfunded, take, self.qty);
        self.cost -= share(self.cost, take, self.qty);
        self.qty -= take;
    }
}

/// Purchases implicated by a sale: one or two nearly always, kept inline.
type Ids = SmallVec<[Arc<str>; 2]>;

/// What a sale would do to the ledger.
#[derive(Debug, Clone, Default)]
pub(crate) struct SaleEffect {
    /// Purchases sold before the unsettled proceeds that paid for them settled, and the latest of those dates.
    pub good_faith: Ids,
    pub funds_settle_on: Option<NaiveDate>,
    /// Purchases sold before they were paid for at all, and the unpaid amount.
    pub freeriding: Ids,
    pub unpaid: Decimal,
    /// Earlier unfunded purchases this sale pays for, and the amount.
    pub liquidated: Ids,
    pub liquidation_amount: Decimal,
}

/// One cash account's funds and lots.
#[derive(Debug, Clone)]
pub(crate) struct CashLedger {
    cycle: SettlementCycle,
    funding: PurchaseFunding,
    settled: Decimal,
    /// Unsettled sale proceeds not spent: (settlement date, amount), in settlement order.
    credits: VecDeque<(NaiveDate, Decimal)>,
    lots: Vec<VecDeque<CashLot>>,
    /// Purchases with an unfunded part: (symbol, lot seq), oldest first.
    unfunded: VecDeque<(usize, u64)>,
    next_seq: u64,
    /// The settlement date of the last trade date seen.
    settles: Option<(NaiveDate, NaiveDate)>,
}

impl CashLedger {
    pub fn new(settled_cash: Decimal, cycle: SettlementCycle, funding: PurchaseFunding) -> Self {
        CashLedger {
            cycle,
            funding,
            settled: settled_cash,
            credits: VecDeque::new(),
            lots: Vec::new(),
            unfunded: VecDeque::new(),
            next_seq: 0,
            settles: None,
        }
    }

    fn settlement_date(&mut self, date: NaiveDate) -> NaiveDate {
        match self.settles {
            Some((d, s)) if d == date => s,
            _ => {
                let s = self.cycle.settlement_date(date);
                self.settles = Some((date, s));
                s
            }
        }
    }

    fn settle(&mut self, date: NaiveDate) {
        while let Some(&(d, a)) = self.credits.front() {
            if d > date {
                break;
            }
            self.settled += a;
            self.credits.pop_front();
        }
    }

    fn lot(&self, symbol: usize, seq: u64) -> Option<&CashLot> {
        self.lots.get(symbol)?.iter().find(|l| l.seq == seq)
    }

    /// Records a purchase; returns (settled cash used, unsettled proceeds used, unfunded).
    pub fn buy(&mut self, ev: &Event<'_>) -> (Decimal, Decimal, Decimal) {
        let (symbol, trade, id, date) = (ev.symbol, ev.trade, ev.id, ev.date);
        self.settle(date);
        let cost = ev.notional + trade.fees;
        let from_settled = self.settled.max(Decimal::ZERO).min(cost);
        self.settled -= from_settled;
        let mut rest = cost - from_settled;
        let mut from_unsettled = Decimal::ZERO;
        let mut unsettled_until = None;
        while rest > Decimal::ZERO {
            let Some(front) = self.credits.front_mut() else { break };
            let take = dc::min(rest, front.1);
            front.1 -= take;
            rest -= take;
            from_unsettled += take;
            unsettled_until = Some(front.0);
            if front.1.is_zero() {
                self.credits.pop_front();
            }
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let settles = self.settlement_date(date);
        if self.lots.len() <= symbol {
            self.lots.resize_with(symbol + 1, VecDeque::new);
        }
        self.lots[symbol].push_back(CashLot {
            seq,
            trade_id: id.clone(),
            qty: trade.qty,
            cost,
            trade_date: date,
            settles,
            unsettled_until,
            unfunded: rest,
        });
        if rest > Decimal::ZERO {
            self.unfunded.push_back((symbol, seq));
            if self.funding == PurchaseFunding::DayTotal {
                self.share_day(date);
            }
        }
        (from_settled, from_unsettled, rest)
    }

    /// [`PurchaseFunding::DayTotal`]: the unfunded part of the purchases of `date` still held, shared by all of
    /// them in proportion to their cost.
    fn share_day(&mut self, date: NaiveDate) {
        let mut today: SmallVec<[(usize, usize); 8]> = SmallVec::new();
        for (s, lots) in self.lots.iter().enumerate() {
            // a symbol's lots are in purchase order: today's are at the back
            for (i, lot) in lots.iter().enumerate().rev() {
                if lot.trade_date < date {
                    break;
                }
                today.push((s, i));
            }
        }
        if today.len() < 2 {
            return;
        }
        let (mut cost_left, mut left) = (Decimal::ZERO, Decimal::ZERO);
        for &(s, i) in &today {
            cost_left += self.lots[s][i].cost;
            left += self.lots[s][i].unfunded;
        }
        let last = today.len() - 1;
        for (k, &(s, i)) in today.iter().enumerate() {
            let lot = &mut self.lots[s][i];
            let part = if k == last { left } else { share(left, lot.cost, cost_left) };
            left -= part;
            cost_left -= lot.cost;
            let was = lot.unfunded;
            lot.unfunded = part;
            if was.is_zero() && part > Decimal::ZERO {
                self.unfunded.push_back((s, lot.seq));
            }
        }
    }

    /// Cash in on `date` (a deposit, a dividend, interest), available from `available`: it pays the unfunded
    /// purchases not yet settled first, oldest first; the rest is cash, settled from `available`.
    pub fn credit(&mut self, date: NaiveDate, amount: Decimal, available: NaiveDate) {
        self.settle(date);
        let left = self.pay_unfunded(date, amount, available, None);
        if left <= Decimal::ZERO {
            return;
        }
        if available <= date {
            self.settled += left;
        } else {
            let at = self.credits.partition_point(|(d, _)| *d <= available);
            self.credits.insert(at, (available, left));
        }
    }

    /// Pays the purchases with an unfunded part not yet settled on `date` from `amount`, oldest first, leaving out
    /// `skip` (a symbol's lots up to a number: those a sale draws on); the funds that pay them settle on `until`.
    /// Returns what is left of `amount`.
    fn pay_unfunded(
        &mut self,
        date: NaiveDate,
        amount: Decimal,
        until: NaiveDate,
        skip: Option<(usize, u64)>,
    ) -> Decimal {
        let mut left = amount;
        let mut i = 0;
        while i < self.unfunded.len() {
            let (s, seq) = self.unfunded[i];
            if skip.is_some_and(|(symbol, last)| s == symbol && seq <= last) {
                i += 1;
                continue;
            }
            let Some(lot) = self.lots.get_mut(s).and_then(|l| l.iter_mut().find(|l| l.seq == seq)) else {
                self.unfunded.remove(i);
                continue;
            };
            if lot.unfunded <= Decimal::ZERO || date > lot.settles {
                self.unfunded.remove(i);
                continue;
            }
            if left <= Decimal::ZERO {
                break;
            }
            let paid = dc::min(left, lot.unfunded);
            left -= paid;
            lot.unfunded -= paid;
            if until > date {
                lot.unsettled_until = lot.unsettled_until.max(Some(until));
            }
            if lot.unfunded.is_zero() {
                self.unfunded.remove(i);
            } else {
                i += 1;
            }
        }
        left
    }

    /// Cash out on `date` (a withdrawal, a fee, a tax): from settled cash.
    pub fn debit(&mut self, date: NaiveDate, amount: Decimal) {
        self.settle(date);
        self.settled -= amount;
    }

    /// Shares of `symbol` transferred in on `date`, paid for (their basis is their cost).
    pub fn transfer_in(&mut self, symbol: usize, id: &Arc<str>, qty: Decimal, cost: Decimal, date: NaiveDate) {
        self.settle(date);
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.lots.len() <= symbol {
            self.lots.resize_with(symbol + 1, VecDeque::new);
        }
        self.lots[symbol].push_back(CashLot {
            seq,
            trade_id: id.clone(),
            qty,
            cost,
            trade_date: date,
            settles: date,
            unsettled_until: None,
            unfunded: Decimal::ZERO,
        });
    }

    /// Shares of `symbol` transferred out: the first lots leave, no proceeds.
    pub fn transfer_out(&mut self, symbol: usize, qty: Decimal) {
        let Some(lots) = self.lots.get_mut(symbol) else { return };
        let mut left = qty;
        while left > Decimal::ZERO {
            let Some(lot) = lots.front_mut() else { break };
            let take = dc::min(left, lot.qty);
            left -= take;
            if dc::eq(take, lot.qty) {
                lots.pop_front();
            } else {
                lot.shrink(take);
            }
        }
    }

    /// A split of `symbol`: the shares of its lots multiplied by `ratio`, their cost unchanged.
    pub fn split(&mut self, symbol: usize, ratio: Decimal) {
        for lot in self.lots.get_mut(symbol).into_iter().flatten() {
            lot.qty *= ratio;
        }
    }

    /// What selling `trade` would do, without recording it.
    pub fn preview_sale(&self, ev: &Event<'_>) -> SaleEffect {
        let (symbol, trade, date) = (ev.symbol, ev.trade, ev.date);
        let mut effect = SaleEffect::default();
        let mut left = trade.qty;
        // Lots are sold from the front and numbered in purchase order: the lots this sale draws on are this
        // symbol's lots numbered up to the last one it touches.
        let mut last_sold = None;
        for lot in self.lots.get(symbol).into_iter().flatten() {
            if left.is_zero() {
                break;
            }
            let take = dc::min(left, lot.qty);
            left -= take;
            last_sold = Some(lot.seq);
            if let Some(until) = lot.unsettled_until.filter(|u| *u > date) {
                effect.good_faith.push(lot.trade_id.clone());
                effect.funds_settle_on = effect.funds_settle_on.max(Some(until));
            }
            if lot.unfunded > Decimal::ZERO && date <= lot.settles {
                effect.freeriding.push(lot.trade_id.clone());
                effect.unpaid += share(lot.unfunded, take, lot.qty);
            }
        }
        let mut proceeds = ev.notional - trade.fees - effect.unpaid;
        let sale_settles = match self.settles {
            Some((d, s)) if d == date => s,
            _ => self.cycle.settlement_date(date),
        };
        for &(s, seq) in &self.unfunded {
            if proceeds <= Decimal::ZERO {
                break;
            }
            if s == symbol && last_sold.is_some_and(|last| seq <= last) {
                continue;
            }
            let Some(lot) = self.lot(s, seq) else { continue };
            if lot.unfunded <= Decimal::ZERO || date > lot.settles {
                continue;
            }
            let paid = dc::min(proceeds, lot.unfunded);
            proceeds -= paid;
            if lot.settles < sale_settles {
                effect.liquidated.push(lot.trade_id.clone());
                effect.liquidation_amount += paid;
            }
        }
        effect
    }

    /// Records a sale.
    pub fn sell(&mut self, ev: &Event<'_>) {
        let (symbol, trade, date) = (ev.symbol, ev.trade, ev.date);
        self.settle(date);
        let settles = self.settlement_date(date);
        let mut proceeds = ev.notional - trade.fees;
        let mut left = trade.qty;
        let mut last_sold = None;
        if let Some(lots) = self.lots.get_mut(symbol) {
            while left > Decimal::ZERO {
                let Some(lot) = lots.front_mut() else { break };
                let take = dc::min(left, lot.qty);
                left -= take;
                last_sold = Some(lot.seq);
                if lot.unfunded > Decimal::ZERO && date <= lot.settles {
                    proceeds -= share(lot.unfunded, take, lot.qty);
                }
                if dc::eq(take, lot.qty) {
                    lots.pop_front();
                } else {
                    lot.shrink(take);
                }
            }
        }
        let proceeds = self.pay_unfunded(date, proceeds, settles, last_sold.map(|last| (symbol, last)));
        if proceeds > Decimal::ZERO {
            match self.credits.back_mut() {
                Some((d, a)) if *d == settles => *a += proceeds,
                _ => self.credits.push_back((settles, proceeds)),
            }
        }
    }
}
