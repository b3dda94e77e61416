//! `market_hours`: flags a trade executed outside the NYSE regular session (09:30–16:00 New York time, 13:00 on
//! early-close days) or on a day the exchange is closed. Extended-hours trading is legal but carries the risks
//! FINRA Rule 2265 requires brokers to disclose, so the result is a flag, not a failure.

use chrono_tz::America::New_York;
use serde_json::json;

use crate::calendar::{holiday_on, is_regular_hours, is_trading_day, session};
use crate::compliance::{AccountContext, CheckResult, Rule, RuleState, Status};
use crate::trade::Trade;

/// The `market_hours` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarketHours;

const NAME: &str = "market_hours";

impl Rule for MarketHours {
    fn name(&self) -> &'static str {
        NAME
    }

    fn start(&self, _ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(MarketHours)
    }
}

impl RuleState for MarketHours {
    fn check(&self, trade: &Trade, _ctx: &AccountContext) -> Option<CheckResult> {
        let local = trade.executed_at.with_timezone(&New_York);
        let day = local.date_naive();
        let at = local.format("%Y-%m-%d %H:%M:%S %Z").to_string();
        let (status, reason, metadata) = if is_regular_hours(trade.executed_at) {
            (Status::Pass, format!("Executed during regular market hours ({at})."), json!({"local_time": at}))
        } else if !is_trading_day(day) {
            let why = match holiday_on(day) {
                Some(h) => format!("an exchange holiday ({})", h.name()),
                None => "a weekend".to_owned(),
            };
            (
                Status::Flag,
                format!("Executed at {at}, on {why}, when the exchange is closed."),
                json!({"local_time": at, "trading_day": false, "holiday": holiday_on(day)}),
            )
        } else {
            let (open, close) = session(day).map_or((String::new(), String::new()), |(o, c)| {
                (
                    o.with_timezone(&New_York).format("%H:%M").to_string(),
                    c.with_timezone(&New_York).format("%H:%M").to_string(),
                )
            });
            (
                Status::Flag,
                format!("Executed at {at}, outside the regular session ({open}–{close} New York time)."),
                json!({"local_time": at, "trading_day": true, "session_open": open, "session_close": close}),
            )
        };
        let mut metadata = metadata;
        metadata["rule"] = json!("NYSE regular session; FINRA Rule 2265 (extended hours trading risks)");
        Some(CheckResult::new(trade.id.clone(), NAME, status, reason, metadata))
    }

    fn record(&mut self, _trade: &Trade, _ctx: &AccountContext) {}
}
