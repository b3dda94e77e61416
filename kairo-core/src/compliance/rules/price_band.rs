//! `price_band`: flags a trade whose price is more than `limits.price_band.max_deviation_percent` (10% by default)
//! away from the reference price: a fat-finger check (SEC Rule 15c3-5 requires controls that reject erroneous
//! orders "that exceed appropriate price ... parameters"). The reference is the context's `reference_prices` entry
//! for the symbol (the current market price a service supplies), or else the account's previous trade in the
//! symbol on the same trading day. With neither, the rule does not apply.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::compliance::text::Sentence;
use crate::compliance::{AccountContext, Event, Metadata, Reason, Rule, RuleState, Verdict};

/// The `price_band` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct PriceBandRule;

const REFERENCE: &str = "price band around the reference price; SEC Rule 15c3-5(c)(1)(ii) erroneous order controls";

impl Rule for PriceBandRule {
    fn name(&self) -> &'static str {
        "price_band"
    }

    fn start(&self, _ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(PriceBandState { last: Vec::new() })
    }
}

/// The last trade price of each symbol and its trading date.
struct PriceBandState {
    last: Vec<Option<(NaiveDate, Decimal)>>,
}

impl RuleState for PriceBandState {
    fn check(&self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict> {
        let (reference, source) = match ctx.reference_prices.get(ev.trade.symbol.as_str()) {
            Some(p) => (*p, "reference_prices"),
            None => match self.last.get(ev.symbol).copied().flatten() {
                Some((date, p)) if date == ev.date => (p, "previous_trade"),
                _ => return None,
            },
        };
        let max = ctx.limits.price_band.max_deviation_percent;
        let gap = (ev.trade.price - reference).abs();
        // |price − reference| / reference ≤ max / 100, compared without dividing.
        let within =
            gap.checked_mul(Decimal::ONE_HUNDRED).is_some_and(|g| reference.checked_mul(max).is_some_and(|m| g <= m));
        if within {
            let meta = Metadata::with_capacity(2).with("reference_price", reference).with("reference_source", source);
            return Some(Verdict::pass("The price is within the band around the reference price.", meta));
        }
        let deviation =
            gap.checked_mul(Decimal::ONE_HUNDRED).and_then(|d| d.checked_div(reference)).unwrap_or(Decimal::MAX);
        let meta = Metadata::with_capacity(5)
            .with("price", ev.trade.price)
            .with("reference_price", reference)
            .with("reference_source", source)
            .with("deviation_percent", deviation.round_dp(4))
            .with("rule", REFERENCE);
        let price = ev.trade.price;
        let reason = Reason::later(move |_| {
            Sentence::new(140)
                .s("The price $")
                .decimal(price)
                .s(" is ")
                .decimal(deviation.round_dp(1))
                .s("% away from the reference price $")
                .decimal(reference)
                .s(", more than the ")
                .decimal(max)
                .s("% band: check for a mistyped price.")
                .done()
        });
        Some(Verdict::flag(reason, meta))
    }

    fn record(&mut self, ev: &Event<'_>, _ctx: &AccountContext) {
        if self.last.len() <= ev.symbol {
            self.last.resize(ev.symbol + 1, None);
        }
        self.last[ev.symbol] = Some((ev.date, ev.trade.price));
    }
}
