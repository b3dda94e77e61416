//! The extension point: a [`Rule`] creates, per account, a [`RuleState`] that checks trades and remembers only
//! what its window needs.

use crate::trade::Trade;

use super::context::AccountContext;
use super::result::CheckResult;

/// A compliance rule. Implement it (and [`RuleState`]) to add a rule of your own to a [`RuleSet`].
pub trait Rule: Send + Sync {
    /// The stable `check_name` of the rule's results.
    fn name(&self) -> &'static str;

    /// A fresh state for one account.
    fn start(&self, ctx: &AccountContext) -> Box<dyn RuleState>;
}

/// A rule's state for one account: what it has seen of the account's trades, bounded by the rule's window.
pub trait RuleState: Send {
    /// The result for `trade` given the trades recorded so far, without recording it (`None` when the rule does
    /// not apply to this trade or account). Pre-trade checks call only this.
    fn check(&self, trade: &Trade, ctx: &AccountContext) -> Option<CheckResult>;

    /// Records `trade`, which has been checked and executed, and forgets what no later check can need.
    fn record(&mut self, trade: &Trade, ctx: &AccountContext);
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

    /// The rules, in order.
    pub fn rules(&self) -> &[Box<dyn Rule>] {
        &self.rules
    }

    /// The names of the rules, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.rules.iter().map(|r| r.name()).collect()
    }
}
