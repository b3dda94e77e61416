//! The cash ledger of a cash account, shared by the three Regulation T settlement rules (`good_faith_violation`,
//! `freeriding`, `cash_liquidation`).
//!
//! Regulation T §220.8 lets a cash account buy a security only if it has sufficient funds or the customer agrees to
//! pay in full by settlement; brokers enforce it with three violations (as FINRA and broker help pages describe
//! them, e.g. Fidelity's "Avoiding cash account trading violations"):
//!
//! - **Good-faith violation**: a security bought with unsettled sale proceeds is sold before those proceeds settle.
//! - **FreeridingRule**: a security bought without funds (neither settled cash nor unsettled proceeds) is sold before
//!   the purchase is paid for, so the sale pays for it; Regulation T §220.8(c) requires a 90-day freeze.
//! - **Cash liquidation**: a purchase made without funds is paid for by selling other securities whose proceeds
//!   settle after the purchase does (settlement dates compared, not trade dates: across the 28 May 2024 change to
//!   T+1, a T+2 purchase on Friday 24 May and a T+1 sale on Tuesday 28 May both settle on Wednesday 29 May).
//!
//! The ledger starts from the context's `settled_cash`. A purchase is funded at its trade date from settled cash
//! first, then from unsettled sale proceeds (earliest settling first); the rest is unfunded. A sale's proceeds
//! settle on its settlement date (T+1 from 28 May 2024, T+2 before, over settlement days: NYSE trading days on
//! which the Federal Reserve Banks are open, [`is_settlement_day`](crate::calendar::is_settlement_day)); they pay
//! first for the unfunded part of the lots it sells, then for other unfunded purchases not yet settled (oldest
//! first: one settling on or after the sale's settlement date is simply funded, one settling before it is a cash
//! liquidation), and the rest waits to settle. Lots are sold
//! first in, first out.
//!
//! The account's cash activities, when given ([`Engine::push_activity`](super::Engine::push_activity)), move the
//! ledger too: a deposit (available after `limits.cash_account.deposit_settlement_days` settlement days, 0 by
//! default), a dividend or interest received pays the unfunded purchases not yet settled first (oldest first: a
//! purchase paid by a deposit is funded, not freeriding nor a liquidation), the rest is cash, settled once available
//! (shares bought with a deposit not yet available and sold before it is are a good-faith violation, as with
//! unsettled proceeds); a withdrawal, a fee or a tax takes settled cash. Shares transferred in are paid for;
//! shares transferred out leave the ledger first in, first out; a split multiplies the shares held. Without the
//! cash activities, an unfunded purchase reaching its settlement date is taken as paid by a deposit.

mod cash;

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::{Months, NaiveDate};

use crate::trade::Side;

use cash::{CashLedger, SaleEffect};

use super::context::{AccountContext, AccountType};
use super::metadata::Metadata;
use super::reason::Reason;
use super::result::{Status, Verdict};
use super::rule::{ActivityEvent, Event, RuleState};
use super::text::Sentence;
use crate::activity::ActivityKind;

/// Violations of one kind within the lookback window.
#[derive(Debug, Clone, Default)]
pub(crate) struct ViolationLog {
    dates: VecDeque<NaiveDate>,
}

impl ViolationLog {
    fn first_counted(date: NaiveDate, months: u32) -> NaiveDate {
        date.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN)
    }

    /// Violations in the `months` before `date` (exclusive of the day `months` months earlier), plus this one.
    pub fn count_with(&self, date: NaiveDate, months: u32) -> usize {
        let from = Self::first_counted(date, months);
        self.dates.iter().filter(|d| **d > from).count() + 1
    }

    pub fn record(&mut self, date: NaiveDate, months: u32) {
        let from = Self::first_counted(date, months);
        while self.dates.front().is_some_and(|d| *d <= from) {
            self.dates.pop_front();
        }
        self.dates.push_back(date);
    }
}

/// The three settlement violations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Violation {
    GoodFaith,
    FreeridingRule,
    CashLiquidationRule,
}

impl Violation {
    /// The check name.
    pub fn name(self) -> &'static str {
        match self {
            Violation::GoodFaith => "good_faith_violation",
            Violation::FreeridingRule => "freeriding",
            Violation::CashLiquidationRule => "cash_liquidation",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The purchases a sale's effect implicates for this violation.
    fn ids(self, effect: &SaleEffect) -> &[Arc<str>] {
        match self {
            Violation::GoodFaith => &effect.good_faith,
            Violation::FreeridingRule => &effect.freeriding,
            Violation::CashLiquidationRule => &effect.liquidated,
        }
    }
}

/// The state of the settlement checks of one account: one cash ledger, read by every check it serves, and each
/// check's violations.
pub(crate) struct SettlementState {
    kinds: Vec<Violation>,
    ledger: CashLedger,
    logs: [ViolationLog; 3],
}

impl SettlementState {
    /// A state for `ctx`, or `None` when the checks cannot apply (a margin account, or no settled cash given).
    fn start(kinds: &[Violation], ctx: &AccountContext) -> Option<Self> {
        if ctx.account_type != AccountType::Cash {
            return None;
        }
        let settled = ctx.settled_cash?;
        Some(SettlementState {
            kinds: kinds.to_vec(),
            ledger: CashLedger::new(settled, ctx.settlement, ctx.limits.cash_account.purchase_funding),
            logs: Default::default(),
        })
    }

    /// The sale's effect, or `None` for a purchase (the checks answer for sales).
    fn effect(&self, ev: &Event<'_>) -> Option<SaleEffect> {
        (ev.trade.side == Side::Sell).then(|| self.ledger.preview_sale(ev))
    }

    fn verdict(&self, kind: Violation, effect: &SaleEffect, ev: &Event<'_>, ctx: &AccountContext) -> Verdict {
        let limits = &ctx.limits.cash_account;
        let (threshold, reference) = match kind {
            Violation::GoodFaith => (limits.good_faith_violations, GOOD_FAITH_REFERENCE),
            Violation::FreeridingRule => (limits.freeriding, FREERIDING_REFERENCE),
            Violation::CashLiquidationRule => (limits.cash_liquidations, LIQUIDATION_REFERENCE),
        };
        let ids = kind.ids(effect);
        if ids.is_empty() {
            let reason = match kind {
                Violation::GoodFaith => "The shares sold were paid for with settled funds.",
                Violation::FreeridingRule => "The shares sold were paid for before the sale.",
                Violation::CashLiquidationRule => "The sale does not pay for an earlier unfunded purchase.",
            };
            return Verdict::pass(reason, Metadata::new());
        }
        let count = self.logs[kind.index()].count_with(ev.date, limits.lookback_months);
        let restricted = count >= threshold as usize;
        let restricted_until = restricted.then(|| ev.date + chrono::Duration::days(i64::from(limits.restriction_days)));
        let symbol = ev.symbol_name.clone();
        let (settle_on, unpaid, liquidated) = (effect.funds_settle_on, effect.unpaid, effect.liquidation_amount);
        let (lookback, restriction_days) = (limits.lookback_months, limits.restriction_days);
        let reason = Reason::later(move |m| {
            let reason = Sentence::new(320);
            let reason = match kind {
                Violation::GoodFaith => {
                    let reason = reason.s("Good-faith violation: ").s(&symbol).s(" was bought (trade ");
                    let reason = reason.ids(m.ids("bought_trade_ids")).s(") with sale proceeds that settle on ");
                    let reason = match settle_on {
                        Some(d) => reason.date(d),
                        None => reason,
                    };
                    reason.s(", and this sale comes before then.")
                }
                Violation::FreeridingRule => reason
                    .s("FreeridingRule: ")
                    .s(&symbol)
                    .s(" was bought (trade ")
                    .ids(m.ids("bought_trade_ids"))
                    .s(") without funds to pay for it, and this sale would pay for it ($")
                    .money(unpaid)
                    .s(" unpaid)."),
                Violation::CashLiquidationRule => reason
                    .s("Cash-liquidation violation: this sale pays $")
                    .money(liquidated)
                    .s(" for a purchase made on an earlier day without funds (trade ")
                    .ids(m.ids("bought_trade_ids"))
                    .s("); its proceeds settle after that purchase does."),
            };
            let reason = reason.s(" It is violation ").int(count as u64).s(" in ").int(lookback.into());
            let reason = match restricted_until {
                Some(until) => reason
                    .s(" months, which restricts the account to purchases with settled cash for ")
                    .int(restriction_days.into())
                    .s(" days, until ")
                    .date(until)
                    .s("."),
                None => reason
                    .s(" months; ")
                    .int(threshold.into())
                    .s(" restrict the account for ")
                    .int(restriction_days.into())
                    .s(" days."),
            };
            reason.done()
        });
        let mut meta = Metadata::with_capacity(8).with("bought_trade_ids", ids.to_vec());
        match kind {
            Violation::GoodFaith => meta.insert("funds_settle_on", effect.funds_settle_on),
            Violation::FreeridingRule => meta.insert("unpaid_amount", effect.unpaid),
            Violation::CashLiquidationRule => meta.insert("liquidation_amount", effect.liquidation_amount),
        }
        meta.insert("violations_in_window", count);
        meta.insert("threshold", i64::from(threshold));
        meta.insert("lookback_months", i64::from(limits.lookback_months));
        meta.insert("restricted_until", restricted_until);
        meta.insert("rule", reference);
        let status = if restricted { Status::Fail } else { Status::Flag };
        Verdict::new(status, reason, meta)
    }

    /// Records the trade: the violations the sale's effect shows, then the ledger.
    fn apply(&mut self, ev: &Event<'_>, effect: Option<&SaleEffect>, ctx: &AccountContext) {
        match effect {
            None => {
                self.ledger.buy(ev);
            }
            Some(effect) => {
                for &kind in &self.kinds {
                    if !kind.ids(effect).is_empty() {
                        self.logs[kind.index()].record(ev.date, ctx.limits.cash_account.lookback_months);
                    }
                }
                self.ledger.sell(ev);
            }
        }
    }
}

/// References of the three rules.
const GOOD_FAITH_REFERENCE: &str = "Regulation T 12 CFR 220.8(a); broker good-faith violation policy";
const FREERIDING_REFERENCE: &str = "Regulation T 12 CFR 220.8(a), 220.8(c) (90-day freeze)";
const LIQUIDATION_REFERENCE: &str = "Regulation T 12 CFR 220.8(a)(1)(ii); broker cash-liquidation policy";

impl RuleState for SettlementState {
    fn activity(&mut self, ev: &ActivityEvent<'_>, ctx: &AccountContext) {
        let a = ev.activity;
        let date = a.date();
        let ledger = &mut self.ledger;
        match a.kind() {
            ActivityKind::Deposit { amount } => {
                let days = ctx.limits.cash_account.deposit_settlement_days;
                let available = if days == 0 { date } else { crate::calendar::add_settlement_days(date, days) };
                ledger.credit(date, *amount, available);
            }
            ActivityKind::Dividend { amount, .. } | ActivityKind::Interest { amount } => {
                if amount.is_sign_negative() {
                    ledger.debit(date, -*amount);
                } else {
                    ledger.credit(date, *amount, date);
                }
            }
            ActivityKind::Withdrawal { amount }
            | ActivityKind::Fee { amount, .. }
            | ActivityKind::Tax { amount, .. } => ledger.debit(date, *amount),
            ActivityKind::Split { ratio, cash_in_lieu, .. } => {
                if let Some(symbol) = ev.symbol {
                    ledger.split(symbol, *ratio);
                }
                if !cash_in_lieu.is_zero() {
                    ledger.credit(date, *cash_in_lieu, date);
                }
            }
            ActivityKind::TransferIn { qty, cost_basis, .. } => {
                if let Some(symbol) = ev.symbol {
                    ledger.transfer_in(symbol, ev.id, *qty, *cost_basis, date);
                }
            }
            ActivityKind::TransferOut { qty, .. } => {
                if let Some(symbol) = ev.symbol {
                    ledger.transfer_out(symbol, *qty);
                }
            }
            ActivityKind::SymbolChange { .. } => {}
        }
    }

    fn check(&self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict> {
        let effect = self.effect(ev)?;
        self.kinds.first().map(|&kind| self.verdict(kind, &effect, ev, ctx))
    }

    fn record(&mut self, ev: &Event<'_>, ctx: &AccountContext) {
        let effect = self.effect(ev);
        self.apply(ev, effect.as_ref(), ctx);
    }

    fn push(&mut self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict> {
        let effect = self.effect(ev);
        let verdict = effect.as_ref().and_then(|e| self.kinds.first().map(|&kind| self.verdict(kind, e, ev, ctx)));
        self.apply(ev, effect.as_ref(), ctx);
        verdict
    }

    fn check_checks(&self, ev: &Event<'_>, ctx: &AccountContext, out: &mut dyn FnMut(usize, Verdict)) {
        if let Some(effect) = self.effect(ev) {
            for (k, &kind) in self.kinds.iter().enumerate() {
                out(k, self.verdict(kind, &effect, ev, ctx));
            }
        }
    }

    fn push_checks(&mut self, ev: &Event<'_>, ctx: &AccountContext, out: &mut dyn FnMut(usize, Verdict)) {
        let effect = self.effect(ev);
        if let Some(effect) = &effect {
            for (k, &kind) in self.kinds.iter().enumerate() {
                out(k, self.verdict(kind, effect, ev, ctx));
            }
        }
        self.apply(ev, effect.as_ref(), ctx);
    }
}

/// Settlement checks that do not apply to this account.
pub(crate) struct NotApplicable;

impl RuleState for NotApplicable {
    fn check(&self, _ev: &Event<'_>, _ctx: &AccountContext) -> Option<Verdict> {
        None
    }

    fn record(&mut self, _ev: &Event<'_>, _ctx: &AccountContext) {}
}

/// The state of the settlement checks `kinds` for `ctx`.
pub(crate) fn start(kinds: &[Violation], ctx: &AccountContext) -> Box<dyn RuleState> {
    match SettlementState::start(kinds, ctx) {
        Some(s) => Box::new(s),
        None => Box::new(NotApplicable),
    }
}
