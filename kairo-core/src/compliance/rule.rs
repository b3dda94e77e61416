//! The extension point: a [`Rule`] creates, per account, a [`RuleState`] that checks trades and remembers only
//! what its window needs.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::activity::Activity;
use crate::trade::Trade;

use super::context::AccountContext;
use super::result::Verdict;

/// A trade as the rules see it: the trade plus what the engine works out once for all rules.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// The trade (or proposed order).
    pub trade: &'a Trade,
    /// The trade id, shared by all of the trade's results.
    pub id: &'a Arc<str>,
    /// A small dense number for the trade's symbol within this account (0, 1, 2, ... in order of first
    /// appearance), for rules that keep per-symbol state in a `Vec`. A proposed order in a symbol the account has
    /// never traded gets the next unused number.
    pub symbol: usize,
    /// The trade's symbol, shared (a rule keeps or captures it without copying the text).
    pub symbol_name: &'a Arc<str>,
    /// Execution time in New York.
    pub local: NaiveDateTime,
    /// The trade date: the calendar date in New York.
    pub date: NaiveDate,
    /// The account's signed position in the symbol before this trade (short positions are negative).
    pub position: Decimal,
    /// Price × quantity, worked out once for all rules (fees excluded).
    pub notional: Decimal,
}

impl Event<'_> {
    /// The signed position after this trade.
    #[inline]
    pub fn position_after(&self) -> Decimal {
        self.position + self.trade.signed_qty()
    }
}

/// An activity of the account besides its fills (a deposit, a dividend, a split, a transfer of shares, ...), as
/// the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct ActivityEvent<'a> {
    /// The activity.
    pub activity: &'a Activity,
    /// Its id, shared like a trade's.
    pub id: &'a Arc<str>,
    /// The engine's number of the activity's symbol ([`Event::symbol`]), when it has one.
    pub symbol: Option<usize>,
}

/// A compliance rule. Implement it (and [`RuleState`]) to add a rule of your own to a [`RuleSet`].
///
/// A rule answers one check (`name`), or several checks that share their state (`checks`, e.g. the three
/// settlement violations, which read one cash ledger); its state then reports through
/// [`RuleState::push_checks`] and [`RuleState::check_checks`].
pub trait Rule: Send + Sync {
    /// The stable `check_name` of the rule's results (the first of them for a rule answering several checks).
    fn name(&self) -> &'static str;

    /// The checks the rule answers, in the order of their results. By default, the one named `name`.
    fn checks(&self) -> Vec<&'static str> {
        vec![self.name()]
    }

    /// A fresh state for one account.
    fn start(&self, ctx: &AccountContext) -> Box<dyn RuleState>;
}

/// A rule's state for one account: what it has seen of the account's trades, bounded by the rule's window.
///
/// The engine calls [`RuleState::push`] for each executed trade in order, and [`RuleState::check`] alone for a
/// proposed order. The two must agree: `push` returns what `check` would have returned, then records the trade.
pub trait RuleState: Send {
    /// The verdict on the trade given the trades recorded so far, without recording it (`None` when the rule does
    /// not apply to this trade or account).
    fn check(&self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict>;

    /// Records the trade, which has been executed, and forgets what no later check can need.
    fn record(&mut self, ev: &Event<'_>, ctx: &AccountContext);

    /// Records an activity of the account (cash in or out, a split, a transfer of shares): by default nothing, for
    /// rules that only read trades.
    fn activity(&mut self, _ev: &ActivityEvent<'_>, _ctx: &AccountContext) {}

    /// Checks then records the trade. Override it when both can be done in one pass.
    fn push(&mut self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict> {
        let verdict = self.check(ev, ctx);
        self.record(ev, ctx);
        verdict
    }

    /// For a rule answering several checks: each verdict with the index of its check in [`Rule::checks`],
    /// without recording. By default, [`RuleState::check`] as check 0.
    fn check_checks(&self, ev: &Event<'_>, ctx: &AccountContext, out: &mut dyn FnMut(usize, Verdict)) {
        if let Some(v) = self.check(ev, ctx) {
            out(0, v);
        }
    }

    /// For a rule answering several checks: [`RuleState::check_checks`], then records the trade. By default,
    /// [`RuleState::push`] as check 0.
    fn push_checks(&mut self, ev: &Event<'_>, ctx: &AccountContext, out: &mut dyn FnMut(usize, Verdict)) {
        if let Some(v) = self.push(ev, ctx) {
            out(0, v);
        }
    }
}

/// An ordered set of rules.
#[derive(Default)]
pub struct RuleSet {
    rules: Vec<Box<dyn Rule>>,
}

impl RuleSet {
    /// An empty set.
    pub fn new() -> Self {
        RuleSet::default()
    }

    /// Adds a rule (its results come after those of the rules added before it).
    pub fn with(mut self, rule: impl Rule + 'static) -> Self {
        self.rules.push(Box::new(rule));
        self
    }

    /// Adds a boxed rule.
    pub fn with_boxed(mut self, rule: Box<dyn Rule>) -> Self {
        self.rules.push(rule);
        self
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[Box<dyn Rule>] {
        &self.rules
    }

    /// The names of the checks, in the order of their results.
    pub fn names(&self) -> Vec<&'static str> {
        self.rules.iter().flat_map(|r| r.checks()).collect()
    }
}
