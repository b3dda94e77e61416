//! `self_match`: flags a buy and a sell of the same symbol at the same price within
//! `limits.self_match.window_seconds` (60 by default) in the same account, the footprint of a wash trade or
//! self-match: trading with oneself, which creates no change in beneficial ownership (Securities Exchange Act
//! §9(a)(1); FINRA Rule 6140(b) and Rule 5210 Supplementary Material .02 on self-trades). Applies to every trade.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

use crate::compliance::text::Sentence;
use crate::compliance::{AccountContext, Event, Metadata, Reason, Rule, RuleState, Verdict};
use crate::decimal_cmp as dc;
use crate::trade::Side;

/// The `self_match` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct SelfMatchRule;

const REFERENCE: &str = "Exchange Act 9(a)(1) wash trades; FINRA Rule 5210 SM .02 (self-trades)";

impl Rule for SelfMatchRule {
    fn name(&self) -> &'static str {
        "self_match"
    }

    fn start(&self, ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(SelfMatchState {
            window: Duration::seconds(i64::from(ctx.limits.self_match.window_seconds)),
            recent: Vec::new(),
        })
    }
}

struct Recent {
    at: DateTime<Utc>,
    /// The end of the window this trade opens (`at` + window): a later trade matches it up to then.
    until: DateTime<Utc>,
    side: Side,
    price: Decimal,
    id: Arc<str>,
}

/// Each symbol's trades of the last window.
struct SelfMatchState {
    window: Duration,
    recent: Vec<VecDeque<Recent>>,
}

/// `buy` or `sell`.
fn lower(side: Side) -> &'static str {
    match side {
        Side::Buy => "buy",
        Side::Sell => "sell",
    }
}

impl RuleState for SelfMatchState {
    fn check(&self, ev: &Event<'_>, _ctx: &AccountContext) -> Option<Verdict> {
        let t = ev.trade;
        let hit = self.recent.get(ev.symbol).and_then(|recent| {
            recent.iter().rev().find(|r| r.side != t.side && t.executed_at <= r.until && dc::eq(r.price, t.price))
        });
        let Some(hit) = hit else {
            return Some(Verdict::pass("No opposite trade at the same price within the window.", Metadata::new()));
        };
        let seconds = (t.executed_at - hit.at).num_seconds();
        let meta = Metadata::with_capacity(5)
            .with("matched_trade_id", hit.id.clone())
            .with("price", t.price)
            .with("seconds_apart", seconds)
            .with("window_seconds", self.window.num_seconds())
            .with("rule", REFERENCE);
        let (side, symbol, price, hit_side) = (t.side, ev.symbol_name.clone(), t.price, hit.side);
        let reason = Reason::later(move |m| {
            Sentence::new(160)
                .s("This ")
                .s(lower(side))
                .s(" of ")
                .s(&symbol)
                .s(" at $")
                .decimal(price)
                .s(" comes ")
                .signed(seconds)
                .s(" s after a ")
                .s(lower(hit_side))
                .s(" at the same price in the same account (trade ")
                .ids(m.ids("matched_trade_id"))
                .s("): a possible wash trade.")
                .done()
        });
        Some(Verdict::flag(reason, meta))
    }

    fn record(&mut self, ev: &Event<'_>, _ctx: &AccountContext) {
        if self.recent.len() <= ev.symbol {
            self.recent.resize_with(ev.symbol + 1, VecDeque::new);
        }
        let recent = &mut self.recent[ev.symbol];
        let t = ev.trade;
        while recent.front().is_some_and(|r| t.executed_at > r.until) {
            recent.pop_front();
        }
        let until = t.executed_at.checked_add_signed(self.window).unwrap_or(DateTime::<Utc>::MAX_UTC);
        recent.push_back(Recent { at: t.executed_at, until, side: t.side, price: t.price, id: ev.id.clone() });
    }
}
