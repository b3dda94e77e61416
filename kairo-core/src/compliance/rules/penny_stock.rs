//! `penny_stock`: flags a trade at a price below `limits.penny_stock.below` ($5 by default: SEC Rule 3a51-1 defines
//! a penny stock as an equity security priced under $5, and Rules 15g-1 to 15g-9 add disclosure duties for them).
//! Applies to every trade.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use crate::compliance::text::Sentence;
use crate::compliance::{AccountContext, Event, Metadata, Reason, Rule, RuleState, Verdict};
use crate::decimal_cmp as dc;

/// The `penny_stock` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct PennyStockRule;

const REFERENCE: &str = "SEC Rule 3a51-1 (penny stock: price below $5); Rules 15g-1 to 15g-9";

impl Rule for PennyStockRule {
    fn name(&self) -> &'static str {
        "penny_stock"
    }

    fn start(&self, _ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(PennyStockRule)
    }
}

impl RuleState for PennyStockRule {
    fn check(&self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict> {
        let below = ctx.limits.penny_stock.below;
        if !dc::lt(ev.trade.price, below) {
            return Some(Verdict::pass("The price is not in the penny-stock range.", Metadata::new()));
        }
        let meta =
            Metadata::with_capacity(3).with("price", ev.trade.price).with("threshold", below).with("rule", REFERENCE);
        let (symbol, price) = (ev.symbol_name.clone(), ev.trade.price);
        let reason = Reason::later(move |_| {
            Sentence::new(140)
                .s(&symbol)
                .s(" traded at $")
                .decimal(price)
                .s(", below $")
                .decimal(below)
                .s(": a low-priced (penny) stock, which carries extra risk and disclosure requirements.")
                .done()
        });
        Some(Verdict::flag(reason, meta))
    }

    fn record(&mut self, _ev: &Event<'_>, _ctx: &AccountContext) {}
}
