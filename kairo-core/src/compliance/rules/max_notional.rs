//! `max_notional`: an order's value (quantity × price) above the configured maximum fails or is flagged, as
//! `limits.max_notional.action` says. A firm's fat-finger and credit control (SEC Rule 15c3-5, the market access
//! rule, requires pre-set credit and capital thresholds on orders). Applies to every trade when a maximum is set.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use crate::compliance::text::Sentence;
use crate::compliance::{AccountContext, Event, Metadata, Reason, Rule, RuleState, Verdict};
use crate::decimal_cmp as dc;

/// The `max_notional` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct MaxNotionalRule;

const REFERENCE: &str = "account max order notional; SEC Rule 15c3-5 pre-set credit thresholds";

impl Rule for MaxNotionalRule {
    fn name(&self) -> &'static str {
        "max_notional"
    }

    fn start(&self, _ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(MaxNotionalRule)
    }
}

impl RuleState for MaxNotionalRule {
    fn check(&self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict> {
        let limit = ctx.limits.max_notional.as_ref()?;
        let notional = ev.notional;
        let mut meta = Metadata::with_capacity(2).with("notional", notional).with("max_notional", limit.max);
        if dc::le(notional, limit.max) {
            return Some(Verdict::pass("The order value is within the account's maximum.", meta));
        }
        meta.insert("rule", REFERENCE);
        let status = limit.action.status();
        let max = limit.max;
        let reason = Reason::later(move |_| {
            Sentence::new(96)
                .s("The order value $")
                .money(notional)
                .s(" is above this account's maximum of $")
                .decimal(max)
                .s(" per order.")
                .done()
        });
        Some(Verdict::new(status, reason, meta))
    }

    fn record(&mut self, _ev: &Event<'_>, _ctx: &AccountContext) {}
}
