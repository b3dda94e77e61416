//! `concentration`: a trade that leaves a position worth more than `limits.concentration.max_percent` of account
//! equity fails or is flagged (`action`). Position value after the trade = |position| × trade price; equity is the
//! context's `equity`. Trades that reduce the position always pass: they lower the concentration. Applies to every
//! trade when a limit and the equity are set.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use rust_decimal::Decimal;

use crate::compliance::text::Sentence;
use crate::compliance::{AccountContext, Event, Metadata, Reason, Rule, RuleState, Verdict};
use crate::decimal_cmp as dc;

/// The `concentration` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConcentrationRule;

const REFERENCE: &str = "account position concentration limit (percent of equity)";

impl Rule for ConcentrationRule {
    fn name(&self) -> &'static str {
        "concentration"
    }

    fn start(&self, ctx: &AccountContext) -> Box<dyn RuleState> {
        // The largest allowed position value, equity × max_percent / 100, worked out once per account.
        let max_value = match (&ctx.limits.concentration, ctx.equity) {
            (Some(limit), Some(equity)) => {
                Some(equity.checked_mul(limit.max_percent).map_or(Decimal::MAX, |v| v * Decimal::new(1, 2)))
            }
            _ => None,
        };
        Box::new(ConcentrationState { max_value })
    }
}

struct ConcentrationState {
    /// `None` when the context sets no limit or no equity: the rule does not apply.
    max_value: Option<Decimal>,
}

impl RuleState for ConcentrationState {
    fn check(&self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict> {
        let max_value = self.max_value?;
        let limit = ctx.limits.concentration.as_ref()?;
        let equity = ctx.equity?;
        let after = ev.position_after().abs();
        let value = after.checked_mul(ev.trade.price).unwrap_or(Decimal::MAX);
        let reduces = dc::le(after, ev.position.abs());
        if reduces || dc::le(value, max_value) {
            let meta = Metadata::with_capacity(2).with("position_value", value).with("max_position_value", max_value);
            return Some(Verdict::pass("The position stays within the account's concentration limit.", meta));
        }
        let percent = if equity > Decimal::ZERO {
            value.checked_mul(Decimal::ONE_HUNDRED).and_then(|v| v.checked_div(equity))
        } else {
            None
        };
        let meta = Metadata::with_capacity(6)
            .with("position_value", value)
            .with("max_position_value", max_value)
            .with("equity", equity)
            .with("percent_of_equity", percent.map(|p| p.round_dp(4)))
            .with("max_percent", limit.max_percent)
            .with("rule", REFERENCE);
        let status = limit.action.status();
        let (symbol, max_percent) = (ev.symbol_name.clone(), limit.max_percent);
        let reason = Reason::later(move |_| {
            let reason = Sentence::new(200).s("After this trade the ").s(&symbol).s(" position would be worth $");
            let reason = reason.money(value).s(", ");
            let reason = match percent {
                Some(p) => reason.decimal(p.round_dp(1)).s("%"),
                None => reason.s("all"),
            };
            let reason = reason.s(" of the account's $").decimal(equity).s(" equity, above the ");
            reason.decimal(max_percent).s("% limit.").done()
        });
        Some(Verdict::new(status, reason, meta))
    }

    fn record(&mut self, _ev: &Event<'_>, _ctx: &AccountContext) {}
}
