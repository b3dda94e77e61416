//! `restricted_symbol`: fails a trade in a symbol on the account's restricted list (a firm's restricted or watch
//! list, an employee's blackout list, a security under a trading halt). Applies to every trade.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use crate::compliance::text::Sentence;
use crate::compliance::{AccountContext, Event, Metadata, Rule, RuleState, Verdict};

/// The `restricted_symbol` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct RestrictedSymbolRule;

const REFERENCE: &str = "account restricted list";

impl Rule for RestrictedSymbolRule {
    fn name(&self) -> &'static str {
        "restricted_symbol"
    }

    fn start(&self, _ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(RestrictedSymbolRule)
    }
}

impl RuleState for RestrictedSymbolRule {
    fn check(&self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict> {
        let symbol = &ev.trade.symbol;
        if ctx.is_restricted(symbol) {
            let meta = Metadata::with_capacity(3)
                .with("symbol", symbol.clone())
                .with("restricted", true)
                .with("rule", REFERENCE);
            let reason = Sentence::new(72).s(symbol).s(" is on this account's restricted list and cannot be traded.");
            Some(Verdict::fail(reason.done(), meta))
        } else {
            Some(Verdict::pass("The symbol is not on this account's restricted list.", Metadata::new()))
        }
    }

    fn record(&mut self, _ev: &Event<'_>, _ctx: &AccountContext) {}
}
