//! Compliance: rules that decide, for each trade, `pass`, `fail` or `flag`, with a reason a person can read and the
//! numbers behind it.
//!
//! A [`RuleSet`] of [`Rule`]s runs three ways with the same answers: streaming ([`Engine::push`]), batch
//! ([`check_history`]) and pre-trade ([`check_order`], [`Engine::check_order`]). Each rule keeps only what its
//! window needs, so an engine's memory does not grow with the length of the history. The account and its
//! configuration are an [`AccountContext`], loadable from JSON or TOML.

mod context;
mod engine;
mod result;
mod rule;
pub mod rules;

pub use context::{AccountContext, AccountType};
pub use engine::{check_history, check_order, Engine};
pub use result::{CheckResult, Decision, Status};
pub use rule::{Rule, RuleSet, RuleState};

/// The built-in rules, in the order their results are reported.
pub fn default_rules() -> RuleSet {
    RuleSet::new().with(rules::MarketHours).with(rules::RestrictedSymbol)
}
