//! `market_hours`: flags a trade executed outside the NYSE regular session (09:30–16:00 New York time, 13:00 on
//! early-close days) or on a day the exchange is closed. Extended-hours trading is legal but carries the risks
//! FINRA Rule 2265 requires brokers to disclose, so the result is a flag, not a failure. Applies to every trade.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use chrono::NaiveTime;

use crate::calendar::{holiday_on, is_early_close, is_trading_day};
use crate::compliance::text::Sentence;
use crate::compliance::{AccountContext, Event, Metadata, Reason, Rule, RuleState, Verdict};

/// The `market_hours` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarketHoursRule;

const REFERENCE: &str = "NYSE regular session 09:30-16:00 America/New_York; FINRA Rule 2265 (extended hours)";

impl Rule for MarketHoursRule {
    fn name(&self) -> &'static str {
        "market_hours"
    }

    fn start(&self, _ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(MarketHoursRule)
    }
}

impl RuleState for MarketHoursRule {
    fn check(&self, ev: &Event<'_>, _ctx: &AccountContext) -> Option<Verdict> {
        if !is_trading_day(ev.date) {
            let holiday = holiday_on(ev.date);
            let local = ev.local;
            let reason = Reason::later(move |_| {
                let reason = Sentence::new(120).s("Executed at ").local_time(local).s(" New York time, on ");
                let reason = match holiday {
                    Some(h) => reason.s("an exchange holiday (").s(h.name()).s(")"),
                    None => reason.s("a weekend"),
                };
                reason.s(", when the exchange is closed.").done()
            });
            let meta = Metadata::with_capacity(4)
                .with("local_time", ev.local)
                .with("trading_day", false)
                .with("holiday", holiday.map(|h| h.name()))
                .with("rule", REFERENCE);
            return Some(Verdict::flag(reason, meta));
        }
        let open = NaiveTime::from_hms_opt(9, 30, 0)?;
        let (close, close_text) = if is_early_close(ev.date) {
            (NaiveTime::from_hms_opt(13, 0, 0)?, "13:00")
        } else {
            (NaiveTime::from_hms_opt(16, 0, 0)?, "16:00")
        };
        let time = ev.local.time();
        if time >= open && time < close {
            let meta = Metadata::with_capacity(2).with("local_time", ev.local).with("rule", REFERENCE);
            return Some(Verdict::pass("Executed during regular market hours.", meta));
        }
        let meta = Metadata::with_capacity(5)
            .with("local_time", ev.local)
            .with("trading_day", true)
            .with("session_open", "09:30")
            .with("session_close", close_text)
            .with("rule", REFERENCE);
        let local = ev.local;
        let reason = Reason::later(move |_| {
            let reason = Sentence::new(120).s("Executed at ").local_time(local);
            reason.s(" New York time, outside the regular session (09:30–").s(close_text).s(" New York time).").done()
        });
        Some(Verdict::flag(reason, meta))
    }

    fn record(&mut self, _ev: &Event<'_>, _ctx: &AccountContext) {}
}
